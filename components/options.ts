// Every option of WebserverPodArgs, once: how a stack config writes it, and whether it must be a
// plain value because it decides which objects exist (shape.ts). The lists the rest of the code
// needs -- the keys checked for unknown ones, the stack config's types, the shape's args -- are
// derived from this table; defaults and preset values live in defaults.ts. Adding an option: an
// entry here, its default in defaults.ts, its check in validate/, its use in the manifest.
import { WebserverPodArgs } from "./args";

/** How a stack config value is written: a string, a number, true/false, an object (YAML mapping) or a list. */
export type StackKeyType = "string" | "integer" | "boolean" | "object" | "array";

interface OptionInfo {
    /** Its type in stack config (program/stackConfig.ts reads it so). */
    readonly stack: StackKeyType;
    /** It decides which objects exist: a plain value, never an Output. */
    readonly shape?: true;
    /** A resource option of a child (which the engine takes as a plain value): never an Output. */
    readonly plain?: true;
}

/** Typed over the args' keys: an option added to WebserverPodArgs and not here does not compile. */
export const OPTIONS = {
    namespace: { stack: "string" },
    podName: { stack: "string" },
    nginxImage: { stack: "string" },
    sidecarImage: { stack: "string" },
    labels: { stack: "object" },
    annotations: { stack: "object" },
    imagePullPolicy: { stack: "string" },
    resources: { stack: "object" },
    probes: { stack: "object" },
    logVolume: { stack: "object" },
    shipper: { stack: "string" },
    catLoopPeriodSeconds: { stack: "integer" },
    retention: { stack: "object" },
    destination: { stack: "object" },
    nativeSidecar: { stack: "boolean" },
    nodeSelector: { stack: "object" },
    priorityClassName: { stack: "string" },
    serviceAccountName: { stack: "string" },
    imagePullSecrets: { stack: "array" },
    tolerations: { stack: "array" },
    terminationGracePeriodSeconds: { stack: "integer" },
    affinity: { stack: "object" },
    customTimeouts: { stack: "object", plain: true },
    skipAwait: { stack: "boolean" },
    workload: { stack: "string", shape: true },
    replicas: { stack: "integer", shape: true },
    service: { stack: "boolean", shape: true },
    security: { stack: "string", shape: true },
    production: { stack: "boolean", shape: true },
} as const satisfies { readonly [K in keyof Required<WebserverPodArgs>]: OptionInfo };

export type OptionKey = keyof typeof OPTIONS;

/** Every option's key, for the checks of unknown keys (component args and stack config alike). */
export const WEBSERVER_POD_ARG_KEYS = Object.keys(OPTIONS) as readonly OptionKey[];

/**
 * The args that decide which objects exist: plain values, known when the component is built also
 * when other args are Outputs. (destination decides too, by its presence only: its fields may be Outputs.)
 */
export const SHAPE_ARGS = WEBSERVER_POD_ARG_KEYS.filter(
    (k) => (OPTIONS[k] as OptionInfo).shape === true,
) as ReadonlyArray<"workload" | "replicas" | "service" | "security" | "production">;

/** The args that must be plain values when the component is built: the shape's, and resource options. */
export const PLAIN_ARGS = WEBSERVER_POD_ARG_KEYS.filter(
    (k) => (OPTIONS[k] as OptionInfo).shape === true || (OPTIONS[k] as OptionInfo).plain === true,
) as ReadonlyArray<OptionKey>;

/** Every option as a stack config key and its type. */
export const STACK_KEYS = Object.fromEntries(WEBSERVER_POD_ARG_KEYS.map((k) => [k, OPTIONS[k].stack])) as {
    readonly [K in OptionKey]: StackKeyType;
};
