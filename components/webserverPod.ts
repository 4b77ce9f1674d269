import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedWebserverPodArgs, WebserverPodArgs, Workload } from "./args";
import { DEFAULTS } from "./defaults";
import {
    buildAgentConfigMap,
    ConfigMapManifest,
    buildDeploymentManifest,
    buildNginxConfigMap,
    buildPodDisruptionBudgetManifest,
    buildPodManifest,
    buildServiceManifest,
    hasPodDisruptionBudget,
} from "./manifest";
import { ValidatedArgs } from "./model";
import { isProfile, profileSettings, requestedProfile } from "./profile";
import { readyContainers } from "./status";
import { validateArgs, WebserverPodArgError } from "./validate";

/** The component's type token (`<package>:<module>:<type>`). */
export const WEBSERVER_POD_TYPE = "webserver-sidecar:index:WebserverPod";

/** The args that decide which resources exist: they must be known when the component is built. */
const PLAIN_ARGS = ["security", "production", "workload", "replicas", "service"] as const;

/** True when no Output or Promise is nested anywhere in `value`, so it can be checked right now. */
function isKnown(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
    if (value !== null && typeof value === "object") return Object.values(value).every(isKnown);
    return true;
}

/**
 * The `webserver` Pod: nginx writing its logs into the `shared-logs` emptyDir and a sidecar
 * that ships them. With no args it declares exactly the seed spec; with `workload: "Deployment"`
 * the same pod as the template of a Deployment, with a Service and a PodDisruptionBudget.
 *
 * Object names derive from the component's name (override with `podName`). Pass a Kubernetes
 * `provider` (or `providers`) in the resource options to target a cluster other than the current
 * kubeconfig context.
 */
/** Each component's applicable stack outputs (see `stackOutputs`), kept off its properties. */
const STACK_OUTPUTS = new WeakMap<WebserverPod, Record<string, pulumi.Output<string>>>();

export class WebserverPod extends pulumi.ComponentResource {
    /** "Pod" or "Deployment". */
    public readonly workload: pulumi.Output<string>;
    /** `metadata.name` of the Pod, or of the Deployment (and its Service and PodDisruptionBudget). */
    public readonly podName: pulumi.Output<string>;
    /** Namespace the objects landed in (the provider fills in its default when none was given). */
    public readonly namespace: pulumi.Output<string>;
    /** `status.podIP` of the Pod; unset for a Deployment, whose pods come and go. */
    public readonly podIp: pulumi.Output<string | undefined>;
    /** `status.phase` of the Pod, for example `Running`; unset for a Deployment. */
    public readonly status: pulumi.Output<string | undefined>;
    /** The Pod's ready containers over its containers, as `kubectl get pod` prints READY (`2/2`); unset for a Deployment. */
    public readonly readyContainers: pulumi.Output<string | undefined>;
    /** The Deployment's ready replicas over its desired replicas, as `kubectl get deploy` prints READY (`2/2`); unset for a Pod. */
    public readonly readyReplicas: pulumi.Output<string | undefined>;
    /** The Service's name, when there is one. */
    public readonly serviceName: pulumi.Output<string | undefined>;
    /** The Service's cluster IP, when there is one. */
    public readonly serviceIp: pulumi.Output<string | undefined>;

    /**
     * The outputs above that are set for what this component declared (a Pod's or a Deployment's,
     * the Service's when there is one), keyed as the program exports them (`status` as
     * `podStatus`). A program exports these rather than all nine: the engine warns about every
     * stack output left undefined. (A method, so the package's schema does not list it as an output.)
     */
    public stackOutputs(): Record<string, pulumi.Output<string>> {
        return STACK_OUTPUTS.get(this)!;
    }

