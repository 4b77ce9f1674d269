// Renders what the Pulumi program itself declares, offline: index.ts runs under the SDK's mock
// monitor with the stack's config, and every Kubernetes resource it registers is recorded.
// One code path with `pulumi up`, so the manifest cannot drift from the component.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { KubeObject, validateAgainstSchema } from "./schema";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export class RenderError extends Error {}

/** The project's name, from Pulumi.yaml (the namespace of its config keys). */
export function projectName(projectDir = PROJECT_DIR): string {
    return parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")).name;
}

/**
 * The stack's config from `Pulumi.<stack>.yaml`, as the engine hands it to the program:
 * `namespace:key` -> string (objects and numbers JSON-encoded).
 */
export function readStackConfig(stack: string, projectDir = PROJECT_DIR): Record<string, string> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new RenderError(`no stack config ${file} (stacks are Pulumi.<stack>.yaml)`);
    const config: Record<string, unknown> = parse(fs.readFileSync(file, "utf8"))?.config ?? {};
    const project = projectName(projectDir);
    const out: Record<string, string> = {};
    for (const [rawKey, value] of Object.entries(config)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        if (value !== null && typeof value === "object" && "secure" in value) {
            throw new RenderError(`${file}: ${key} is a secret; the offline render cannot decrypt it`);
        }
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

export interface RenderOptions {
    /** Stack whose Pulumi.<stack>.yaml is read. @default "dev" */
    stack?: string;
    /** Config set on top of the stack file, e.g. stand-in images: `{ nginxImage: "localhost/..." }`. */
    overrides?: Record<string, string>;
    /** Validate each object against the Kubernetes schema. @default true */
    validate?: boolean;
    projectDir?: string;
}

// Objects a Pod refers to come first, so `podman kube play` and `kubectl apply -f` find them.
const KIND_ORDER = ["ConfigMap", "Pod"];

/** Forgets the project's own modules, so the program registers its resources again on the next require. */
function forgetProjectModules(projectDir: string): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(projectDir + path.sep) && !id.includes(`${path.sep}node_modules${path.sep}`))
            delete require.cache[id];
    }
}

/**
 * Runs the program under mocks and returns the Kubernetes objects it declares. The SDK's runtime
 * state is global: call it from a process of its own (not beside other mocks), one render at a time.
 */
export async function renderStack(options: RenderOptions = {}): Promise<KubeObject[]> {
    const stack = options.stack ?? "dev";
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const project = projectName(projectDir);
    const config = readStackConfig(stack, projectDir);
    for (const [k, v] of Object.entries(options.overrides ?? {})) config[k.includes(":") ? k : `${project}:${k}`] = v;

    const objects: KubeObject[] = [];
    const failures: unknown[] = [];
    const onRejection = (e: unknown) => failures.push(e);
    process.on("unhandledRejection", onRejection);
    try {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    if (args.type.startsWith("kubernetes:") && args.custom) objects.push(args.inputs as KubeObject);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            project,
            stack,
            false,
        );
        pulumi.runtime.setAllConfig(config);
        forgetProjectModules(projectDir);
        try {
            require(path.join(projectDir, "index"));
        } catch (e) {
            failures.push(e);
        }
        await pulumi.runtime.disconnect();
    } finally {
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) {
        const e: any = failures[0];
        throw new RenderError(String(e?.message ?? e));
    }
    objects.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
    if (options.validate ?? true) objects.forEach(validateAgainstSchema);
    return objects;
}

// The engine hands inputs back with keys sorted; print them in the order people write manifests.
const KEY_ORDER = [
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "data",
    "spec",
    "automountServiceAccountToken",
    "shareProcessNamespace",
    "volumes",
    "initContainers",
    "containers",
    "image",
    "imagePullPolicy",
    "restartPolicy",
    "command",
    "args",
    "ports",
    "env",
    "resources",
    "readinessProbe",
    "livenessProbe",
    "securityContext",
    "volumeMounts",
];

function ordered(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(ordered);
    if (value === null || typeof value !== "object") return value;
    const rank = (k: string) => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);
    const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
    return Object.fromEntries(keys.map((k) => [k, ordered((value as Record<string, unknown>)[k])]));
}

/** A multi-document YAML stream, as `kubectl apply -f` and `podman kube play` take it. */
export function toYaml(objects: KubeObject[]): string {
    return objects.map((o) => stringify(ordered(o), { lineWidth: 0 })).join("---\n");
}
