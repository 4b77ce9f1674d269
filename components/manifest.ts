import { SEED } from "./args";
import { ValidatedArgs } from "./validate";

// Plain Kubernetes shapes: only the fields this component writes. The builder is pure
// (validated args in, plain objects out), so the component, the offline render, the podman
// run and the tests all use the same manifest and nothing can drift.

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

export interface Container {
    name: string;
    image: string;
    command?: string[];
    volumeMounts: VolumeMount[];
}

export interface Volume {
    name: string;
    emptyDir: Record<string, string>;
}

export interface PodSpec {
    volumes: Volume[];
    containers: Container[];
}

export interface PodManifest {
    apiVersion: "v1";
    kind: "Pod";
    metadata: ObjectMeta;
    spec: PodSpec;
}

/** The seed's shipper: print both log files every 30 seconds. */
export const CAT_LOOP_COMMAND = [
    "sh",
    "-c",
    "while true; do cat /var/log/nginx/access.log /var/log/nginx/error.log; sleep 30; done",
];

/** Builds the Pod's metadata; fields that are not set are left out, not written empty. */
export function buildMetadata(args: ValidatedArgs): ObjectMeta {
    return {
        name: args.podName,
        ...(args.namespace !== undefined && { namespace: args.namespace }),
        ...(args.labels !== undefined && { labels: args.labels }),
        ...(args.annotations !== undefined && { annotations: args.annotations }),
    };
}

/** Builds the Pod spec: the seed's volume and two containers, with the configured images. */
export function buildPodSpec(args: ValidatedArgs): PodSpec {
    const logMount = (): VolumeMount => ({ name: SEED.volumeName, mountPath: SEED.logDir });
    return {
        volumes: [{ name: SEED.volumeName, emptyDir: {} }],
        containers: [
            { name: SEED.nginxContainer, image: args.nginxImage, volumeMounts: [logMount()] },
            {
                name: SEED.sidecarContainer,
                image: args.sidecarImage,
                command: [...CAT_LOOP_COMMAND],
                volumeMounts: [logMount()],
            },
        ],
    };
}

/** The whole Pod object, as `kubectl apply -f` or `podman kube play` would take it. */
export function buildPodManifest(args: ValidatedArgs): PodManifest {
    return { apiVersion: "v1", kind: "Pod", metadata: buildMetadata(args), spec: buildPodSpec(args) };
}
