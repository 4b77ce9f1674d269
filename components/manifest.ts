import { createHash } from "crypto";
import { Shipper } from "./args";
import { NGINX, SEED } from "./defaults";
import { ValidatedArgs, ValidatedProbe, Quantities } from "./model";
import { restrictedNginxConf } from "./nginxConf";
import { profileSettings, SecurityContext } from "./profile";
import { catLoopCommand, streamCommand } from "./shippers";

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

export interface Probe {
    httpGet?: { path: string; port: number };
    exec?: { command: string[] };
    initialDelaySeconds: number;
    periodSeconds: number;
    timeoutSeconds: number;
    failureThreshold: number;
}

export interface Container {
    name: string;
    image: string;
    imagePullPolicy?: string;
    /** Only on a native sidecar (an init container): "Always". */
    restartPolicy?: string;
    command?: string[];
    args?: string[];
    ports?: Array<{ name: string; containerPort: number; protocol: string }>;
    resources?: { requests?: Quantities; limits?: Quantities };
    readinessProbe?: Probe;
    livenessProbe?: Probe;
    securityContext?: SecurityContext;
    volumeMounts: VolumeMount[];
}

export interface Volume {
    name: string;
    emptyDir?: { sizeLimit?: string; medium?: string };
    configMap?: { name: string };
}

export interface PodSpec {
    automountServiceAccountToken?: boolean;
    securityContext?: SecurityContext;
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

/** Everything the component declares: the Pod, and nginx's ConfigMap under the restricted profile. */
export interface Manifests {
    pod: PodManifest;
    nginxConfig?: ConfigMapManifest;
}

/** The port nginx listens on under the args' profile. */
export function nginxPort(args: ValidatedArgs): number {
    return profileSettings(args.security).nginxPort;
}

// The config depends on no argument: generate and hash it once, not on every render.
const NGINX_CONF = restrictedNginxConf();
const NGINX_CONF_HASH = createHash("sha256").update(NGINX_CONF).digest("hex").slice(0, 8);

/**
 * Name of the ConfigMap holding nginx.conf when the profile manages nginx's config. It carries a
 * hash of the config, as kustomize's configMapGenerator does: a changed config is a new ConfigMap
 * and a new Pod, since nginx would not reload a ConfigMap changed in place.
 */
export function nginxConfigMapName(args: ValidatedArgs): string {
    return `${args.podName}-nginx-conf-${NGINX_CONF_HASH}`;
}

/** Builds the Pod's metadata; fields that are not set are left out. */
export function buildMetadata(args: ValidatedArgs): ObjectMeta {
    return {
        name: args.podName,
        ...(args.namespace !== undefined && { namespace: args.namespace }),
        ...(args.labels !== undefined && { labels: args.labels }),
        ...(args.annotations !== undefined && { annotations: args.annotations }),
    };
}

function probe(p: ValidatedProbe, action: Pick<Probe, "httpGet" | "exec">): Probe {
    const { initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold } = p;
    return { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds, failureThreshold };
}

const httpProbe = (p: ValidatedProbe, port: number) => probe(p, { httpGet: { path: p.path ?? "/", port } });

function buildNginxContainer(args: ValidatedArgs): Container {
    const profile = profileSettings(args.security);
    const managed = profile.managedNginxConfig;
    const port = profile.nginxPort;
    const resources = args.resources.nginx;
    return {
        name: SEED.nginxContainer,
        image: args.nginxImage,
        ...(args.imagePullPolicy && { imagePullPolicy: args.imagePullPolicy }),
        // The image's entrypoint still runs; only nginx's config file changes.
        ...(managed && { args: ["nginx", "-c", `${NGINX.confDir}/${NGINX.confFile}`, "-g", "daemon off;"] }),
        ...(managed && { ports: [{ name: "http", containerPort: port, protocol: "TCP" }] }),
        ...(resources && { resources }),
        ...(args.probes && {
            readinessProbe: httpProbe(args.probes.readiness, port),
            livenessProbe: httpProbe(args.probes.liveness, port),
        }),
        ...(profile.container && { securityContext: profile.container }),
        volumeMounts: [
            { name: SEED.volumeName, mountPath: SEED.logDir },
            ...(managed
                ? [
                      { name: NGINX.tmpVolume, mountPath: NGINX.tmpDir },
                      { name: NGINX.confVolume, mountPath: NGINX.confDir, readOnly: true },
                  ]
                : []),
        ],
    };
}

function shipperCommand(args: ValidatedArgs): string[] {
    return args.shipper === Shipper.Stream ? streamCommand(args.retention) : catLoopCommand(args.catLoopPeriodSeconds);
}

function buildSidecarContainer(args: ValidatedArgs): Container {
    const profile = profileSettings(args.security);
    // The cat-loop shipper only reads; the stream shipper keeps its checkpoint in the volume (and,
    // with retention, frees space in the logs), so it needs its mount writable.
    const readOnlyLogs = profile.readOnlyLogReader && args.shipper === Shipper.CatLoop;
    const resources = args.resources.sidecar;
    const liveness = args.probes?.sidecarLiveness;
    return {
        name: SEED.sidecarContainer,
        image: args.sidecarImage,
        ...(args.imagePullPolicy && { imagePullPolicy: args.imagePullPolicy }),
        ...(args.nativeSidecar && { restartPolicy: "Always" }),
        command: shipperCommand(args),
        ...(resources && { resources }),
        ...(liveness && { livenessProbe: probe(liveness, { exec: { command: ["test", "-d", SEED.logDir] } }) }),
        ...(profile.container && { securityContext: profile.container }),
        volumeMounts: [{ name: SEED.volumeName, mountPath: SEED.logDir, ...(readOnlyLogs && { readOnly: true }) }],
    };
}

/** Builds the Pod spec: the seed's volume and two containers, plus what the options turn on. */
export function buildPodSpec(args: ValidatedArgs): PodSpec {
    const profile = profileSettings(args.security);
    const emptyDir = { ...args.logVolume };
    return {
        ...profile.pod,
        volumes: [
            { name: SEED.volumeName, emptyDir },
            ...(profile.managedNginxConfig
                ? [
                      { name: NGINX.tmpVolume, emptyDir: { sizeLimit: NGINX.tmpSizeLimit } },
                      { name: NGINX.confVolume, configMap: { name: nginxConfigMapName(args) } },
                  ]
                : []),
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
    return { apiVersion: "v1", kind: "Pod", metadata: buildMetadata(args), spec: buildPodSpec(args) };
}

/** The ConfigMap holding nginx.conf, for a profile that manages nginx's config. */
export function buildNginxConfigMap(args: ValidatedArgs): ConfigMapManifest {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name: nginxConfigMapName(args),
            ...(args.namespace !== undefined && { namespace: args.namespace }),
            ...(args.labels !== undefined && { labels: args.labels }),
        },
        data: { [NGINX.confFile]: NGINX_CONF },
    };
}

/** Every object the component declares for these args. */
export function buildManifests(args: ValidatedArgs): Manifests {
    const pod = buildPodManifest(args);
    if (!profileSettings(args.security).managedNginxConfig) return { pod };
    return { pod, nginxConfig: buildNginxConfigMap(args) };
}
