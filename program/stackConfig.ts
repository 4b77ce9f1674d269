import * as pulumi from "@pulumi/pulumi";
import { validateArgs, WebserverPodArgError, WebserverPodArgs } from "../components";
import { closest } from "../components/grammar";

export type { StackKeyType } from "../components/options";
/** Every option as a stack config key and its type (components/options.ts). */
export { STACK_KEYS } from "../components/options";
import { STACK_KEYS, StackKeyType } from "../components/options";

/**
 * The program's own keys, beside the component's options: `logService: true` deploys a LogService
 * (VictoriaLogs) next to the webserver and, unless a destination is set, delivers to it.
 */
export const PROGRAM_KEYS = { logService: "boolean" } as const satisfies Record<string, StackKeyType>;

/** The program's own settings from the stack config. */
export interface ProgramSettings {
    logService: boolean;
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

/** The program's own keys (PROGRAM_KEYS) from the stack config; a wrong type is a StackConfigError. */
export function programSettings(
    project: string = pulumi.getProject(),
    all: Record<string, string> = pulumi.runtime.allConfig(),
): ProgramSettings {
    const problems: string[] = [];
    const raw = all[`${project}:logService`];
    const logService =
        raw === undefined ? false : parseValue(`${project}:logService`, PROGRAM_KEYS.logService, raw, problems);
    if (problems.length > 0) throw new StackConfigError(problems);
    return { logService: logService === true };
}
