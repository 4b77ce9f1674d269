// Small helpers shared by the command-line scripts.

/** Parses `--name value` / `--name=value` / `--flag` into the given defaults' keys; unknown flags are errors. */
export function parseFlags<T extends Record<string, string | boolean>>(argv: string[], defaults: T): T {
    const out: Record<string, string | boolean> = { ...defaults };
    for (let i = 0; i < argv.length; i++) {
        const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
        if (!m || !(m[1] in defaults))
            throw new UsageError(
                `unknown argument ${argv[i]}; known: ${Object.keys(defaults)
                    .map((k) => `--${k}`)
                    .join(" ")}`,
            );
        if (typeof defaults[m[1]] === "boolean") out[m[1]] = true;
        else {
            const value = m[2] ?? argv[++i];
            if (value === undefined) throw new UsageError(`--${m[1]} needs a value`);
            out[m[1]] = value;
        }
    }
    return out as T;
}

export class UsageError extends Error {}

/** Runs a script's main; an error ends it with one line on stderr and exit code 1, not a stack trace. */
export function runMain(main: () => Promise<void>): void {
    main().then(
        () => process.exit(process.exitCode ?? 0),
        (e: any) => {
            console.error(`error: ${e?.message ?? e}`);
            if (process.env.DEBUG) console.error(e);
            process.exit(1);
        },
    );
}
