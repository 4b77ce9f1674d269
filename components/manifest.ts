import { createHash } from "crypto";
import { Shipper, Workload } from "./args";
import { agentConf, bulkCheckUrl } from "./agentConf";
import { AGENT, DEPLOYMENT, DRAIN, LOG_SERVICE_ACCESS, NGINX, SEED, SELECTOR_LABELS, SERVICE } from "./defaults";
import { Quantities, ValidatedAffinity, ValidatedToleration, ValidatedArgs, ValidatedProbe } from "./model";
import { quantityValue } from "./grammar";
import { nginxConf } from "./nginxConf";
import { profileSettings, SecurityContext } from "./profile";
import { Shape, shapeOfArgs } from "./shape";
import { agentCommand, catLoopCommand, preStopCommand, streamCommand } from "./shippers";

// Plain Kubernetes shapes: only the fields this component writes. The builder is pure
// (validated args in, plain objects out), so the component, the offline render, the podman
// run and the tests all use the same manifest and nothing can drift. Fields an option does not
// set are left out, never written empty: with no options the Pod is the seed spec exactly.

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

export interface VolumeMount {
    name: string;
    mountPath: string;
    readOnly?: boolean;
}

export interface ProbeSpec {
    httpGet?: { path: string; port: number };
    exec?: { command: string[] };
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
    /** The grace period when this (liveness) probe restarts the container, instead of the Pod's. */
    terminationGracePeriodSeconds?: number;
}

export interface Container {
    name: string;
    image: string;
    imagePullPolicy?: string;
    /** Only on a native sidecar (an init container): "Always". */
    restartPolicy?: string;
    command?: string[];
    args?: string[];
    env?: EnvVar[];
    ports?: Array<{ name: string; containerPort: number; protocol: string }>;
    resources?: { requests?: Quantities; limits?: Quantities };
    readinessProbe?: ProbeSpec;
    livenessProbe?: ProbeSpec;
    /** Only on a classic sidecar that drains: the hook that holds its TERM until nginx has exited. */
    lifecycle?: { preStop: { exec: { command: string[] } } };
    securityContext?: SecurityContext;
    volumeMounts: VolumeMount[];
}

export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { fieldRef: { fieldPath: string } } | { secretKeyRef: { name: string; key: string } };
}

export interface Volume {
    name: string;
    emptyDir?: { sizeLimit?: string; medium?: string };
    configMap?: { name: string };
    projected?: { defaultMode: number; sources: VolumeProjection[] };
}

type KeyToPath = { key: string; path: string };
export type VolumeProjection =
    { configMap: { name: string; items: KeyToPath[] } } | { secret: { name: string; items: KeyToPath[] } };

/** A destination's TLS settings, when the agent mounts any (a CA or a client certificate). */
function tlsOf(args: ValidatedArgs) {
    const t = args.destination?.tls;
    return t && (t.ca || t.clientCertSecret) ? t : undefined;
}

/**
 * The CA and the client certificate, from the ConfigMap or Secrets the args name, in one directory
 * (AGENT.tls). Group-readable only: the restricted profile's fsGroup is the agent's group.
 */
function tlsVolume(args: ValidatedArgs): Volume[] {
    const t = tlsOf(args);
    if (!t) return [];
    const sources: VolumeProjection[] = [];
    if (t.ca) {
        const items = [{ key: t.ca.key, path: AGENT.tls.ca }];
        sources.push(
            t.ca.kind === "configMap"
                ? { configMap: { name: t.ca.name, items } }
                : { secret: { name: t.ca.name, items } },
        );
    }
    if (t.clientCertSecret)
        sources.push({
            secret: {
                name: t.clientCertSecret,
                items: [
                    { key: "tls.crt", path: AGENT.tls.cert },
                    { key: "tls.key", path: AGENT.tls.key },
                ],
            },
        });
    return [{ name: AGENT.tls.volume, projected: { defaultMode: 0o440, sources } }];
}

export interface TopologySpreadConstraint {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
    matchLabelKeys: readonly string[];
}

