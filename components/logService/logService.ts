import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LOG_SERVICE } from "../defaults";
import { isKnown } from "../known";
import { buildAlertingObjects } from "./alerting";
import { LogServiceArgs } from "./args";
import {
    buildLogServiceCluster,
    buildLogServiceService,
    buildLogServiceStatefulSet,
    bulkUrlOf,
    serviceHost,
    validateLogService,
    ValidatedLogService,
} from "./manifest";
import { LogQueryUrls, uiQueryUrls } from "./queries";

/** The component's type token. */
export const LOG_SERVICE_TYPE = "webserver-sidecar:index:LogService";

/**
 * A log-aggregation service for the webserver's logs: VictoriaLogs single node (a StatefulSet of
 * one pod, its data on a PersistentVolumeClaim, a Service), keeping the last 24 hours the task
 * names plus a margin. Pass its `bulkUrl` as a WebserverPod's `destination.elasticsearch.url`;
 * developers query it with LogsQL (`_time:24h status:>=500`) in its web UI at `uiUrl`. With
 * `alerting`, vmalert evaluates rules on the logs (5xx bursts, a pod gone silent) and notifies an
 * Alertmanager.
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

    constructor(name: string, args: LogServiceArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Plain args are checked before anything is registered; args holding Outputs when they resolve.
        const known = isKnown(args) ? validateLogService(name, args) : undefined;
        super(LOG_SERVICE_TYPE, name, {}, opts);
        const v: pulumi.Output<ValidatedLogService> = known
            ? pulumi.output(known)
            : pulumi.output(args).apply((a) => validateLogService(name, a as LogServiceArgs));
        const child = { parent: this };
        let service: k8s.core.v1.Service;
        if (args.cluster === undefined) {
            const sts = v.apply(buildLogServiceStatefulSet);
            const svc = v.apply(buildLogServiceService);
            service = new k8s.core.v1.Service(`${name}-service`, { metadata: svc.metadata, spec: svc.spec }, child);
            new k8s.apps.v1.StatefulSet(
                `${name}-statefulset`,
                { metadata: sts.metadata, spec: sts.spec },
                { ...child, dependsOn: [service] },
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
                { ...child, dependsOn: [storageService] },
            );
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
                { ...child, dependsOn: [service, storage] },
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
                return buildAlertingObjects(val.name, val.namespace, val.alerting);
            });
            const rules = new k8s.core.v1.ConfigMap(
                `${name}-alert-rules`,
                { metadata: objects.configMap.metadata, data: objects.configMap.data },
                child,
            );
            new k8s.apps.v1.Deployment(
                `${name}-vmalert`,
                { metadata: objects.deployment.metadata, spec: objects.deployment.spec },
                { ...child, dependsOn: [service, rules] },
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
        this.registerOutputs({
            serviceName: this.serviceName,
            namespace: this.namespace,
            bulkUrl: this.bulkUrl,
            syslogAddress: this.syslogAddress,
            uiUrl: this.uiUrl,
            queryUrls: this.queryUrls,
        });
    }
}
