import * as pulumi from "@pulumi/pulumi";
import {
    LogServiceArgError,
    LogServiceArgs,
    validateArgs,
    validateLogService,
    WebserverPodArgError,
    WebserverPodArgs,
} from "../components";
import { bulkUrlOf, serviceHost } from "../components/logService/manifest";
import { accessNames, PASSWORD_GIVEN } from "../components/logService/access";
import { NOT_SHOWN, showValue } from "../components/validate/checker";
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

/**
 * The program's secret keys: a closed LogService's passwords (any `logService` not opened with
 * `access: { open: true }`: closed is the default), set
 * with `pulumi config set --secret`; refused in plain text. The program reads them with
 * config.requireSecret, so they stay secrets into the LogService's Secrets.
 */
export const SECRET_KEYS = {
    ingestPassword: "logsIngestPassword",
    readerPassword: "logsReaderPassword",
} as const;

/**
 * The LogService args a stack may set: all but the two the program decides, and `access` without
 * its passwords (the secret keys give them). Without `access` the LogService is closed, as the
 * component's is by default.
 */
export type LogServiceSettings = Omit<LogServiceArgs, "name" | "namespace" | "access"> & {
    readonly access?: Omit<LogServiceArgs["access"], "ingestPassword" | "readerPassword">;
};

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

/**
 * Whether the engine marks a config key secret (`pulumi config set --secret`, or a secret under
 * `--path`): the SDK's own answer, from the engine's list of secret keys.
 */