export interface PodSpec {
    automountServiceAccountToken?: boolean;
    tolerations?: readonly ValidatedToleration[];
    affinity?: ValidatedAffinity;
    nodeSelector?: Record<string, string>;
    priorityClassName?: string;
    serviceAccountName?: string;
    imagePullSecrets?: Array<{ name: string }>;
    terminationGracePeriodSeconds?: number;
    securityContext?: SecurityContext;
    topologySpreadConstraints?: TopologySpreadConstraint[];
    volumes: Volume[];
    initContainers?: Container[];
    containers: Container[];
}

export interface PodManifest {
    apiVersion: "v1";
    kind: "Pod";
    metadata: ObjectMeta;
    spec: PodSpec;
}

export interface ConfigMapManifest {
    apiVersion: "v1";
    kind: "ConfigMap";
    metadata: ObjectMeta;
    data: Record<string, string>;
}

export interface DeploymentManifest {
    apiVersion: "apps/v1";
    kind: "Deployment";
    metadata: ObjectMeta;
    spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        strategy: { type: "RollingUpdate"; rollingUpdate: { maxUnavailable: number; maxSurge: number } };
        template: { metadata: Omit<ObjectMeta, "name" | "namespace">; spec: PodSpec };
    };
}

export interface ServiceManifest {
    apiVersion: "v1";
    kind: "Service";
    metadata: ObjectMeta;
    spec: {
        type: "ClusterIP";
        selector: Record<string, string>;
        ports: Array<{ name: string; port: number; targetPort: string; protocol: string }>;
    };
}

export interface PodDisruptionBudgetManifest {
    apiVersion: "policy/v1";
    kind: "PodDisruptionBudget";
    metadata: ObjectMeta;
    spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
}

/**
 * Everything the component declares: the Pod or the Deployment; with a Deployment of more than one
 * replica its PodDisruptionBudget; the Service when asked for; nginx's ConfigMap when the profile
 * manages nginx's config; the log agent's ConfigMap when there is a destination.
 */
export interface Manifests {
    pod?: PodManifest;
    deployment?: DeploymentManifest;
    service?: ServiceManifest;
    podDisruptionBudget?: PodDisruptionBudgetManifest;
    nginxConfig?: ConfigMapManifest;
    agentConfig?: ConfigMapManifest;
}

/** The first 8 hex digits of a config's SHA-256: what a ConfigMap's name carries. */
const hash8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

/** nginx.conf when the component manages it: under the restricted profile, or with a destination (JSON access log). */
export function managedNginxConf(args: ValidatedArgs): string | undefined {
    const restricted = profileSettings(args.security).managedNginxConfig;
    // A destination runs the log agent, whose metrics nginx serves.
    const jsonAccessLog = args.destination !== undefined;
    return restricted || jsonAccessLog
        ? nginxConf({ restricted, jsonAccessLog, agentMetrics: jsonAccessLog })
        : undefined;
}

/**
 * Name of the ConfigMap holding nginx.conf when the component manages it. It carries a hash of the
 * config, as kustomize's configMapGenerator does: a changed config is a new ConfigMap and a new
 * Pod, since nginx would not reload a ConfigMap changed in place.
 */
export function nginxConfigMapName(args: ValidatedArgs): string {
    return `${args.podName}-nginx-conf-${hash8(managedNginxConf(args) ?? "")}`;
}

/**
 * Name of the log agent's ConfigMap: with a hash of its config, like nginx's, so a changed
 * destination is a new ConfigMap and new pods (rsyslogd reads its config once).
 */
export function agentConfigMapName(args: ValidatedArgs): string {
    return `${args.podName}-agent-conf-${hash8(agentConf(args.destination!))}`;
}

/** The labels that select this instance's pods (the name is unique per instance in a namespace). */
export function selectorLabels(args: ValidatedArgs): Record<string, string> {
    return { [SELECTOR_LABELS.name]: SELECTOR_LABELS.nameValue, [SELECTOR_LABELS.instance]: args.podName };
}

/**
 * The pods' labels: the user's, plus the selector's when something selects them, plus the log
 * agent's when one runs (a closed LogService's NetworkPolicy admits the pods carrying it).
 */
