// Small helpers shared by the command-line scripts.
import { parseArgs } from "util";

export class UsageError extends Error {}

/**
 * Parses `--name value` / `--name=value` / `--flag` into the given defaults' keys with Node's own
 * `util.parseArgs` (strict: an unknown flag or a missing value is a {@link UsageError}).
 * Positional arguments are returned beside the flags.
 */
export function parseFlags<T extends Record<string, string | boolean>>(
    argv: string[],
    defaults: T,
): T & { positionals: string[] } {
    const options = Object.fromEntries(
        Object.entries(defaults).map(([k, v]) => [k, { type: typeof v === "boolean" ? "boolean" : "string" }]),
    ) as Record<string, { type: "string" | "boolean" }>;
    try {
        const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
        return { ...defaults, ...values, positionals } as T & { positionals: string[] };
    } catch (e: any) {
        const known = Object.keys(defaults)
            .map((k) => `--${k}`)
            .join(" ");
        const unknown = /Unknown option '([^']+)'/.exec(e?.message ?? "");
        if (unknown) throw new UsageError(`unknown argument ${unknown[1]}; known: ${known}`);
        throw new UsageError(`${e?.message ?? e}; known: ${known}`);
    }
}

/** How a script reports an error: one line (or one block, for a list of problems), not a stack trace. */
export function errorText(e: any): string {
    return `error: ${e?.message ?? e}`;
}

/** Runs a script's main; an error ends it with {@link errorText} on stderr and exit code 1. */
export function runMain(main: () => Promise<void>): void {
    main().then(
        () => process.exit(process.exitCode ?? 0),
        (e: any) => {
            console.error(errorText(e));
            if (process.env.DEBUG) console.error(e);
            process.exit(1);
        },
    );
}