export const isConfigSecret = (fullKey: string): boolean =>
    (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(fullKey);

/** What a secret key of each kind would be written into, in plain text, were it used. */
const PLAIN_TEXT_IN: Record<string, string> = {
    destination: "the log agent's ConfigMap (rsyslog.conf) and environment",
    logService: "the LogService's StatefulSet",
};

/**
 * A secret config value would lose its secrecy in the objects the program declares (a ConfigMap,
 * an env value, a spec: readable by whoever reads them, and shown by kubectl): refused, naming the
 * key and never the value, with the way to keep credentials secret.
 */
function secretRefusal(fullKey: string, key: string): string {
    const fix =
        key === "destination"
            ? 'keep credentials out of it: put them in a kubernetes.io/basic-auth Secret (created from a Pulumi secret, docs/delivery.md, "Credentials") named by destination.elasticsearch.auth.basicAuthSecret, and set the key without --secret'
            : "it holds no credential: set it without --secret";
    return `${fullKey} is a secret (value not shown), but it would be written in plain text into ${PLAIN_TEXT_IN[key] ?? "the Pod's spec"}; ${fix}`;
}

function parseValue(key: string, type: StackKeyType, raw: string, problems: string[], secret = false): unknown {
    const bad = (what: string) => {
        problems.push(`${key} ${secret ? showValue(NOT_SHOWN) : JSON.stringify(raw)}: must be ${what}`);
        return undefined;
    };
    switch (type) {
        case "string":
            return raw;
        case "integer":
            return /^-?\d+$/.test(raw.trim()) ? Number(raw) : bad("an integer");
        case "boolean":
            return raw === "true" ? true : raw === "false" ? false : bad("true or false");
        case "array":
        case "object": {
            // The engine hands lists and mappings over as JSON.
            const what = type === "array" ? "a list (YAML sequence)" : "a mapping (YAML object)";
            let v: unknown;
            try {
                v = JSON.parse(raw);
            } catch {
                return bad(what);
            }
            const fits = type === "array" ? Array.isArray(v) : v !== null && typeof v === "object" && !Array.isArray(v);
            return fits ? v : bad(what);
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
    isSecret: (fullKey: string) => boolean = isConfigSecret,
): { args: WebserverPodArgs; problems: string[] } {
    const known = [...Object.keys(STACK_KEYS), ...Object.keys(PROGRAM_KEYS), ...Object.values(SECRET_KEYS)];
    const problems: string[] = [];
    for (const fullKey of Object.keys(all).sort()) {
        const colon = fullKey.indexOf(":");
        const [ns, name] = [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
        if (ns === project) {
            if ((Object.values(SECRET_KEYS) as string[]).includes(name)) {
                if (!isSecret(fullKey))
                    problems.push(
                        `${fullKey} is a password in plain text in the stack's file: set it with pulumi config set --secret ${name} <password>`,
                    );
                continue;
            }
            if (name in STACK_KEYS || name in PROGRAM_KEYS) {
                if (isSecret(fullKey)) problems.push(secretRefusal(fullKey, name));
                continue;
            }
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
        const value = parseValue(`${project}:${key}`, type, raw, problems, isSecret(`${project}:${key}`));
        if (value !== undefined) args[key] = value;
    }
    return { args: args as WebserverPodArgs, problems };
}

/**
 * The program's own keys (PROGRAM_KEYS): `logService` as `true`/`false` or a mapping, checked by the
 * LogService's own validation. Mistakes go to `problems`.
 */
function readLogService(
    logServiceName: string,
    project: string,
    all: Record<string, string>,
    problems: string[],
    secret: boolean,
): LogServiceSettings | undefined {
    const key = `${project}:logService`;
    const raw = all[key];
    if (raw === undefined || raw === "false") return undefined;
    const settings = (raw === "true" ? {} : parseValue(key, "object", raw, [])) as Record<string, unknown> | undefined;
    if (settings === undefined) {
        problems.push(
            `${key} ${secret ? showValue(NOT_SHOWN) : JSON.stringify(raw)}: must be true, false or a mapping of the LogService's args`,
        );
        return undefined;
    }
    for (const own of ["name", "namespace"].filter((k) => k in settings))
        problems.push(
            `${key}: ${own} is the program's (the LogService is named "${logServiceName}", in the webserver's namespace); remove it`,
        );
    // A closed LogService's passwords are the program's secret keys, never in this mapping.
    // Closed by default: without access, the secret keys close it.
    const access = (settings.access ?? {}) as Record<string, unknown>;
    let checked: Record<string, unknown> = settings;
    if (access !== null && typeof access === "object" && !Array.isArray(access)) {
        const given: Record<string, unknown> = {};
        for (const [arg, configKey] of Object.entries(SECRET_KEYS)) {
            if (arg in access)
                problems.push(
                    `${key}: access.${arg} is the program's secret key: remove it here and run pulumi config set --secret ${configKey} <password>`,
                );
            if (all[`${project}:${configKey}`] !== undefined) given[arg] = PASSWORD_GIVEN;
        }
        const rest = Object.fromEntries(Object.entries(access).filter(([k]) => !(k in SECRET_KEYS)));
        checked = { ...settings, access: access.open === true ? rest : { ...rest, ...given } };
    }
    try {
        validateLogService(logServiceName, checked as unknown as LogServiceArgs);
    } catch (e) {
        if (!(e instanceof LogServiceArgError)) throw e;
        for (const i of e.issues)
            if (i.arg !== "name" && i.arg !== "namespace")
                problems.push(
                    i.arg in ACCESS_PASSWORD_ARGS
                        ? `${project}:${ACCESS_PASSWORD_ARGS[i.arg]}: must be set (pulumi config set --secret ${ACCESS_PASSWORD_ARGS[i.arg]} <password>): the LogService is closed (its default), and ${i.arg === "access.ingestPassword" ? "its agents insert" : "developers query"} with it; or open it with logService.access.open: true`
                        : `${key}: invalid args.${i.arg} ${showValue(secret ? NOT_SHOWN : i.value)}: ${i.rule}`,
                );
    }
    return settings as LogServiceSettings;
}

/** A closed LogService's password args, and the secret key that gives each. */
const ACCESS_PASSWORD_ARGS: Record<string, string> = Object.fromEntries(
    Object.entries(SECRET_KEYS).map(([arg, configKey]) => [`access.${arg}`, configKey]),
);

/** True when the stack deploys a LogService and does not open it (`access.open: true`): it then needs the two secret keys. */
export const isClosed = (settings: LogServiceSettings | undefined): boolean =>
    settings !== undefined && settings.access?.open !== true;

/** What the program declares, read from the stack config. */
export interface ProgramConfig {
    /** The WebserverPod's args: the stack's options, and the LogService as destination when it gives one. */
    readonly args: WebserverPodArgs;
    /** The LogService's args when the stack deploys one (`{}` for `true`). */
    readonly logService?: LogServiceSettings;
}

/**
 * The stack config, checked as a whole, as the program declares it: the config's own mistakes
 * (unknown keys, wrong types), the LogService's, and the component's (bad values) are reported
 * together, once. With a LogService and no `destination` the webserver delivers to the LogService's
 * bulk API (its URL follows from its name and namespace alone), and the args are checked with that
 * destination: what needs one (retention without the stream shipper) is valid there.
 *
 * @param logServiceName the name the program gives its LogService (its Service's).
 */
export function programConfig(
    component: string,
    logServiceName: string,
    project: string = pulumi.getProject(),
    all: Record<string, string> = pulumi.runtime.allConfig(),
    isSecret: (fullKey: string) => boolean = isConfigSecret,
): ProgramConfig {
    const { args: stackArgs, problems } = readStackArgs(project, all, isSecret);
    const logService = readLogService(logServiceName, project, all, problems, isSecret(`${project}:logService`));
    const destination =
        stackArgs.destination ??
        (logService && {
            // Stack config holds plain strings: the namespace is one. Closed, the agents insert as the
            // ingest user, from the Secret the LogService creates in its (the webserver's) namespace.
            elasticsearch: {
                url: bulkUrlOf(serviceHost(logServiceName, stackArgs.namespace as string | undefined)),
                ...(isClosed(logService) && {
                    auth: { basicAuthSecret: accessNames(logServiceName).ingest, allowPlainHttp: true },
                }),
            },
        });
    const args: WebserverPodArgs = { ...stackArgs, ...(destination && { destination }) };
    try {
        validateArgs(component, args as never);
    } catch (e) {
        if (!(e instanceof WebserverPodArgError)) throw e;
        for (const i of e.issues) {
            const key = `${project}:${i.arg.split(/[.[ ]/)[0]}`;
            problems.push(`${key}: invalid args.${i.arg} ${showValue(isSecret(key) ? NOT_SHOWN : i.value)}: ${i.rule}`);
        }
    }
    if (problems.length > 0) throw new StackConfigError(problems);
    return { args, ...(logService && { logService }) };
}
