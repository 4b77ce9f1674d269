// Renders what the Pulumi program itself declares, offline: index.ts runs under the SDK's mock
// monitor with the stack's config, and every Kubernetes resource it registers is recorded.
// One code path with `pulumi up`, so the manifest cannot drift from the component.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { SECRET_KEYS } from "../../program/stackConfig";
import { KubeObject, validateAgainstSchema } from "./schema";

/** The repository's root: the component package, scripts/, bench/. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The Pulumi program's directory: its Pulumi.yaml, stack files and index.ts. */
export const PROJECT_DIR = path.join(REPO_ROOT, "program");

export class RenderError extends Error {}

/** The project's name, from Pulumi.yaml (the namespace of its config keys). */
export function projectName(projectDir = PROJECT_DIR): string {
    return parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")).name;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);

/** How the engine hands a config value to a program: strings as they are, everything else JSON. */
const engineValue = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** A value of a project config type ("string", "integer", "boolean", "array"), as the CLI checks it. */
function hasProjectType(type: string, value: unknown): boolean {
    // The CLI checks a scalar by the text it stores: `pulumi config set KEY true` writes "true" and
    // `... 5` writes "5", which a boolean or an integer key takes (the SDK's ValidateConfigValue).
    const text = value !== null && typeof value === "object" ? undefined : String(value);
    switch (type) {
        case "string":
            return text !== undefined;
        case "integer":
            return text !== undefined && /^[+-]?\d+$/.test(text);
        case "boolean":
            return text === "true" || text === "false";
        case "array":
            return Array.isArray(value);
        default:
            return false;
    }
}

/** The stack config file a render reads: `configFile`, or `Pulumi.<stack>.yaml` of the project. */
export function stackConfigFile(stack: string, projectDir = PROJECT_DIR, configFile?: string): string {
    return configFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/**
 * The program's secret keys (a closed LogService's passwords): a stack gives them encrypted, which
 * the offline render cannot read, so it stands in a password of its own for each (renderStack).
 */
export const RENDER_SECRET_KEYS: readonly string[] = Object.values(SECRET_KEYS);

/** A password made for one render: 32 characters of base64url, inside the LogService's password rule. */
export const renderPassword = (): string => randomBytes(24).toString("base64url");

/** The values a stack file sets itself, keys qualified with the project's namespace (its secret keys left out). */
export function stackFileValues(file: string, project: string): Record<string, unknown> {
    if (!fs.existsSync(file)) throw new RenderError(`no stack config ${file} (stacks are Pulumi.<stack>.yaml)`);
    const config: unknown = parse(fs.readFileSync(file, "utf8"))?.config ?? {};
    if (!isMapping(config)) throw new RenderError(`${file}: config: must be a mapping of keys to values`);
    const values: Record<string, unknown> = {};
    for (const [rawKey, value] of Object.entries(config)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        if (value === null)
            throw new RenderError(`${file}: ${key} has no value (YAML null); give it one, or remove the key`);
        if (isMapping(value) && "secure" in value) {
            if (RENDER_SECRET_KEYS.some((k) => key === `${project}:${k}`)) continue;
            throw new RenderError(`${file}: ${key} is a secret; the offline render cannot decrypt it`);
        }
        values[key] = value;
    }
    return values;
}

/**
 * The stack's config, as the engine hands it to the program: the stack file (`Pulumi.<stack>.yaml`,
 * or `configFile` as `pulumi --config-file`) over the project-level `config:` of Pulumi.yaml, whose
 * typed keys are checked and defaulted as the Pulumi CLI does. `namespace:key` -> string (objects
 * and numbers JSON-encoded).
 */
export function readStackConfig(stack: string, projectDir = PROJECT_DIR, configFile?: string): Record<string, string> {
    const file = stackConfigFile(stack, projectDir, configFile);
    const project = projectName(projectDir);
    const stackValues = stackFileValues(file, project);
    const out: Record<string, string> = Object.fromEntries(
        Object.entries(stackValues).map(([k, v]) => [k, engineValue(v)]),
    );
    // Project-level config (Pulumi.yaml `config:`): typed declarations are checked against the stack's
    // values and give their default when the stack sets none; plain values are defaults.
    const projectConfig: unknown = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"))?.config ?? {};
    const problems: string[] = [];
    for (const [rawKey, decl] of Object.entries(isMapping(projectConfig) ? projectConfig : {})) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        const typed = isMapping(decl) && typeof decl.type === "string";
        if (key in stackValues) {
            if (typed && !hasProjectType(decl.type as string, stackValues[key]))
                problems.push(
                    `${key} ${JSON.stringify(stackValues[key])} must be of type '${decl.type}' (Pulumi.yaml)`,
                );
            continue;
        }
        const fallback = typed ? decl.default : isMapping(decl) && "value" in decl ? decl.value : decl;
        if (fallback !== undefined && fallback !== null) out[key] = engineValue(fallback);
        else if (key.startsWith(`${project}:`)) problems.push(`${key} is required by Pulumi.yaml and not set`);
    }
    if (problems.length > 0) throw new RenderError(`${file}: ${problems.join("; ")}`);
    return out;
}

export interface RenderOptions {
    /** Stack whose Pulumi.<stack>.yaml is read. @default "dev" */
    stack?: string;
    /** A stack config file to read instead of Pulumi.<stack>.yaml (as `pulumi --config-file`). */
    configFile?: string;
    /** Config set on top of the stack file, e.g. stand-in images: `{ nginxImage: "localhost/..." }`; null removes a key. */
    overrides?: Record<string, string | null>;
    /** Validate each object against the Kubernetes schema. @default true */
    validate?: boolean;
    projectDir?: string;
}

// Objects a Pod refers to come first, so `podman kube play` and `kubectl apply -f` find them.
const KIND_ORDER = [
    "Secret",
    "ConfigMap",
    "Service",
    "Pod",
    "Deployment",
    "StatefulSet",
    "PodDisruptionBudget",
    "NetworkPolicy",
];

/**
 * A resource's inputs with each secret replaced by its value, as the API server gets it: the render
 * is a manifest. Its only secrets are the passwords made for it (RENDER_SECRET_KEYS).
 */
function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (!isMapping(v)) return v;
    // The SDK's own mark on a secret handed to the mocks: `{ [specialSigKey]: specialSecretSig, value }`.
    if (v[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
}

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
    const config = readStackConfig(stack, projectDir, options.configFile);
    for (const [k, v] of Object.entries(options.overrides ?? {})) {
        const key = k.includes(":") ? k : `${project}:${k}`;
        if (v === null) delete config[key];
        else config[key] = v;
    }

    const objects: KubeObject[] = [];
    const failures: unknown[] = [];
    const onRejection = (e: unknown) => failures.push(e);
    process.on("unhandledRejection", onRejection);
    try {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    if (args.type.startsWith("kubernetes:") && args.custom)
                        objects.push(unwrapSecrets(args.inputs) as KubeObject);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            project,
            stack,
            false,
        );
        // The secret keys as the engine hands them: secret, and (unless an override gives one) a
        // password made for this render, never the stack's (encrypted, unreadable here).
        const secretKeys = RENDER_SECRET_KEYS.map((k) => `${project}:${k}`);
        for (const key of secretKeys) config[key] ??= renderPassword();
        pulumi.runtime.setAllConfig(config, secretKeys);
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
    // By kind, then by name: the same stack renders the same text, whatever order the engine
    // registered the objects in (it follows when each one's inputs resolved).
    objects.sort(
        (a, b) =>
            KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.metadata.name.localeCompare(b.metadata.name),
    );
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
    "replicas",
    "selector",
    "strategy",
    "template",
    "type",
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