    constructor(name: string, args: WebserverPodArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
        // Args that are already plain are validated before anything, the component included, is
        // registered. Args holding Outputs are validated when they resolve, with the same message.
        // The args that decide which resources exist must be plain either way.
        const late = PLAIN_ARGS.filter((k) => !isKnown(args[k]));
        const issues: Array<{ arg: string; value: string; rule: string }> = late.map((arg) => ({
            arg,
            value: "<Output>",
            rule: "must be a plain value, not an Output",
        }));
        // destination's presence decides whether the agent's ConfigMap exists; its fields may be Outputs.
        if (pulumi.Output.isInstance(args.destination) || (args.destination as unknown) instanceof Promise)
            issues.push({
                arg: "destination",
                value: "<Output>",
                rule: "must be a plain object, not an Output (its fields may be Outputs)",
            });
        if (issues.length > 0) throw new WebserverPodArgError(name, issues);
        const known = isKnown(args) ? validateArgs(name, args as ResolvedWebserverPodArgs) : undefined;
        const profile = requestedProfile(args);
        const workload = args.workload ?? DEFAULTS.workload;
        const deployment = workload === Workload.Deployment;
        const service = args.service ?? deployment;
        const pdb = hasPodDisruptionBudget({ workload, replicas: args.replicas ?? DEFAULTS.replicas });
        super(WEBSERVER_POD_TYPE, name, {}, opts);

        const validated = known
            ? pulumi.output(known)
            : pulumi.output(args).apply((resolved) => validateArgs(name, resolved as ResolvedWebserverPodArgs));
        const child = { parent: this };

        // The ConfigMaps this component owns, each built by a pure function of the validated args.
        // Whether each exists is decided by plain args: the profile, and destination's presence.
        const configMap = (suffix: string, build: (a: ValidatedArgs) => ConfigMapManifest) => {
            const cm = validated.apply(build);
            return new k8s.core.v1.ConfigMap(
                `${name}-${suffix}`,
                { apiVersion: "v1", kind: "ConfigMap", metadata: cm.metadata, data: cm.data },
                child,
            );
        };
        const configs: k8s.core.v1.ConfigMap[] = [];
        // nginx reads its config from a ConfigMap when the profile manages it. An invalid profile
        // never gets here with plain args; with Output args validation fails first.
        if (isProfile(profile) && profileSettings(profile).managedNginxConfig)
            configs.push(configMap("nginx-conf", buildNginxConfigMap));
        // The log agent's config, when the logs go to a destination.
        if (args.destination !== undefined) configs.push(configMap("agent-conf", buildAgentConfigMap));
        const afterConfig = { ...child, dependsOn: configs };

        let objectMeta: pulumi.Output<k8s.types.output.meta.v1.ObjectMeta>;
        if (deployment) {
            const d = validated.apply(buildDeploymentManifest);
            // The provider waits for the rollout: after `pulumi up`, readyReplicas is desired/desired.
            const dep = new k8s.apps.v1.Deployment(
                `${name}-deployment`,
                { apiVersion: "apps/v1", kind: "Deployment", metadata: d.metadata, spec: d.spec },
                afterConfig,
            );
            objectMeta = dep.metadata;
            this.podIp = pulumi.output(undefined);
            this.status = pulumi.output(undefined);
            this.readyContainers = pulumi.output(undefined);
            this.readyReplicas = pulumi
                .all([dep.spec, dep.status])
                .apply(([spec, status]) => `${status?.readyReplicas ?? 0}/${spec?.replicas ?? 0}`);
        } else {
            const p = validated.apply(buildPodManifest);
            const pod = new k8s.core.v1.Pod(
                `${name}-pod`,
                { apiVersion: "v1", kind: "Pod", metadata: p.metadata, spec: p.spec },
                afterConfig,
            );
            objectMeta = pod.metadata;
            this.podIp = pod.status.podIP;
            this.status = pod.status.phase;
            this.readyContainers = pulumi.all([p, pod.status]).apply(([m, status]) => readyContainers(m.spec, status));
            this.readyReplicas = pulumi.output(undefined);
        }
        if (service) {
            const sv = validated.apply(buildServiceManifest);
            const svc = new k8s.core.v1.Service(
                `${name}-service`,
                { apiVersion: "v1", kind: "Service", metadata: sv.metadata, spec: sv.spec },
                child,
            );
            this.serviceName = svc.metadata.name;
            this.serviceIp = svc.spec.clusterIP;
        } else {
            this.serviceName = pulumi.output(undefined);
            this.serviceIp = pulumi.output(undefined);
        }
        if (pdb) {
            const b = validated.apply(buildPodDisruptionBudgetManifest);
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: b.metadata, spec: b.spec },
                child,
            );
        }

        this.workload = pulumi.output(workload);
        this.podName = objectMeta.name;
        this.namespace = objectMeta.namespace;
        const set = (o: pulumi.Output<string | undefined>) => o as pulumi.Output<string>;
        STACK_OUTPUTS.set(this, {
            workload: this.workload,
            podName: this.podName,
            namespace: this.namespace,
            ...(deployment
                ? { readyReplicas: set(this.readyReplicas) }
                : { podIp: set(this.podIp), podStatus: set(this.status), readyContainers: set(this.readyContainers) }),
            ...(service && { serviceName: set(this.serviceName), serviceIp: set(this.serviceIp) }),
        });
        this.registerOutputs({
            workload: this.workload,
            podName: this.podName,
            namespace: this.namespace,
            podIp: this.podIp,
            status: this.status,
            readyContainers: this.readyContainers,
            readyReplicas: this.readyReplicas,
            serviceName: this.serviceName,
            serviceIp: this.serviceIp,
        });
    }
}