function podLabels(args: ValidatedArgs): Record<string, string> | undefined {
    const selected = args.workload === Workload.Deployment || args.service;
    const agent = args.destination !== undefined && {
        [LOG_SERVICE_ACCESS.agentLabel.key]: LOG_SERVICE_ACCESS.agentLabel.value,
    };
    if (!selected && !agent) return args.labels;
    return { ...args.labels, ...(selected && selectorLabels(args)), ...agent };
}

/** Metadata of an object the component names: name, namespace, labels; fields not set are left out. */
function objectMeta(args: ValidatedArgs, labels: Record<string, string> | undefined): ObjectMeta {
    return {
        name: args.podName,
        ...(args.namespace !== undefined && { namespace: args.namespace }),
        ...(labels !== undefined && { labels }),
    };
}

/** The Kubernetes provider's annotation that makes it take an object as ready once the API server has it. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** `meta` with the provider's skipAwait annotation when asked for (the workload and the Service, not the pod template). */
function awaited(args: ValidatedArgs, meta: ObjectMeta): ObjectMeta {
    if (!args.skipAwait) return meta;
    return { ...meta, annotations: { ...meta.annotations, [SKIP_AWAIT_ANNOTATION]: "true" } };
}

/** Builds the Pod's metadata; fields that are not set are left out. */
export function buildMetadata(args: ValidatedArgs): ObjectMeta {
    return {
        ...objectMeta(args, podLabels(args)),
        ...(args.annotations !== undefined && { annotations: args.annotations }),
    };
}

function probe(p: ValidatedProbe, action: Pick<ProbeSpec, "httpGet" | "exec">): ProbeSpec {
    const { initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold } = p;
    return { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold };
}

// Validated HTTP probes always carry their path (DEFAULTS.probes).
const httpProbe = (p: ValidatedProbe, port: number) => probe(p, { httpGet: { path: p.path!, port } });

function buildNginxContainer(args: ValidatedArgs): Container {
    const profile = profileSettings(args.security);
    const managed = managedNginxConf(args) !== undefined;
    const port = profile.nginxPort;
    const resources = args.resources.nginx;
    return {
        name: SEED.nginxContainer,
        image: args.nginxImage,
        ...(args.imagePullPolicy && { imagePullPolicy: args.imagePullPolicy }),
        // The image's entrypoint still runs; only nginx's config file changes.
        ...(managed && { args: ["nginx", "-c", `${NGINX.confDir}/${NGINX.confFile}`, "-g", "daemon off;"] }),
        // The named port a Service targets; under a managed config, the unprivileged port nginx uses.
        ...((managed || args.service) && {
            ports: [
                { name: SERVICE.targetPortName, containerPort: port, protocol: "TCP" },
                // The log agent's metrics, which nginx serves (nginxConf.ts).
                ...(args.destination
                    ? [{ name: AGENT.metrics.portName, containerPort: AGENT.metrics.port, protocol: "TCP" }]
                    : []),
            ],
        }),
        ...(resources && { resources }),
        ...(args.probes && {
            readinessProbe: httpProbe(args.probes.readiness, port),
            livenessProbe: httpProbe(args.probes.liveness, port),
        }),
        ...(profile.container && { securityContext: profile.container }),
        volumeMounts: [
            { name: SEED.volumeName, mountPath: SEED.logDir },
            ...(profile.managedNginxConfig ? [{ name: NGINX.tmpVolume, mountPath: NGINX.tmpDir }] : []),
            ...(managed ? [{ name: NGINX.confVolume, mountPath: NGINX.confDir, readOnly: true }] : []),
        ],
    };
}

function shipperCommand(args: ValidatedArgs): string[] {
    // The drain on TERM ends within the Pod's grace period.
    const sizeLimit = args.logVolume?.sizeLimit;
    const place = {
        terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
        volumeLimitBytes: sizeLimit === undefined ? 0 : quantityValue(sizeLimit),
    };
    if (args.shipper === "agent") return agentCommand(`${AGENT.confDir}/${AGENT.confFile}`, args.retention, place);
    return args.shipper === Shipper.Stream
        ? streamCommand(args.retention, place)
        : catLoopCommand(args.catLoopPeriodSeconds);
}

