// The rules of rules.ts as Pulumi policies (CrossGuard): each validates every resource that carries
// a pod spec -- Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job,
// CronJob -- whatever program declared it. Advisory unless the pack's config says otherwise
// (config/*.json). No policy server starts here: index.ts starts it; tests use these directly.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { podSpecOf, RULES, STACK_RULES } from "./rules";

export const POLICIES: ResourceValidationPolicy[] = RULES.map((rule) => ({
    name: rule.id,
    description: `${rule.title}. Reported by: ${rule.linters.join("; ")}.`,
    enforcementLevel: "advisory",
    severity: rule.severity,
    tags: rule.pssRestricted ? ["kubernetes", "pod-security-standards-restricted"] : ["kubernetes"],
    remediationSteps: `With the ${rule.logService ? "LogService" : "WebserverPod"} component: ${rule.remediation}.`,
    validateResource: (args, reportViolation) => {
        const spec = podSpecOf(args.type, args.props);
        const found = spec
            ? rule.check(spec)
            : args.type === "kubernetes:core/v1:ConfigMap" && rule.checkConfigMap
              ? rule.checkConfigMap(args.props.data ?? {})
              : [];
        for (const v of found) reportViolation(`${v}. Fix: ${rule.remediation}.`);
    },
}));

/** The stack rules: each sees every resource the stack declares (a NetworkPolicy beside a workload). */
export const STACK_POLICIES: StackValidationPolicy[] = STACK_RULES.map((rule) => ({
    name: rule.id,
    description: `${rule.title}. Reported by: ${rule.linters.join("; ")}.`,
    enforcementLevel: "advisory",
    severity: rule.severity,
    tags: ["kubernetes"],
    remediationSteps: `With the LogService component: ${rule.remediation}.`,
    validateStack: (args, reportViolation) => {
        // Each violation names its resource: reported against that resource's URN, as the engine shows a resource policy's.
        const resources = args.resources.map((r) => ({ type: r.type, props: r.props, urn: r.urn }));
        for (const v of rule.check(resources))
            reportViolation(`${v.message}. Fix: ${rule.remediation}.`, resources[v.resource]?.urn);
    },
}));
