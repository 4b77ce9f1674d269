// The LogService's objects, pure: validated args in, plain Kubernetes objects out (the component
// declares them; the tests and the podman run render them). A StatefulSet of one VictoriaLogs pod
// with its data on a PersistentVolumeClaim (the logs outlive the pod), and a Service in front of
// its HTTP API (bulk ingestion, LogsQL, web UI) and its syslog TCP input.
import { LOG_SERVICE, LOG_SERVICE_ACCESS, VICTORIALOGS_BULK_QUERY } from "../defaults";
import { formatBytes, quantityValue } from "../grammar";
import { profileSettings } from "../profile";
import { Checker } from "../validate/checker";
import { LogServiceArgError } from "./errors";
export { LogServiceArgError };
import { ACCESS_REQUIRED, checkAccess, ValidatedAccess, vmauthArgs, vmauthEnv, accessNames } from "./access";
import { checkAlerting, ValidatedAlerting } from "./alerting";
import { LogServiceArgs } from "./args";
import { buildClusterObjects, checkCluster, ValidatedCluster } from "./cluster";

/** LogService's args, checked, with every default filled in (namespace stays as given). */
export interface ValidatedLogService {
    readonly name: string;
    readonly namespace?: string;
    readonly image: string;
    readonly retentionPeriod: string;
    readonly storageSize: string;
    readonly storageClassName?: string;
    readonly resources: {
        requests: { cpu: string; memory: string; "ephemeral-storage": string };
        limits: { cpu: string; memory: string; "ephemeral-storage": string };
    };
    readonly alerting?: ValidatedAlerting;
    readonly cluster?: ValidatedCluster;
    readonly access: ValidatedAccess;
}

/** Seconds of a VictoriaLogs duration in whole hours, days, weeks or years ("36h", "2d"), or undefined. */
function victoriaLogsDurationSeconds(d: unknown): number | undefined {
    const m = typeof d === "string" ? /^(\d+)([hdwy])$/.exec(d) : null;
    if (!m) return undefined;
    return Number(m[1]) * { h: 3600, d: 86_400, w: 7 * 86_400, y: 365 * 86_400 }[m[2] as "h" | "d" | "w" | "y"];
}

/** The task's window: developers read the last 24 hours. */
const DAY_SECONDS = 86_400;
const MIN_STORAGE = "1Gi";
/** A DNS-1035 label: a Service's name. */
const DNS1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks the args (with Outputs resolved) and fills in the defaults; throws LogServiceArgError. */
export function validateLogService(component: string, args: LogServiceArgs): ValidatedLogService {
    const c = new Checker(args);
    c.object("", args, [
        "name",
        "namespace",
        "image",
        "retentionPeriod",
        "storageSize",
        "storageClassName",
        "resources",
        "alerting",
        "cluster",
        "access",
    ]);
    const name = args.name === undefined ? component : c.string("name", args.name);
    if (name !== undefined && !DNS1035.test(name))
        c.fail(
            args.name === undefined ? "" : "name",
            name,
            `must be a DNS-1035 label (a Service's name: lowercase letters, digits and '-', starting with a letter, at most 63 characters)${args.name === undefined ? "; the component's name is the default, so set name" : ""}`,
        );
    const namespace = args.namespace === undefined ? undefined : c.dnsLabel("namespace", args.namespace);
    const image = args.image === undefined ? LOG_SERVICE.image : c.image("image", args.image);
    const retentionPeriod = args.retentionPeriod ?? LOG_SERVICE.retentionPeriod;
    const seconds = victoriaLogsDurationSeconds(retentionPeriod);
    if (seconds === undefined || seconds < DAY_SECONDS)
        c.fail(
            "retentionPeriod",
            retentionPeriod,
            'must be a VictoriaLogs duration in hours, days, weeks or years ("36h", "2d", "1w") of at least 24h: developers read the last 24 hours',
        );
    const storageSize =
        args.storageSize === undefined ? LOG_SERVICE.storageSize : c.quantity("storageSize", args.storageSize, true);
    if (storageSize !== undefined && quantityValue(storageSize) < quantityValue(MIN_STORAGE))
        c.fail(
            "storageSize",
            storageSize,
            `must be at least ${MIN_STORAGE} (${formatBytes(quantityValue(storageSize))} holds no day of logs)`,
        );
    const storageClassName =
        args.storageClassName === undefined ? undefined : c.string("storageClassName", args.storageClassName);
    const r = args.resources ?? {};
    c.object("resources", r, ["requests", "limits"]);
    const pick = (kind: "requests" | "limits") => {
        const given = (r[kind] ?? {}) as Record<string, unknown>;
        c.object(`resources.${kind}`, given, ["cpu", "memory"]);
        const cpu =
            given.cpu === undefined
                ? LOG_SERVICE.resources[kind].cpu
                : c.quantity(`resources.${kind}.cpu`, given.cpu, false);
        const memory =
            given.memory === undefined
                ? LOG_SERVICE.resources[kind].memory
                : c.quantity(`resources.${kind}.memory`, given.memory, true);
        return {
            cpu: cpu ?? "",
            memory: memory ?? "",
            "ephemeral-storage": LOG_SERVICE.resources[kind]["ephemeral-storage"],
        };
    };
    const resources = { requests: pick("requests"), limits: pick("limits") };
    for (const res of ["cpu", "memory"] as const) {
        const [req, lim] = [resources.requests[res], resources.limits[res]];
        if (req && lim && quantityValue(req) > quantityValue(lim))
            c.fail(`resources.requests.${res}`, req, `must not exceed resources.limits.${res} (${lim})`);
    }
    const alerting = args.alerting === undefined ? undefined : checkAlerting(c, "alerting", args.alerting);
    const cluster = args.cluster === undefined ? undefined : checkCluster(c, "cluster", args.cluster, name ?? "");
    // Closed by default (0.3.0): without access there is nothing to authenticate with, and leaving it
    // open must be said (docs/delivery.md, "Who reaches the LogService").
    const access: ValidatedAccess | undefined =
        args.access === undefined
            ? c.fail("access", undefined, ACCESS_REQUIRED)
            : checkAccess(c, "access", args.access);
    if (access !== undefined && !access.open) {
        if (access.agentNamespaces !== undefined && namespace === undefined)
            c.fail(
                "access.agentNamespaces",
                access.agentNamespaces,
                "needs namespace: the Secrets and the NetworkPolicy name the LogService's namespace",
            );
    }
    if (c.issues.length > 0) throw new LogServiceArgError(component, c.issues);
    return {
        name: name!,
        ...(namespace !== undefined && { namespace }),
        image: image!,
        retentionPeriod,
        storageSize: storageSize!,
        ...(storageClassName !== undefined && { storageClassName }),
        resources,
        ...(alerting !== undefined && { alerting }),
        ...(cluster !== undefined && { cluster }),
        access: access!,
    };
}

