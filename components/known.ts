import * as pulumi from "@pulumi/pulumi";

/** True when no Output or Promise is nested anywhere in `value`, so it can be checked right now. */
export function isKnown(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return false;
    if (value !== null && typeof value === "object") return Object.values(value).every(isKnown);
    return true;
}
