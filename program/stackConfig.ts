import * as pulumi from "@pulumi/pulumi";
import {
    LogServiceArgError,
    LogServiceArgs,
    validateArgs,
    validateLogService,
    WebserverPodArgError,
    WebserverPodArgs,
} from "../components";
import { closest } from "../components/grammar";

export type { StackKeyType } from "../components/options";
/** Every option as a stack config key and its type (components/options.ts). */
export { STACK_KEYS } from "../components/options";
import { STACK_KEYS, StackKeyType } from "../components/options";

/**
 * The program's own keys, beside the component's options: `logService` deploys a LogService
 * (VictoriaLogs) next to the webserver and, unless a destination is set, delivers to it -- `true`
 * for its defaults, or a mapping of its args (`retentionPeriod`, `storageSize`, `storageClassName`,
 * `image`, `resources`); its name (`logs`) and namespace (the webserver's) are the program's.
 */
export const PROGRAM_KEYS = { logService: "object" } as const satisfies Record<string, StackKeyType>;

/** The LogService args a stack may set: all but the two the program decides. */
export type LogServiceSettings = Omit<LogServiceArgs, "name" | "namespace">;

/** The program's own settings from the stack config. */
export interface ProgramSettings {
    /** The LogService's args when the stack deploys one (`{}` for `true`), else undefined. */
    logService?: LogServiceSettings;
}

/** Namespaces of other packages whose keys a stack may set (the engine's and the provider's). */
const OTHER_PACKAGES = ["kubernetes", "pulumi"];

/** Thrown when the stack config has mistakes; lists all of them, each naming the key as written. */
export class StackConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(
            problems.length === 1
                ? `stack config: ${problems[0]}`
                : `stack config: ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join("\n")}`,
        );
        this.name = "StackConfigError";
    }
}

function parseValue(key: string, type: StackKeyType, raw: string, problems: string[]): unknown {
    const bad = (what: string) => {
        problems.push(`${key} ${JSON.stringify(raw)}: must be ${what}`);
        return undefined;
    };
    switch (type) {
        case "string":
            return raw;
        case "integer":
            return /^-?\d+$/.test(raw.trim()) ? Number(raw) : bad("an integer");
        case "boolean":
            return raw === "true" ? true : raw === "false" ? false : bad("true or false");
        case "object": {
            let v: unknown;
            try {
                v = JSON.parse(raw);
            } catch {
                return bad("a mapping (YAML object)");
            }
            return v !== null && typeof v === "object" && !Array.isArray(v) ? v : bad("a mapping (YAML object)");
        }
    }
}

/**
 * Reads the stack's config (keys under the project's namespace, e.g. `webserver-sidecar:podName`)
 * into the component's args. A key that is not set stays unset, so the component's default (the
 * seed's value, or the production preset's) applies. Values are checked by the component; here
 * each value's type, and every key under this project's namespace (or a near miss of it, such as
 * `webserver:podName`) that is not an option, with the option it most likely meant.
 *
 * @param all every config key the engine passes (`namespace:key` -> value); the runtime's by default.
 */
export function readStackArgs(
    project: string = pulumi.getProject(),
    all: Record<string, string> = pulumi.runtime.allConfig(),
): { args: WebserverPodArgs; problems: string[] } {
    const known = [...Object.keys(STACK_KEYS), ...Object.keys(PROGRAM_KEYS)];
    const problems: string[] = [];
    for (const fullKey of Object.keys(all).sort()) {
        const colon = fullKey.indexOf(":");
        const [ns, name] = [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
        if (ns === project) {
            if (name in STACK_KEYS || name in PROGRAM_KEYS) continue;
            const guess = closest(name, known);
            problems.push(
                `${fullKey} is not an option of this program${guess ? `; did you mean ${project}:${guess}?` : ""} (known: ${known.join(", ")})`,
            );
        } else if (!OTHER_PACKAGES.includes(ns) && (name in STACK_KEYS || closest(ns, [project]) !== undefined)) {
            // An option under the wrong namespace: the program would never read it.
            const guess = name in STACK_KEYS ? name : closest(name, known);
            problems.push(
                `${fullKey} is under the namespace "${ns}", which nothing reads` +
                    (guess ? `; did you mean ${project}:${guess}?` : ` (this program's keys are under "${project}:")`),
            );
        }
    }
    const args: Record<string, unknown> = {};
    for (const [key, type] of Object.entries(STACK_KEYS)) {
        const raw = all[`${project}:${key}`];
        if (raw === undefined) continue;
        const value = parseValue(`${project}:${key}`, type, raw, problems);
        if (value !== undefined) args[key] = value;
    }
    return { args: args as WebserverPodArgs, problems };
}

/**
 * The component's args from the stack config, checked as a whole: the config's own mistakes
 * (unknown keys, wrong types) and the component's (bad values) are reported together, once.
 */
export function argsFromStackConfig(
    component: string,
    project: string = pulumi.getProject(),
    all: Record<string, string> = pulumi.runtime.allConfig(),
): WebserverPodArgs {
    const { args, problems } = readStackArgs(project, all);
    try {
        validateArgs(component, args as never);
    } catch (e) {
        if (!(e instanceof WebserverPodArgError)) throw e;
        for (const i of e.issues)
            problems.push(
                `${project}:${i.arg.split(/[.[ ]/)[0]}: invalid args.${i.arg} ${JSON.stringify(i.value)}: ${i.rule}`,
            );
    }
    if (problems.length > 0) throw new StackConfigError(problems);
    return args;
}

/**
 * The program's own keys (PROGRAM_KEYS) from the stack config: `logService` as `true`/`false` or a
 * mapping, checked by the LogService's own validation. Every mistake is a StackConfigError.
 *
 * @param logServiceName the name the program gives its LogService (named in the messages).
 */
export function programSettings(
    logServiceName: string,
    project: string = pulumi.getProject(),
    all: Record<string, string> = pulumi.runtime.allConfig(),
): ProgramSettings {
    const key = `${project}:logService`;
    const raw = all[key];
    if (raw === undefined || raw === "false") return {};
    if (raw === "true") return { logService: {} };
    const problems: string[] = [];
    const settings = parseValue(key, "object", raw, problems) as Record<string, unknown> | undefined;
    if (settings === undefined)
        throw new StackConfigError([
            `${key} ${JSON.stringify(raw)}: must be true, false or a mapping of the LogService's args`,
        ]);
    for (const own of ["name", "namespace"].filter((k) => k in settings))
        problems.push(
            `${key}: ${own} is the program's (the LogService is named "${logServiceName}", in the webserver's namespace); remove it`,
        );
    try {
        validateLogService(logServiceName, settings as LogServiceArgs);
    } catch (e) {
        if (!(e instanceof LogServiceArgError)) throw e;
        for (const i of e.issues)
            if (i.arg !== "name" && i.arg !== "namespace")
                problems.push(
                    `${key}: invalid args.${i.arg} ${i.value === undefined ? "(unset)" : JSON.stringify(i.value)}: ${i.rule}`,
                );
    }
    if (problems.length > 0) throw new StackConfigError(problems);
    return { logService: settings as LogServiceSettings };
}