/** The labels that select the LogService's pod. */
export const logServiceLabels = (v: ValidatedLogService) => ({
    "app.kubernetes.io/name": "victoria-logs",
    "app.kubernetes.io/instance": v.name,
});

const meta = (v: ValidatedLogService) => ({
    name: v.name,
    ...(v.namespace !== undefined && { namespace: v.namespace }),
    labels: logServiceLabels(v),
});

/**
 * VictoriaLogs' command line: its data on the claim, the retention, its two listeners (HTTP on the
 * pod's loopback when closed: only vmauth, beside it, reaches it).
 */
export function victoriaLogsArgs(
    v: Pick<ValidatedLogService, "retentionPeriod"> & { access?: ValidatedAccess },
): string[] {
    const closed = v.access !== undefined && !v.access.open;
    return [
        `-storageDataPath=${LOG_SERVICE.dataDir}`,
        `-retentionPeriod=${v.retentionPeriod}`,
        `-retention.maxDiskUsagePercent=${LOG_SERVICE.maxDiskUsagePercent}`,
        closed
            ? `-httpListenAddr=127.0.0.1:${LOG_SERVICE_ACCESS.backendPort}`
            : `-httpListenAddr=:${LOG_SERVICE.httpPort}`,
        `-syslog.listenAddr.tcp=:${LOG_SERVICE.syslogPort}`,
    ];
}

/**
 * The pod: VictoriaLogs under the restricted profile, probed at /health; closed, vmauth beside it
 * on the HTTP port (the probes reach VictoriaLogs' /health through it, the one path it serves
 * without credentials).
 */
