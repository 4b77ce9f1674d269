import * as pulumi from "@pulumi/pulumi";

/** The seed's values: with no options, the component renders exactly ../shared/seed/webserver.yaml. */
export const SEED = {
    podName: "webserver",
    volumeName: "shared-logs",
    logDir: "/var/log/nginx",
    nginxContainer: "nginx-container",
    nginxImage: "nginx:latest",
    sidecarContainer: "sidecar-container",
    sidecarImage: "ubuntu:latest",
} as const;

/**
 * The inputs of a {@link WebserverPod}. Every field is optional; with none set the Pod is the
 * seed spec exactly, and everything beyond it is opt-in.
 */
export interface WebserverPodArgs {
    /** Namespace of the Pod. @default unset: the provider's (kubeconfig context's) namespace */
    readonly namespace?: pulumi.Input<string>;
    /** `metadata.name` of the Pod, a DNS-1123 label. @default "webserver" */
    readonly podName?: pulumi.Input<string>;
    /** Image of `nginx-container`. @default "nginx:latest" */
    readonly nginxImage?: pulumi.Input<string>;
    /** Image of `sidecar-container`. @default "ubuntu:latest" */
    readonly sidecarImage?: pulumi.Input<string>;
    /** Labels of the Pod (keys and values as Kubernetes accepts them). @default none */
    readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Annotations of the Pod. @default none */
    readonly annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The args with every Input resolved to its plain value: what validation and the manifest builder see. */
export type ResolvedWebserverPodArgs = pulumi.Unwrap<WebserverPodArgs>;