/** The downward API fields each record carries (agentConf.ts), and the auth Secret's keys. */
const RECORD_FIELD_PATHS: Record<keyof typeof AGENT.recordFields, string> = {
    namespace: "metadata.namespace",
    pod: "metadata.name",
    node: "spec.nodeName",
};

function agentEnv(args: ValidatedArgs): EnvVar[] | undefined {
    const d = args.destination;
    if (d === undefined) return undefined;
    const fields = Object.entries(AGENT.recordFields).map(([field, name]) => ({
        name,
        valueFrom: { fieldRef: { fieldPath: RECORD_FIELD_PATHS[field as keyof typeof RECORD_FIELD_PATHS] } },
    }));
    // Verification off is said in the pod spec, where the policy pack sees it (and agent.sh reads it).
    const insecure = d.tls?.insecureSkipVerify ? [{ name: AGENT.tls.verifyEnv, value: "off" }] : [];
    if (d.kind !== "elasticsearch") return [...fields, ...insecure];
    const secret = d.basicAuthSecret;
    const auth = secret
        ? Object.entries(AGENT.basicAuthEnv).map(([key, name]) => ({
              name,
              valueFrom: { secretKeyRef: { name: secret, key } },
          }))
        : [];
    // agent.sh checks the service takes the credentials before rsyslogd reads a line (preflight),
    // with the same TLS material; verification off is said in the pod spec, where the policy pack sees it.
    return [
        ...fields,
        ...auth,
        { name: AGENT.bulkCheckEnv, value: bulkCheckUrl(d) },
        ...(tlsOf(args) ? [{ name: AGENT.tls.dirEnv, value: AGENT.tls.dir }] : []),
        ...insecure,
    ];
}

/**
 * The sidecar's liveness: the log volume is mounted; with a destination, also that agent.sh wrote
 * its metrics within AGENT.metrics.staleSeconds. It writes them every few seconds while the
 * destination is down too (an outage never restarts it into a loop); a stuck script stops.
 */
function sidecarAliveCommand(args: ValidatedArgs): string[] {
    if (!args.destination) return ["test", "-d", SEED.logDir];
    const file = `${SEED.logDir}/${AGENT.metrics.file}`;
    return [
        "bash",
        "-c",
        `m=$(stat -c %Y ${file}) && [ $(( $(printf '%(%s)T' -1) - m )) -lt ${AGENT.metrics.staleSeconds} ]`,
    ];
}

/**
 * Whether the sidecar gets the preStop hook that holds its TERM until nginx has exited: a shipper
 * that drains (stream, the agent) as a classic sidecar. A native sidecar is stopped after nginx by
 * the kubelet itself; the seed's cat loop does not drain.
 */
const holdsTermForNginx = (args: ValidatedArgs): boolean => !args.nativeSidecar && args.shipper !== Shipper.CatLoop;

function buildSidecarContainer(args: ValidatedArgs): Container {
    const profile = profileSettings(args.security);
    const hook = holdsTermForNginx(args);
    // The cat-loop shipper only reads; the stream shipper and the agent keep their positions in the
    // volume (and, with retention, free space in the logs), so they need the mount writable.
    const readOnlyLogs = profile.readOnlyLogReader && args.shipper === Shipper.CatLoop;
    const resources = args.resources.sidecar;
    const liveness = args.probes?.sidecarLiveness;
    return {
        name: SEED.sidecarContainer,
        image: args.sidecarImage,
        ...(args.imagePullPolicy && { imagePullPolicy: args.imagePullPolicy }),
        ...(args.nativeSidecar && { restartPolicy: "Always" }),
        command: shipperCommand(args),
        ...(args.destination && { env: agentEnv(args) }),
        ...(resources && { resources }),
        ...(liveness && {
            livenessProbe: {
                ...probe(liveness, { exec: { command: sidecarAliveCommand(args) } }),
                ...(hook && { terminationGracePeriodSeconds: DRAIN.livenessKillGraceSeconds }),
            },
        }),
        ...(hook && {
            lifecycle: {
                preStop: {
                    exec: {
                        command: preStopCommand(profile.nginxPort, {
                            terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
                        }),
                    },
                },
            },
        }),
        ...(args.destination
            ? { securityContext: profile.agentContainer }
            : profile.container && { securityContext: profile.container }),
        volumeMounts: [
            { name: SEED.volumeName, mountPath: SEED.logDir, ...(readOnlyLogs && { readOnly: true }) },
            ...(args.destination ? [{ name: AGENT.confVolume, mountPath: AGENT.confDir, readOnly: true }] : []),
            ...(tlsOf(args) ? [{ name: AGENT.tls.volume, mountPath: AGENT.tls.dir, readOnly: true }] : []),
        ],
    };
}

