import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedWebserverPodArgs, WebserverPodArgs, Workload } from "./args";
import { Manifests, OBJECTS } from "./manifest";
import { ValidatedTimeouts } from "./model";
import { Shape, shapeOfArgs } from "./shape";
import { isKnown } from "./known";
import { readyContainers } from "./status";
import { PLAIN_ARGS } from "./options";
import { validateArgs, validateShape, WebserverPodArgError } from "./validate";

/** The component's type token (`<package>:<module>:<type>`). */
export const WEBSERVER_POD_TYPE = "webserver-sidecar:index:WebserverPod";

/**
 * How each entry of manifest.ts' OBJECTS is declared: its resource class, the field its content
 * goes in, and its role -- a config the workload mounts (declared first), the workload (after the
 * configs), or neither.
 */
const DECLARE = {
    nginxConfig: { Resource: k8s.core.v1.ConfigMap, body: "data", role: "config" },
    agentConfig: { Resource: k8s.core.v1.ConfigMap, body: "data", role: "config" },
    // The API server takes added tolerations on a Pod but refuses any other change of them, and the
    // provider updates them in place: a changed list replaces the Pod instead, deleting it first (its
    // name is fixed, and two Pods of one name cannot exist at once). For the fields the provider knows
    // to be immutable it decides so itself (docs/deployment.md, "Changing options").
    pod: {
        Resource: k8s.core.v1.Pod,
        body: "spec",
        role: "workload",
        opts: { replaceOnChanges: ["spec.tolerations"], deleteBeforeReplace: true },
    },
    deployment: { Resource: k8s.apps.v1.Deployment, body: "spec", role: "workload" },
    service: { Resource: k8s.core.v1.Service, body: "spec", role: "other" },
    podDisruptionBudget: { Resource: k8s.policy.v1.PodDisruptionBudget, body: "spec", role: "other" },
} as const satisfies Record<
    keyof Manifests,
    {
        Resource: unknown;
        body: "data" | "spec";
        role: "config" | "workload" | "other";
        opts?: Pick<pulumi.CustomResourceOptions, "replaceOnChanges" | "deleteBeforeReplace">;
    }
>;

/**
 * The component's outputs: the property, the stack output the program exports it as, and whether
 * it applies to a shape (the engine warns about every stack output left undefined).
 */
const OUTPUTS = [
    { prop: "workload", stack: "workload", applies: () => true },
    { prop: "podName", stack: "podName", applies: () => true },
    { prop: "namespace", stack: "namespace", applies: () => true },
    { prop: "podIp", stack: "podIp", applies: (s: Shape) => s.workload === Workload.Pod },
    { prop: "status", stack: "podStatus", applies: (s: Shape) => s.workload === Workload.Pod },
    { prop: "readyContainers", stack: "readyContainers", applies: (s: Shape) => s.workload === Workload.Pod },
    { prop: "readyReplicas", stack: "readyReplicas", applies: (s: Shape) => s.workload === Workload.Deployment },
    { prop: "serviceName", stack: "serviceName", applies: (s: Shape) => s.service },
    { prop: "serviceIp", stack: "serviceIp", applies: (s: Shape) => s.service },
] as const;

/** Each component's applicable stack outputs (see `stackOutputs`), kept off its properties. */
const STACK_OUTPUTS = new WeakMap<WebserverPod, Record<string, pulumi.Output<string>>>();

