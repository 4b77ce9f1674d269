// Which objects the component declares, decided once. The args that decide it (security,
// production, workload, replicas, service, and whether there is a destination) must be plain
// values; the component knows the shape before any Output resolves, and the pure builder
// (manifest.ts, buildManifests) keys off the same shape, so the tests run the component's path.
import { SecurityProfile, Workload } from "./args";
import { ValidatedArgs } from "./model";
import { profileSettings } from "./profile";

export interface Shape {
    readonly workload: Workload;
    readonly replicas: number;
    /** A Service selecting the pods. */
    readonly service: boolean;
    /** A PodDisruptionBudget: only for a Deployment of more than one replica (it can be met and protects something). */
    readonly podDisruptionBudget: boolean;
    /** nginx's ConfigMap: the security profile manages nginx's config, or a destination wants its JSON access log. */
    readonly nginxConfig: boolean;
    /** The log agent's ConfigMap: the logs go to a destination. */
    readonly agentConfig: boolean;
}

/** What decides the shape, once validated. */
export type ShapeArgs = Pick<ValidatedArgs, "workload" | "replicas" | "service" | "security"> & {
    /** Whether the args name a destination (its fields may still be Outputs). */
    readonly hasDestination: boolean;
};

export function shapeOf(a: ShapeArgs): Shape {
    return {
        workload: a.workload,
        replicas: a.replicas,
        service: a.service,
        podDisruptionBudget: a.workload === Workload.Deployment && a.replicas > 1,
        nginxConfig: profileSettings(a.security as SecurityProfile).managedNginxConfig || a.hasDestination,
        agentConfig: a.hasDestination,
    };
}

/** The shape of fully validated args. */
export function shapeOfArgs(args: ValidatedArgs): Shape {
    return shapeOf({ ...args, hasDestination: args.destination !== undefined });
}