/** Builds the Pod spec: the seed's volume and two containers, plus what the options turn on. */
export function buildPodSpec(args: ValidatedArgs): PodSpec {
    const profile = profileSettings(args.security);
    const emptyDir = { ...args.logVolume };
    return {
        ...profile.pod,
        ...(args.nodeSelector && { nodeSelector: args.nodeSelector }),
        ...(args.priorityClassName !== undefined && { priorityClassName: args.priorityClassName }),
        ...(args.serviceAccountName !== undefined && { serviceAccountName: args.serviceAccountName }),
        ...(args.imagePullSecrets && { imagePullSecrets: args.imagePullSecrets.map((name) => ({ name })) }),
        ...(args.tolerations && { tolerations: args.tolerations }),
        ...(args.affinity && { affinity: args.affinity }),
        ...(args.terminationGracePeriodSeconds !== undefined && {
            terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
        }),
        volumes: [
            { name: SEED.volumeName, emptyDir },
            ...(profile.managedNginxConfig
                ? [{ name: NGINX.tmpVolume, emptyDir: { sizeLimit: NGINX.tmpSizeLimit } }]
                : []),
            ...(managedNginxConf(args) !== undefined
                ? [{ name: NGINX.confVolume, configMap: { name: nginxConfigMapName(args) } }]
                : []),
            ...(args.destination ? [{ name: AGENT.confVolume, configMap: { name: agentConfigMapName(args) } }] : []),
            ...tlsVolume(args),
        ],
        // A native sidecar (Kubernetes 1.29+) starts before nginx and stops after it, so the
        // last lines nginx writes at shutdown are still shipped.
        ...(args.nativeSidecar
            ? { initContainers: [buildSidecarContainer(args)], containers: [buildNginxContainer(args)] }
            : { containers: [buildNginxContainer(args), buildSidecarContainer(args)] }),
    };
}

/** The whole Pod object, as `kubectl apply -f` or `podman kube play` would take it. */
export function buildPodManifest(args: ValidatedArgs): PodManifest {
    return { apiVersion: "v1", kind: "Pod", metadata: awaited(args, buildMetadata(args)), spec: buildPodSpec(args) };
}

/**
 * The Deployment: its pod template is exactly the Pod the same args give (plus a spread over
 * nodes), rolled without ever dropping below the desired replicas (maxUnavailable 0); a changed
 * nginx config is a new ConfigMap name in the template, so it rolls the pods too.
 */
export function buildDeploymentManifest(args: ValidatedArgs): DeploymentManifest {
    const selector = selectorLabels(args);
    const pod = buildPodManifest(args);
    const podMeta = buildMetadata(args);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: awaited(args, objectMeta(args, { ...args.labels, ...selector })),
        spec: {
            replicas: args.replicas,
            selector: { matchLabels: selector },
            strategy: {
                type: "RollingUpdate",
                rollingUpdate: { maxUnavailable: DEPLOYMENT.maxUnavailable, maxSurge: DEPLOYMENT.maxSurge },
            },
            template: {
                // The pod's own metadata, without the workload's skipAwait.
                metadata: {
                    labels: podMeta.labels!,
                    ...(podMeta.annotations && { annotations: podMeta.annotations }),
                },
                spec: {
                    ...pod.spec,
                    // Replicas on different nodes when there are several; still scheduled when there are not.
                    topologySpreadConstraints: [{ ...DEPLOYMENT.spread, labelSelector: { matchLabels: selector } }],
                },
            },
        },
    };
}

