import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LOG_SERVICE, LOG_SERVICE_ACCESS } from "../defaults";
import { isKnown } from "../known";
import {
    accessNames,
    buildNetworkPolicy,
    credentialSecrets,
    checkPassword,
    Password,
    PASSWORD_GIVEN,
    storagePassword,
    vmauthConfigFile,
} from "./access";
import { buildStorageNetworkPolicy, clusterLabels } from "./cluster";
import { buildAlertingObjects, vmalertLabels } from "./alerting";
import { LogServiceArgs } from "./args";
import {
    buildLogServiceCluster,
    buildLogServiceService,
    buildLogServiceStatefulSet,
    bulkUrlOf,
    logServiceLabels,
    serviceHost,
    validateLogService,
    ValidatedLogService,
} from "./manifest";
import { Destination } from "../args";

import { LogQueryUrls, uiQueryUrls } from "./queries";

/** The args with each password given replaced by PASSWORD_GIVEN: the rest is validated (and known) apart from the secrets. */
function withoutPasswords(args: LogServiceArgs): LogServiceArgs {
    if (args.access === undefined || args.access === null || typeof args.access !== "object") return args;
    const access: Record<string, unknown> = { ...args.access };
    for (const k of ["ingestPassword", "readerPassword"] as const)
        if (access[k] !== undefined) access[k] = PASSWORD_GIVEN;
    return { ...args, access: access as LogServiceArgs["access"] };
}

/** The component's type token. */
export const LOG_SERVICE_TYPE = "webserver-sidecar:index:LogService";

/**
 * A log-aggregation service for the webserver's logs: VictoriaLogs single node (a StatefulSet of
 * one pod, its data on a PersistentVolumeClaim, a Service), keeping the last 24 hours the task
 * names plus a margin. Pass its `bulkUrl` as a WebserverPod's `destination.elasticsearch.url`;
 * developers query it with LogsQL (`_time:24h status:>=500`) in its web UI at `uiUrl`. With
 * `alerting`, vmalert evaluates rules on the logs (5xx bursts, a pod gone silent) and notifies an
 * Alertmanager. With `access` it is closed: vmauth in front lets agents only insert and readers only
 * query, a NetworkPolicy lets in only them; pass its `destination` to a WebserverPod.
 */
export class LogService extends pulumi.ComponentResource {
    /** The Service's (and StatefulSet's) name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Namespace the objects landed in. */
    public readonly namespace: pulumi.Output<string>;
    /** destination.elasticsearch.url for a WebserverPod: its bulk API, with the query VictoriaLogs needs. */
    public readonly bulkUrl: pulumi.Output<string>;
    /** destination.syslog.address for a WebserverPod (protocol "tcp": VictoriaLogs has no RELP). */
    public readonly syslogAddress: pulumi.Output<string>;
    /** The web UI, inside the cluster (`kubectl port-forward svc/<serviceName> 9428` to open it at localhost). */
    public readonly uiUrl: pulumi.Output<string>;
    /** The web UI opened on the questions developers ask of the last 24 hours (at `uiUrl`'s address). */
    public readonly queryUrls: pulumi.Output<LogQueryUrls>;
    /** Who reaches it: "closed" (access set) or "open" (docs/delivery.md, "Who reaches the LogService"). */
    public readonly access: pulumi.Output<string>;
    /** A WebserverPod's destination into this LogService: its bulk API, and (closed) the ingest user's Secret `<name>-ingest` in the pod's namespace. */
    public readonly destination: pulumi.Output<Destination>;
    /** Closed: the basic-auth Secret holding the reader's username and password, in the LogService's namespace (the web UI and LogsQL ask for them). Open: "". */
    public readonly readerSecretName: pulumi.Output<string>;
    /** Closed: the basic-auth Secret the agents insert with, `<name>-ingest`, in the LogService's namespace and each of `access.agentNamespaces` (`destination` names it already; for SDKs whose output and input types differ). Open: "". */
    public readonly ingestSecretName: pulumi.Output<string>;
    /** Closed: how to sign in to the web UI and LogsQL (the user, and the kubectl command that prints the password). Open: "". */
    public readonly uiLogin: pulumi.Output<string>;

