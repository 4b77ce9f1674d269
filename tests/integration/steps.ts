// The steps a `pulumi preview --diff` shows, read from its text as a reviewer reads it:
// `    +-kubernetes:core/v1:Pod: (replace)`, `    ~ kubernetes:apps/v1:Deployment: (update)`,
// `    + kubernetes:core/v1:ConfigMap: (create)`, `    - kubernetes:core/v1:ConfigMap: (delete)`.
// Components and the stack itself are left out: they change nothing on the server.

/** One step: the operation and the resource type, e.g. `replace kubernetes:core/v1:Pod`. */
export type Step = `${"create" | "update" | "replace" | "delete"} ${string}`;

const LINE = /^\s*(?:\+-|~|\+|-)\s*(kubernetes:[\w.-]+\/\w+:\w+): \((create|update|replace|delete)\)\s*$/;

/** Every Kubernetes object's step in the preview, in its order. */
export function stepsOf(preview: string): Step[] {
    const steps: Step[] = [];
    for (const line of preview.split("\n")) {
        const m = LINE.exec(line);
        if (m) steps.push(`${m[2] as "create"} ${m[1]}`);
    }
    return steps;
}
