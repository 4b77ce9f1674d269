// The pack's policies run offline on rendered Kubernetes objects -- the same validateResource
// functions the Pulumi engine calls -- for `npm run render -- --policy` and the tests. No policy
// server, no Pulumi CLI.
import type { EnforcementLevel, PolicyPackConfig, ResourceValidationArgs } from "@pulumi/policy";
import { POLICIES, STACK_POLICIES } from "./policies";
import { pulumiType } from "./rules";

export interface Finding {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** "<Kind> <name>" of the object. */
    resource: string;
    message: string;
}

/** A policy's enforcement level under a pack config (as `--policy-pack-config` gives it). */
export function enforcementLevel(policy: string, config: PolicyPackConfig = {}): EnforcementLevel {
    const level = (c: unknown): EnforcementLevel | undefined =>
        typeof c === "string"
            ? (c as EnforcementLevel)
            : (c as { enforcementLevel?: EnforcementLevel })?.enforcementLevel;
    return (
        level(config[policy]) ??
        level(config.all) ??
        [...POLICIES, ...STACK_POLICIES].find((p) => p.name === policy)?.enforcementLevel ??
        "advisory"
    );
}

/** Every violation the pack reports on these objects, in policy order; disabled policies skipped. */
export function checkObjects(
    objects: Array<{ apiVersion: string; kind: string; metadata?: { name?: string } }>,
    config: PolicyPackConfig = {},
): Finding[] {
    const findings: Finding[] = [];
    for (const policy of POLICIES) {
        const level = enforcementLevel(policy.name, config);
        if (level === "disabled") continue;
        for (const obj of objects) {
            const resource = `${obj.kind} ${obj.metadata?.name ?? "?"}`;
            const args = {
                type: pulumiType(obj.apiVersion, obj.kind),
                props: obj,
                urn: `urn:pulumi:offline::render::${pulumiType(obj.apiVersion, obj.kind)}::${obj.metadata?.name}`,
                name: obj.metadata?.name ?? "",
                opts: {},
                stackTags: new Map<string, string>(),
                isType: () => false,
                asType: () => undefined,
                getConfig: <T>() => ({}) as T,
                notApplicable: (reason?: string): never => {
                    throw new Error(`not applicable: ${reason}`);
                },
            } as unknown as ResourceValidationArgs;
            const validations = [policy.validateResource ?? []].flat();
            for (const v of validations)
                void v(args, (message: string) =>
                    findings.push({ policy: policy.name, enforcementLevel: level, resource, message }),
                );
        }
    }
    // The stack policies see every object at once, as the engine hands them a stack's resources.
    for (const policy of STACK_POLICIES) {
        const level = enforcementLevel(policy.name, config);
        if (level === "disabled") continue;
        const resources = objects.map((obj) => ({ type: pulumiType(obj.apiVersion, obj.kind), props: obj }));
        void policy.validateStack(
            { resources, getConfig: <T>() => ({}) as T } as unknown as Parameters<typeof policy.validateStack>[0],
            // The message opens with the resource it names ("StatefulSet logs: ..."), as a finding's resource.
            (message: string) =>
                findings.push({
                    policy: policy.name,
                    enforcementLevel: level,
                    resource: message.slice(0, message.indexOf(":")),
                    message: message.slice(message.indexOf(":") + 2),
                }),
        );
    }
    return findings;
}
