import { createHash } from "crypto";
import { SecurityProfile, SEED, Shipper } from "./args";
import {
    NGINX_CONF_DIR,
    NGINX_CONF_FILE,
    NGINX_TMP_DIR,
    RESTRICTED_NGINX_PORT,
    restrictedNginxConf,
} from "./nginxConf";
import { containerSecurity, podSecurity, SecurityContext } from "./security";
import { catLoopCommand, streamCommand } from "./shippers";
import { Quantities, ValidatedArgs, ValidatedProbe } from "./validate";

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

/** The port nginx listens on: the image's 80, or 8080 when it runs unprivileged. */
export function nginxPort(args: ValidatedArgs): number {
    return args.security === SecurityProfile.Restricted ? RESTRICTED_NGINX_PORT : 80;
}

/**
 * Name of the ConfigMap holding nginx.conf under the restricted profile. It carries a hash of the
 * config, as kustomize's configMapGenerator does: a changed config is a new ConfigMap and a new
 * Pod, since nginx would not reload a ConfigMap changed in place.
 */
export function nginxConfigMapName(args: ValidatedArgs): string {
    return `${args.podName}-nginx-conf-${NGINX_CONF_HASH}`;
}

// The config depends on no argument: generate and hash it once, not on every render.
const NGINX_CONF = restrictedNginxConf();
const NGINX_CONF_HASH = createHash("sha256").update(NGINX_CONF).digest("hex").slice(0, 8);

const TMP_VOLUME = "nginx-tmp";
const CONF_VOLUME = "nginx-conf";
/** nginx's pid and temp files only: small. */
const TMP_SIZE_LIMIT = "64Mi";

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

function buildNginxContainer(args: ValidatedArgs): Container {
    const restricted = args.security === SecurityProfile.Restricted;
    const port = nginxPort(args);
    const security = containerSecurity(args.security);
    const resources = args.resources.nginx;
    return {
        name: SEED.nginxContainer,
        image: args.nginxImage,
        ...(args.imagePullPolicy && { imagePullPolicy: args.imagePullPolicy }),
        // The image's entrypoint still runs; only nginx's config file changes.
        ...(restricted && { args: ["nginx", "-c", `${NGINX_CONF_DIR}/${NGINX_CONF_FILE}`, "-g", "daemon off;"] }),
        ...(restricted && { ports: [{ name: "http", containerPort: port, protocol: "TCP" }] }),
        ...(resources && { resources }),
        ...(args.probes && {
            readinessProbe: probe(args.probes.readiness, { httpGet: { path: args.probes.readiness.path, port } }),
            livenessProbe: probe(args.probes.liveness, { httpGet: { path: args.probes.liveness.path, port } }),
        }),
        ...(security && { securityContext: security }),
        volumeMounts: [
            { name: SEED.volumeName, mountPath: SEED.logDir },
            ...(restricted
                ? [
                      { name: TMP_VOLUME, mountPath: NGINX_TMP_DIR },
                      { name: CONF_VOLUME, mountPath: NGINX_CONF_DIR, readOnly: true },
                  ]
                : []),
        ],
    };
}

function shipperCommand(args: ValidatedArgs): string[] {
    return args.shipper === Shipper.Stream ? streamCommand(args.retention) : catLoopCommand(args.catLoopPeriodSeconds);
}

function buildSidecarContainer(args: ValidatedArgs): Container {
    // The shipper only reads, so under "restricted" its mount is read-only -- unless it also
    // enforces retention, which frees space in the files (a documented trade-off).
    const readOnlyLogs = args.security === SecurityProfile.Restricted && !args.retention;
    const security = containerSecurity(args.security);
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
        ...(security && { securityContext: security }),
        volumeMounts: [{ name: SEED.volumeName, mountPath: SEED.logDir, ...(readOnlyLogs && { readOnly: true }) }],
    };
}

/** Builds the Pod spec: the seed's volume and two containers, plus what the options turn on. */
export function buildPodSpec(args: ValidatedArgs): PodSpec {
    const restricted = args.security === SecurityProfile.Restricted;
    const emptyDir = { ...args.logVolume };
    return {
        ...podSecurity(args.security),
        volumes: [
            { name: SEED.volumeName, emptyDir },
            ...(restricted
                ? [
                      { name: TMP_VOLUME, emptyDir: { sizeLimit: TMP_SIZE_LIMIT } },
                      { name: CONF_VOLUME, configMap: { name: nginxConfigMapName(args) } },
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

/** Every object the component declares for these args. */
export function buildManifests(args: ValidatedArgs): Manifests {
    const pod = buildPodManifest(args);
    if (args.security !== SecurityProfile.Restricted) return { pod };
    const metadata: ObjectMeta = {
        name: nginxConfigMapName(args),
        ...(args.namespace !== undefined && { namespace: args.namespace }),
        ...(args.labels !== undefined && { labels: args.labels }),
    };
    return {
        pod,
        nginxConfig: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata,
            data: { [NGINX_CONF_FILE]: NGINX_CONF },
        },
    };
}
