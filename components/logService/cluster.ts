// The LogService in VictoriaLogs' cluster mode, pure: storage nodes (a StatefulSet, a claim each,
// a headless Service naming each pod) and front nodes (a Deployment behind the Service `<name>`,
// so the bulk URL, the syslog address and the web UI stay the LogService's). A front node is the
// same victoria-logs binary with -storageNode: it spreads each log stream to one storage node and
// asks every storage node for a query.
import { LOG_SERVICE, LOG_SERVICE_ACCESS } from "../defaults";
import { accessNames, storageEnv } from "./access";
import { Checker, child } from "../validate/checker";
import type { buildLogServicePodSpec, buildLogServiceService, ValidatedLogService } from "./manifest";

/** LogServiceArgs.cluster, checked, with its defaults. */
export interface ValidatedCluster {
    readonly storageNodes: number;
    readonly frontends: number;
}

/** Two of each: a node's loss or drain leaves the other taking logs and queries. */
export const CLUSTER_DEFAULTS: ValidatedCluster = { storageNodes: 2, frontends: 2 };

/** The suffix of the storage nodes' StatefulSet and headless Service. */
const STORAGE_SUFFIX = "-storage";

/** Checks `arg` (LogServiceArgs.cluster) and fills in the defaults; problems go to `c`. */
export function checkCluster(c: Checker, arg: string, value: unknown, name: string): ValidatedCluster | undefined {
    const o = c.object(arg, value, ["storageNodes", "frontends"]);
    if (o === undefined) return undefined;
    const storageNodes =
        o.storageNodes === undefined
            ? CLUSTER_DEFAULTS.storageNodes
            : c.integer(
                  child(arg, "storageNodes"),
                  o.storageNodes,
                  2,
                  64,
                  " (one storage node is the single node: leave cluster unset)",
              );
    const frontends =
        o.frontends === undefined ? CLUSTER_DEFAULTS.frontends : c.integer(child(arg, "frontends"), o.frontends, 1, 64);
    if (name.length + STORAGE_SUFFIX.length > 63)
        c.fail(
            "name",
            name,
            `must be at most ${63 - STORAGE_SUFFIX.length} characters in cluster mode: the storage nodes' Service is "<name>${STORAGE_SUFFIX}", a DNS-1035 label`,
        );
    if (storageNodes === undefined || frontends === undefined) return undefined;
    return { storageNodes, frontends };
}

type Role = "storage" | "frontend";

/** The labels of one role's pods: the LogService's, and the role. */
export const clusterLabels = (v: Pick<ValidatedLogService, "name">, role: Role) => ({
    "app.kubernetes.io/name": "victoria-logs",
    "app.kubernetes.io/instance": v.name,
    "app.kubernetes.io/component": role,
});

/** The storage nodes' StatefulSet and headless Service name. */
export const storageServiceName = (name: string) => `${name}${STORAGE_SUFFIX}`;

/** The storage nodes' addresses as a front node's -storageNode takes them: `<pod>.<headless service>:port`. */
export function storageNodeAddresses(name: string, storageNodes: number): string[] {
    const svc = storageServiceName(name);
    return Array.from({ length: storageNodes }, (_, i) => `${svc}-${i}.${svc}:${LOG_SERVICE.httpPort}`);
}

/**
 * A front node's command line: every storage node, its HTTP API and syslog input; no data of its
 * own. Closed, its HTTP API is on the pod's loopback (vmauth, beside it, serves the Service's port)
 * and it calls the storage nodes as the storage user, the password from its env (`%{...}`: the
 * value never in the command line).
 */
export function frontendArgs(name: string, cluster: ValidatedCluster, closed = false): string[] {
    return [
        `-storageNode=${storageNodeAddresses(name, cluster.storageNodes).join(",")}`,
        ...(closed
            ? [
                  `-storageNode.username=${LOG_SERVICE_ACCESS.storageUser}`,
                  `-storageNode.password=%{${LOG_SERVICE_ACCESS.storagePasswordEnv}}`,
                  `-httpListenAddr=127.0.0.1:${LOG_SERVICE_ACCESS.backendPort}`,
              ]
            : [`-httpListenAddr=:${LOG_SERVICE.httpPort}`]),
        `-syslog.listenAddr.tcp=:${LOG_SERVICE.syslogPort}`,
    ];
}

/**
 * A closed cluster's storage node: the single node's command line with its HTTP API behind basic
 * auth (only the storage user, which the front nodes call as, gets past /health) and no syslog
 * input (records arrive through the front nodes only).
 */
export function closedStorageArgs(dataNodeArgs: readonly string[]): string[] {
    return [
        ...dataNodeArgs.filter((a) => !a.startsWith("-syslog.")),
        `-httpAuth.username=${LOG_SERVICE_ACCESS.storageUser}`,
        `-httpAuth.password=%{${LOG_SERVICE_ACCESS.storagePasswordEnv}}`,
    ];
}