    constructor(name: string, args: LogServiceArgs, opts: pulumi.ComponentResourceOptions = {}) {
        // Plain args are checked before anything is registered; args holding Outputs when they resolve.
        // The passwords are secrets: checked apart, so the rest (every object but the Secrets) stays readable.
        const shape = withoutPasswords(args);
        const known = isKnown(shape) ? validateLogService(name, shape) : undefined;
        for (const k of ["ingestPassword", "readerPassword"] as const) {
            const p = args.access?.[k];
            if (typeof p === "string") checkPassword(name, k, p);
        }
        super(LOG_SERVICE_TYPE, name, {}, opts);
        const v: pulumi.Output<ValidatedLogService> = known
            ? pulumi.output(known)
            : pulumi.output(shape).apply((a) => validateLogService(name, a as LogServiceArgs));
        const child = { parent: this };
        // Closed: the users' Secrets, vmauth's config and the NetworkPolicy, before the pod that reads them.
        const closed = known ? !known.access.open : args.access?.open !== true;
        const accessObjects: pulumi.Resource[] = [];
        if (closed) {
            const password = (k: Password) =>
                pulumi.secret(pulumi.output(args.access![k]).apply((p) => checkPassword(name, k, p)));
            const passwords = { ingest: password("ingestPassword"), reader: password("readerPassword") };
            // Which namespaces get the ingest Secret is known from the args alone (agentNamespaces is plain).
            const plainNamespace = typeof args.namespace === "string" ? args.namespace : undefined;
            // Cluster mode: the storage user's, derived from the two (storagePassword says why).
            if (args.cluster !== undefined)
                accessObjects.push(
                    new k8s.core.v1.Secret(
                        `${name}-storage-auth`,
                        {
                            metadata: v.apply((val) => ({
                                name: accessNames(val.name).storage,
                                ...(val.namespace !== undefined && { namespace: val.namespace }),
                                labels: logServiceLabels(val),
                            })),
                            type: "kubernetes.io/basic-auth",
                            stringData: {
                                username: LOG_SERVICE_ACCESS.storageUser,
                                password: pulumi.secret(
                                    pulumi
                                        .all([passwords.ingest, passwords.reader])
                                        .apply(([i, r]) => storagePassword(i, r)),
                                ),
                            },
                        },
                        child,
                    ),
                );
            for (const sec of credentialSecrets(name, plainNamespace, args.access?.agentNamespaces))
                accessObjects.push(
                    new k8s.core.v1.Secret(
                        sec.key,
                        {
                            metadata: v.apply((val) => {
                                const namespace = "namespace" in sec ? sec.namespace : val.namespace;
                                return {
                                    name: accessNames(val.name)[sec.user],
                                    ...(namespace !== undefined && { namespace }),
                                    labels: logServiceLabels(val),
                                };
                            }),
                            type: "kubernetes.io/basic-auth",
                            stringData: { username: sec.username, password: passwords[sec.user] },
                        },
                        child,
                    ),
                );
            accessObjects.push(
                new k8s.core.v1.ConfigMap(
                    `${name}-auth`,
                    {
                        metadata: v.apply((val) => ({
                            name: accessNames(val.name).configMap,
                            ...(val.namespace !== undefined && { namespace: val.namespace }),
                            labels: logServiceLabels(val),
                        })),
                        data: { [LOG_SERVICE_ACCESS.configFile]: vmauthConfigFile() },
                    },
                    child,
                ),
            );
            // Cluster mode: this one admits agents and readers to the front nodes (the Service's pods);
            // the storage nodes get their own, admitting only the front nodes.
            const policy = v.apply((val) =>
                buildNetworkPolicy(
                    val.name,
                    val.namespace,
                    val.cluster === undefined ? logServiceLabels(val) : clusterLabels(val, "frontend"),
                    val.access,
                    val.alerting === undefined ? undefined : vmalertLabels(val.name),
                ),
            );
            accessObjects.push(
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-network-policy`,
                    { metadata: policy.metadata, spec: policy.spec },
                    child,
                ),
            );
        }
        let service: k8s.core.v1.Service;
        if (args.cluster === undefined) {
            const sts = v.apply(buildLogServiceStatefulSet);
            const svc = v.apply(buildLogServiceService);
            service = new k8s.core.v1.Service(`${name}-service`, { metadata: svc.metadata, spec: svc.spec }, child);
            new k8s.apps.v1.StatefulSet(
                `${name}-statefulset`,
                { metadata: sts.metadata, spec: sts.spec },
                { ...child, dependsOn: [service, ...accessObjects] },
            );
        } else {
            // Cluster mode: the same Service (its name, its URLs) in front of the front nodes.
            const o = v.apply(buildLogServiceCluster);
            const storageService = new k8s.core.v1.Service(
                `${name}-storage-service`,
                { metadata: o.storageService.metadata, spec: o.storageService.spec },
                child,
            );
            const storage = new k8s.apps.v1.StatefulSet(
                `${name}-storage`,
                { metadata: o.storage.metadata, spec: o.storage.spec },
                { ...child, dependsOn: [storageService, ...accessObjects] },
            );
            if (closed) {
                const storagePolicy = v.apply(buildStorageNetworkPolicy);
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-storage-network-policy`,
                    { metadata: storagePolicy.metadata, spec: storagePolicy.spec },
                    child,
                );
            }
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-storage-budget`,
                { metadata: o.storageBudget.metadata, spec: o.storageBudget.spec },
                child,
            );
            service = new k8s.core.v1.Service(
                `${name}-service`,
                { metadata: o.service.metadata, spec: o.service.spec },
                child,
            );
            new k8s.apps.v1.Deployment(
                `${name}-frontends`,
                { metadata: o.frontends.metadata, spec: o.frontends.spec },
                { ...child, dependsOn: [service, storage, ...accessObjects] },
            );
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-frontend-budget`,
                { metadata: o.frontendBudget.metadata, spec: o.frontendBudget.spec },
                child,
            );
        }
        if (args.alerting !== undefined) {
            // vmalert, with its rules; it queries the Service, so it starts once the Service exists.
            const objects = v.apply((val) => {
                if (val.alerting === undefined)
                    throw new Error(`LogService "${name}": args.alerting resolved to nothing`);
                return buildAlertingObjects(
                    val.name,
                    val.namespace,
                    val.alerting,
                    val.access.open ? undefined : accessNames(val.name).reader,
                );
            });
            const rules = new k8s.core.v1.ConfigMap(
                `${name}-alert-rules`,
                { metadata: objects.configMap.metadata, data: objects.configMap.data },
                child,
            );
            new k8s.apps.v1.Deployment(
                `${name}-vmalert`,
                { metadata: objects.deployment.metadata, spec: objects.deployment.spec },
                { ...child, dependsOn: [service, rules, ...accessObjects] },
            );
        }
        this.serviceName = service.metadata.name;
        this.namespace = service.metadata.namespace;
        // From its args alone, so `npm run render` declares what `pulumi up` does: `<name>` from its
        // own namespace (where the program puts the webserver), `<name>.<namespace>.svc` when one is named.
        const host = v.apply((val) => serviceHost(val.name, val.namespace));
        this.bulkUrl = host.apply((h) => bulkUrlOf(h));
        this.syslogAddress = host.apply((h) => `${h}:${LOG_SERVICE.syslogPort}`);
        this.uiUrl = host.apply((h) => `http://${h}:${LOG_SERVICE.httpPort}/select/vmui/`);
        this.queryUrls = this.uiUrl.apply(uiQueryUrls);
        this.access = v.apply((val) => (val.access.open ? "open" : "closed"));
        this.readerSecretName = v.apply((val) => (val.access.open ? "" : accessNames(val.name).reader));
        this.ingestSecretName = v.apply((val) => (val.access.open ? "" : accessNames(val.name).ingest));
        this.uiLogin = v.apply((val) =>
            val.access.open
                ? ""
                : `user ${LOG_SERVICE_ACCESS.readerUser}; password: kubectl get secret ${accessNames(val.name).reader}${val.namespace ? ` -n ${val.namespace}` : ""} -o jsonpath='{.data.password}' | base64 -d`,
        );
        this.destination = pulumi.all([this.bulkUrl, v]).apply(([url, val]) => ({
            elasticsearch: {
                url,
                // The hop is plain HTTP inside the cluster, behind the NetworkPolicy that lets only agents
                // in: the trusted network allowPlainHttp asks for (the policy pack still reports it).
                ...(!val.access.open && {
                    auth: { basicAuthSecret: accessNames(val.name).ingest, allowPlainHttp: true },
                }),
            },
        }));
        this.registerOutputs({
            access: this.access,
            destination: this.destination,
            readerSecretName: this.readerSecretName,
            ingestSecretName: this.ingestSecretName,
            uiLogin: this.uiLogin,
            serviceName: this.serviceName,
            namespace: this.namespace,
            bulkUrl: this.bulkUrl,
            syslogAddress: this.syslogAddress,
            uiUrl: this.uiUrl,
            queryUrls: this.queryUrls,
        });
    }
}
