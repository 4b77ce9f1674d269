import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedWebserverPodArgs, WebserverPodArgs } from "./args";
import { buildManifests, buildNginxConfigMap } from "./manifest";
import { isProfile, profileSettings, requestedProfile } from "./profile";
import { readyContainers } from "./status";
import { validateArgs, WebserverPodArgError } from "./validate";

/** The component's type token (`<package>:<module>:<type>`). */
export const WEBSERVER_POD_TYPE = "webserver-sidecar:index:WebserverPod";

/** True when no Output or Promise is nested anywhere in `value`, so it can be checked right now. */
function isKnown(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
    if (value !== null && typeof value === "object") return Object.values(value).every(isKnown);
    return true;
}

/**
 * The `webserver` Pod: nginx writing its logs into the `shared-logs` emptyDir and a sidecar
 * that ships them to stdout. With no args it declares exactly the seed spec.
 *
 * Pass a Kubernetes `provider` (or `providers`) in the resource options to target a cluster
 * other than the current kubeconfig context.
 */
export class WebserverPod extends pulumi.ComponentResource {
    /** `metadata.name` of the Pod. */
    public readonly podName: pulumi.Output<string>;
    /** Namespace the Pod landed in (the provider fills in its default when none was given). */
    public readonly namespace: pulumi.Output<string>;
    /** `status.podIP` of the Pod. */
    public readonly podIp: pulumi.Output<string>;
    /** `status.phase` of the Pod, for example `Running`. */
    public readonly status: pulumi.Output<string>;
    /** Ready containers over containers in the spec, as `kubectl get pod` prints it, for example `2/2`. */
    public readonly readyContainers: pulumi.Output<string>;

    constructor(name: string, args: WebserverPodArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Args that are already plain are validated before anything, the component included, is
        // registered. Args holding Outputs are validated when they resolve, with the same message.
        // The security profile decides which resources exist, so it must be plain either way.
        const plain = ["security", "production"] as const;
        const late = plain.filter((k) => !isKnown(args[k]));
        if (late.length > 0)
            throw new WebserverPodArgError(
                name,
                late.map((arg) => ({ arg, value: "<Output>", rule: "must be a plain value, not an Output" })),
            );
        const known = isKnown(args) ? validateArgs(name, args as ResolvedWebserverPodArgs) : undefined;
        const profile = requestedProfile(args);
        super(WEBSERVER_POD_TYPE, name, {}, opts);

        const validated = known
            ? pulumi.output(known)
            : pulumi.output(args).apply((resolved) => validateArgs(name, resolved as ResolvedWebserverPodArgs));
        const manifest = validated.apply(buildManifests).pod;

        // nginx reads its config from a ConfigMap this component owns when the profile manages it.
        // An invalid profile never gets here with plain args; with Output args validation fails the Pod.
        let nginxConfig: k8s.core.v1.ConfigMap | undefined;
        if (isProfile(profile) && profileSettings(profile).managedNginxConfig) {
            const cm = validated.apply(buildNginxConfigMap);
            nginxConfig = new k8s.core.v1.ConfigMap(
                `${name}-nginx-conf`,
                { apiVersion: "v1", kind: "ConfigMap", metadata: cm.metadata, data: cm.data },
                { parent: this },
            );
        }

        const pod = new k8s.core.v1.Pod(
            `${name}-pod`,
            { apiVersion: "v1", kind: "Pod", metadata: manifest.metadata, spec: manifest.spec },
            { parent: this, dependsOn: nginxConfig ? [nginxConfig] : [] },
        );

        this.podName = pod.metadata.name;
        this.namespace = pod.metadata.namespace;
        this.podIp = pod.status.podIP;
        this.status = pod.status.phase;
        this.readyContainers = pulumi
            .all([manifest, pod.status])
            .apply(([m, status]) => readyContainers(m.spec, status));

        this.registerOutputs({
            podName: this.podName,
            namespace: this.namespace,
            podIp: this.podIp,
            status: this.status,
            readyContainers: this.readyContainers,
        });
    }
}