/**
 * A closed cluster's storage nodes' NetworkPolicy: only its front nodes reach their HTTP API (the
 * agents and readers reach the front nodes, under the LogService's own policy); nothing else gets in.
 */
export function buildStorageNetworkPolicy(v: Pick<ValidatedLogService, "name" | "namespace">) {
    const storage = clusterLabels(v, "storage");
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
            name: accessNames(v.name).storageNetworkPolicy,
            ...(v.namespace !== undefined && { namespace: v.namespace }),
            labels: storage,
        },
        spec: {
            podSelector: { matchLabels: storage },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [{ podSelector: { matchLabels: clusterLabels(v, "frontend") } }],
                    ports: [{ port: "http", protocol: "TCP" }],
                },
            ],
        },
    };
}

/**
 * The cluster's objects from the single node's pod spec (`podSpec`: VictoriaLogs, restricted, its
 * data on the claim; closed, vmauth beside it) and an open single node's (`dataPodSpec`, the same
 * when open): the storage nodes run the open one (closed: behind basic auth, {@link closedStorageArgs});
 * the front nodes run `podSpec` with {@link frontendArgs} and no data volume. `ports` are the single
 * node's Service's: the front nodes' Service has both, the storage nodes' headless one the HTTP API
 * their front nodes call.
 */
export function buildClusterObjects(
    v: ValidatedLogService,
    cluster: ValidatedCluster,
    podSpec: ReturnType<typeof buildLogServicePodSpec>,
    dataPodSpec: ReturnType<typeof buildLogServicePodSpec>,
    claimTemplate: {
        metadata: { name: string };
        spec: { accessModes: string[]; storageClassName?: string; resources: { requests: { storage: string } } };
    },
    ports: ReturnType<typeof buildLogServiceService>["spec"]["ports"],
) {
    const ns = v.namespace !== undefined ? { namespace: v.namespace } : {};
    const storage = clusterLabels(v, "storage");
    const frontend = clusterLabels(v, "frontend");
    const storageName = storageServiceName(v.name);
    const closed = !v.access.open;
    const vl = podSpec.containers.find((c) => c.name === "victoria-logs")!;
    // No data of its own: no volume, no group to own one.
    const { runAsNonRoot, runAsUser, runAsGroup, seccompProfile } = podSpec.securityContext;
    const frontendPod = {
        ...podSpec,
        securityContext: { runAsNonRoot, runAsUser, runAsGroup, seccompProfile },
        containers: podSpec.containers.map((c) =>
            c !== vl
                ? c // vmauth, as on the single node
                : {
                      name: vl.name,
                      image: vl.image,
                      imagePullPolicy: vl.imagePullPolicy,
                      args: frontendArgs(v.name, cluster, closed),
                      ...(closed && { env: storageEnv(v.name) }),
                      ports: vl.ports,
                      resources: vl.resources,
                      readinessProbe: vl.readinessProbe,
                      livenessProbe: vl.livenessProbe,
                      securityContext: vl.securityContext,
                  },
        ),
    };
    const [dataNode] = dataPodSpec.containers;
    const storagePod = closed
        ? {
              ...dataPodSpec,
              containers: [
                  {
                      ...dataNode,
                      args: closedStorageArgs(dataNode.args),
                      env: storageEnv(v.name),
                      ports: dataNode.ports.filter((p) => p.name === "http"),
                  },
              ],
          }
        : dataPodSpec;
    const pdb = (n: string, labels: Record<string, string>) => ({
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: n, ...ns, labels },
        // One node at a time: a drain never takes two storage nodes (two shares of the logs) at once.
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    });
    return {
        storageService: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: storageName, ...ns, labels: storage },
            // Headless: a DNS name per storage pod, which the front nodes' -storageNode lists.
            spec: {
                clusterIP: "None",
                publishNotReadyAddresses: true,
                selector: storage,
                ports: ports.filter((p) => p.name === "http"),
            },
        },
        storage: {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: storageName, ...ns, labels: storage },
            spec: {
                serviceName: storageName,
                replicas: cluster.storageNodes,
                // All at once: a front node needs every storage node, and none needs another.
                podManagementPolicy: "Parallel",
                selector: { matchLabels: storage },
                template: { metadata: { labels: storage }, spec: storagePod },
                volumeClaimTemplates: [claimTemplate],
            },
        },
        storageBudget: pdb(storageName, storage),
        frontends: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: v.name, ...ns, labels: frontend },
            spec: {
                replicas: cluster.frontends,
                selector: { matchLabels: frontend },
                template: { metadata: { labels: frontend }, spec: frontendPod },
            },
        },
        service: {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: v.name, ...ns, labels: frontend },
            spec: { selector: frontend, ports },
        },
        frontendBudget: pdb(v.name, frontend),
    };
}
