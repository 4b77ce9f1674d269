// LogService's argument errors: one class for validation (manifest.ts) and the passwords (access.ts).
import { showValue } from "../validate/checker";

/** Thrown for bad args, before anything is registered; names each argument and value. */
export class LogServiceArgError extends Error {
    constructor(
        readonly component: string,
        readonly issues: ReadonlyArray<{ arg: string; value: unknown; rule: string }>,
    ) {
        const line = (i: { arg: string; value: unknown; rule: string }) =>
            `invalid args.${i.arg} ${showValue(i.value)}: ${i.rule}`;
        super(
            issues.length === 1
                ? `LogService "${component}": ${line(issues[0])}`
                : `LogService "${component}": ${issues.length} problems in its args:\n${issues.map((i) => `  ${line(i)}`).join("\n")}`,
        );
        this.name = "LogServiceArgError";
    }
}