export function buildLogServicePodSpec(v: ValidatedLogService) {
    const closed = !v.access.open;
    const timing = (failureThreshold: number) => ({
        initialDelaySeconds: 0,
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold,
    });
    const health = (failureThreshold: number) => ({
        // Closed, the port is vmauth's, named in its container, not VictoriaLogs'.
        httpGet: { path: "/health", port: closed ? LOG_SERVICE.httpPort : "http" },
        ...timing(failureThreshold),
    });
    // The restricted profile the webserver's pods get (profile.ts), as VictoriaLogs' own user.
    const restricted = profileSettings("restricted");
    const victoriaLogs = {
        name: "victoria-logs",
        image: v.image,
        // A pinned tag still moves if re-pushed; Always checks it at every start.
        imagePullPolicy: "Always",
        args: victoriaLogsArgs(v),
        ports: [
            ...(closed ? [] : [{ name: "http", containerPort: LOG_SERVICE.httpPort, protocol: "TCP" }]),
            { name: "syslog", containerPort: LOG_SERVICE.syslogPort, protocol: "TCP" },
        ],
        resources: v.resources,
        readinessProbe: health(3),
        // Closed, its liveness is its own listener: a vmauth restart must not restart VictoriaLogs.
        livenessProbe: closed ? { tcpSocket: { port: LOG_SERVICE.syslogPort }, ...timing(6) } : health(6),
        securityContext: restricted.container,
        volumeMounts: [{ name: LOG_SERVICE.volume, mountPath: LOG_SERVICE.dataDir }],
    };
    const vmauth = {
        name: "vmauth",
        image: v.access.image,
        imagePullPolicy: "Always",
        args: vmauthArgs(),
        env: vmauthEnv(v.name),
        ports: [{ name: "http", containerPort: LOG_SERVICE.httpPort, protocol: "TCP" }],
        resources: LOG_SERVICE_ACCESS.resources,
        readinessProbe: health(3),
        livenessProbe: { tcpSocket: { port: LOG_SERVICE.httpPort }, ...timing(6) },
        securityContext: restricted.container,
        volumeMounts: [{ name: "auth", mountPath: LOG_SERVICE_ACCESS.configDir, readOnly: true }],
    };
    return {
        ...restricted.pod,
        securityContext: {
            ...restricted.pod.securityContext,
            runAsUser: LOG_SERVICE.uid,
            runAsGroup: LOG_SERVICE.uid,
            fsGroup: LOG_SERVICE.uid,
        },
        containers: closed ? [vmauth, victoriaLogs] : [victoriaLogs],
        ...(closed && { volumes: [{ name: "auth", configMap: { name: accessNames(v.name).configMap } }] }),
    };
}

/** The claim each VictoriaLogs pod with data gets: `storageSize` of the class named, or the default. */
function claimTemplate(v: ValidatedLogService) {
    return {
        metadata: { name: LOG_SERVICE.volume },
        spec: {
            accessModes: ["ReadWriteOnce"],
            ...(v.storageClassName !== undefined && { storageClassName: v.storageClassName }),
            resources: { requests: { storage: v.storageSize } },
        },
    };
}

export function buildLogServiceStatefulSet(v: ValidatedLogService) {
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: meta(v),
        spec: {
            serviceName: v.name,
            replicas: 1,
            selector: { matchLabels: logServiceLabels(v) },
            template: { metadata: { labels: logServiceLabels(v) }, spec: buildLogServicePodSpec(v) },
            volumeClaimTemplates: [claimTemplate(v)],
        },
    };
}

/** Cluster mode's objects (`v.cluster` set): storage nodes, front nodes, their Services and budgets. */
export function buildLogServiceCluster(v: ValidatedLogService) {
    if (v.cluster === undefined) throw new Error(`LogService "${v.name}" is a single node: no cluster to build`);
    return buildClusterObjects(
        v,
        v.cluster,
        buildLogServicePodSpec(v),
        // The storage nodes serve their HTTP API to the front nodes: an open node's pod (closed, behind basic auth).
        buildLogServicePodSpec({ ...v, access: { open: true, image: v.access.image } }),
        claimTemplate(v),
        buildLogServiceService(v).spec.ports,
    );
}

export function buildLogServiceService(v: ValidatedLogService) {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(v),
        spec: {
            selector: logServiceLabels(v),
            ports: [
                { name: "http", port: LOG_SERVICE.httpPort, targetPort: "http", protocol: "TCP" },
                { name: "syslog", port: LOG_SERVICE.syslogPort, targetPort: "syslog", protocol: "TCP" },
            ],
        },
    };
}

/** Where a client reaches the service by DNS: `<name>.<namespace>.svc`, or `<name>` from its own namespace. */
export const serviceHost = (name: string, namespace?: string) => (namespace ? `${name}.${namespace}.svc` : name);

/** destination.elasticsearch.url for the service at `host`: its bulk API, with what VictoriaLogs needs to know of the records. */
export const bulkUrlOf = (host: string, port: number = LOG_SERVICE.httpPort, scheme: "http" | "https" = "http") =>
    `${scheme}://${host}:${port}/insert/elasticsearch?${VICTORIALOGS_BULK_QUERY}`;