/** A ClusterIP Service on port 80 to nginx's named port. */
export function buildServiceManifest(args: ValidatedArgs): ServiceManifest {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: awaited(args, objectMeta(args, { ...args.labels, ...selectorLabels(args) })),
        spec: {
            type: "ClusterIP",
            selector: selectorLabels(args),
            ports: [
                {
                    name: SERVICE.targetPortName,
                    port: SERVICE.port,
                    targetPort: SERVICE.targetPortName,
                    protocol: "TCP",
                },
            ],
        },
    };
}

/** Voluntary disruptions (node drains) take one pod at a time: the others keep serving. */
export function buildPodDisruptionBudgetManifest(args: ValidatedArgs): PodDisruptionBudgetManifest {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: objectMeta(args, { ...args.labels, ...selectorLabels(args) }),
        spec: { minAvailable: args.replicas - 1, selector: { matchLabels: selectorLabels(args) } },
    };
}

function configMap(args: ValidatedArgs, name: string, data: Record<string, string>): ConfigMapManifest {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name,
            ...(args.namespace !== undefined && { namespace: args.namespace }),
            ...(args.labels !== undefined && { labels: args.labels }),
        },
        data,
    };
}

/** The ConfigMap holding nginx.conf, for a profile that manages nginx's config. */
export function buildNginxConfigMap(args: ValidatedArgs): ConfigMapManifest {
    const conf = managedNginxConf(args);
    if (conf === undefined)
        throw new Error("buildNginxConfigMap: the component does not manage nginx's config for these args");
    return configMap(args, nginxConfigMapName(args), { [NGINX.confFile]: conf });
}

/** The ConfigMap holding the log agent's rsyslog.conf, for args with a destination. */
export function buildAgentConfigMap(args: ValidatedArgs): ConfigMapManifest {
    if (!args.destination) throw new Error("buildAgentConfigMap: the args have no destination");
    return configMap(args, agentConfigMapName(args), { [AGENT.confFile]: agentConf(args.destination) });
}

/** One kind of object the component may declare: when it exists, and how it is built. */
interface ObjectEntry<K extends keyof Manifests> {
    /** Its key in {@link Manifests}. */
    readonly key: K;
    /** Its Pulumi name is `<component name>-<suffix>`. */
    readonly suffix: string;
    readonly exists: (shape: Shape) => boolean;
    readonly build: (args: ValidatedArgs) => NonNullable<Manifests[K]>;
}

const entry = <K extends keyof Manifests>(e: ObjectEntry<K>) => e;

/**
 * Every object the component may declare, decided by the {@link Shape} alone. The ConfigMaps come
 * first: the workload that mounts them is declared after them.
 */
export const OBJECTS = [
    entry({ key: "nginxConfig", suffix: "nginx-conf", exists: (s) => s.nginxConfig, build: buildNginxConfigMap }),
    entry({ key: "agentConfig", suffix: "agent-conf", exists: (s) => s.agentConfig, build: buildAgentConfigMap }),
    entry({ key: "pod", suffix: "pod", exists: (s) => s.workload === Workload.Pod, build: buildPodManifest }),
    entry({
        key: "deployment",
        suffix: "deployment",
        exists: (s) => s.workload === Workload.Deployment,
        build: buildDeploymentManifest,
    }),
    entry({ key: "service", suffix: "service", exists: (s) => s.service, build: buildServiceManifest }),
    entry({
        key: "podDisruptionBudget",
        suffix: "pdb",
        exists: (s) => s.podDisruptionBudget,
        build: buildPodDisruptionBudgetManifest,
    }),
] as const;

/** Every object the component declares for these args: the entries of {@link OBJECTS} its shape has. */
export function buildManifests(args: ValidatedArgs): Manifests {
    const shape = shapeOfArgs(args);
    const out: Record<string, unknown> = {};
    for (const o of OBJECTS) if (o.exists(shape)) out[o.key] = o.build(args);
    return out as Manifests;
}
