// workload, replicas and service.
import { ResolvedWebserverPodArgs, Workload } from "../args";
import { DEFAULTS, LIMITS } from "../defaults";
import { isDns1035Label } from "../grammar";
import { ValidatedArgs } from "../model";
import { Checker } from "./checker";

export function checkWorkload(
    c: Checker,
    raw: ResolvedWebserverPodArgs,
): Pick<ValidatedArgs, "workload" | "replicas" | "service"> {
    const workload =
        raw.workload === undefined
            ? (DEFAULTS.workload as Workload)
            : (c.oneOf("workload", raw.workload, Workload) ?? (DEFAULTS.workload as Workload));
    const deployment = workload === Workload.Deployment;
    let replicas = deployment ? DEFAULTS.replicas : 1;
    if (raw.replicas !== undefined) {
        if (!deployment)
            c.fail("replicas", raw.replicas, 'applies to workload "Deployment" only (a Pod is one replica)');
        else replicas = c.integer("replicas", raw.replicas, 1, LIMITS.replicasMax) ?? replicas;
    }
    const service = raw.service === undefined ? deployment : (c.boolean("service", raw.service) ?? deployment);
    return { workload, replicas, service };
}

/** A Service's name is a DNS-1035 label: with a Service, podName must start with a letter. */
export function checkServiceName(c: Checker, service: boolean, podName: string): void {
    if (service && !isDns1035Label(podName))
        c.fail(
            c.wrote("podName") ? "podName" : "podName (the component's name)",
            podName,
            "names the Service too, so it must start with a letter (a DNS-1035 label)",
        );
}