/**
 * The `webserver` Pod: nginx writing its logs into the `shared-logs` emptyDir and a sidecar
 * that ships them. With no args it declares exactly the seed spec; with `workload: "Deployment"`
 * the same pod as the template of a Deployment, with a Service and a PodDisruptionBudget.
 *
 * Object names derive from the component's name (override with `podName`). Pass a Kubernetes
 * `provider` (or `providers`) in the resource options to target a cluster other than the current
 * kubeconfig context.
 */
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
        // The args that decide which objects exist (the shape) must be plain either way.
        const late = PLAIN_ARGS.filter((k) => !isKnown(args[k]));
        const issues: Array<{ arg: string; value: string; rule: string }> = late.map((arg) => ({
            arg,
            value: "<Output>",
            rule: "must be a plain value, not an Output",
        }));
        if (issues.length > 0) throw new WebserverPodArgError(name, issues);
        // destination's presence decides whether the agent's ConfigMap exists; its fields may be
        // Outputs. A Java program sends it whole as an Output when it depends on a resource (its SDK
        // names the dependencies of a property, not of its fields): present, checked when it resolves.
        const lateDestination =
            pulumi.Output.isInstance(args.destination) || (args.destination as unknown) instanceof Promise;
        const known = isKnown(args) ? validateArgs(name, args as ResolvedWebserverPodArgs) : undefined;
        const shape: Shape = known ? shapeOfArgs(known) : validateShape(name, args);
        // A resource option of the workload: plain (checked above), validated by either path.
        const customTimeouts = known ? known.customTimeouts : (args.customTimeouts as ValidatedTimeouts | undefined);
        super(WEBSERVER_POD_TYPE, name, {}, opts);

        const validated = known
            ? pulumi.output(known)
            : pulumi.output(args).apply((resolved) => {
                  if (lateDestination && resolved.destination == null)
                      throw new WebserverPodArgError(name, [
                          {
                              arg: "destination",
                              value: "<Output>",
                              rule: "resolved to nothing, after the agent was declared: set it, or leave it out",
                          },
                      ]);
                  return validateArgs(name, resolved as ResolvedWebserverPodArgs);
              });
        const child = { parent: this };

        // Every object the shape has, from the table in manifest.ts, each built by its pure builder.
        // The ConfigMaps come first; the workload that mounts them depends on them.
        const declared: Partial<Record<keyof Manifests, pulumi.CustomResource>> = {};
        const configs: pulumi.Resource[] = [];
        for (const o of OBJECTS) {
            if (!o.exists(shape)) continue;
            // apiVersion and kind: each resource class sets its own.
            const m = validated.apply((v) => o.build(v) as { metadata: unknown; spec?: unknown; data?: unknown });
            const d = DECLARE[o.key];
            const Resource = d.Resource as unknown as new (
                n: string,
                a: object,
                opts: pulumi.CustomResourceOptions,
            ) => pulumi.CustomResource;
            const resource = new Resource(
                `${name}-${o.suffix}`,
                { metadata: m.metadata, [d.body]: m[d.body] },
                {
                    ...child,
                    ...("opts" in d && d.opts),
                    ...(d.role === "workload" && { dependsOn: configs }),
                    ...(d.role === "workload" && customTimeouts && { customTimeouts }),
                },
            );
            if (d.role === "config") configs.push(resource);
            declared[o.key] = resource;
        }

        let objectMeta: pulumi.Output<k8s.types.output.meta.v1.ObjectMeta>;
        const deployment = shape.workload === Workload.Deployment;
        if (deployment) {
            // The provider waits for the rollout: after `pulumi up`, readyReplicas is desired/desired.
            const dep = declared.deployment as k8s.apps.v1.Deployment;
            objectMeta = dep.metadata;
            this.podIp = pulumi.output(undefined);
            this.status = pulumi.output(undefined);
            this.readyContainers = pulumi.output(undefined);
            this.readyReplicas = pulumi
                .all([dep.spec, dep.status])
                .apply(([spec, status]) => `${status?.readyReplicas ?? 0}/${spec?.replicas ?? 0}`);
        } else {
            const pod = declared.pod as k8s.core.v1.Pod;
            objectMeta = pod.metadata;
            this.podIp = pod.status.podIP;
            this.status = pod.status.phase;
            this.readyContainers = pulumi
                .all([pod.spec, pod.status])
                .apply(([spec, status]) => readyContainers(spec, status));
            this.readyReplicas = pulumi.output(undefined);
        }
        const service = declared.service as k8s.core.v1.Service | undefined;
        this.serviceName = service ? service.metadata.name : pulumi.output(undefined);
        this.serviceIp = service ? service.spec.clusterIP : pulumi.output(undefined);
        const workload = shape.workload;

        this.workload = pulumi.output(workload);
        this.podName = objectMeta.name;
        this.namespace = objectMeta.namespace;
        const value = (prop: (typeof OUTPUTS)[number]["prop"]) => this[prop] as pulumi.Output<string>;
        STACK_OUTPUTS.set(
            this,
            Object.fromEntries(OUTPUTS.filter((o) => o.applies(shape)).map((o) => [o.stack, value(o.prop)])),
        );
        this.registerOutputs(Object.fromEntries(OUTPUTS.map((o) => [o.prop, value(o.prop)])));
    }
}
