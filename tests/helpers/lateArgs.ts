// Runs WebserverPod constructions whose args arrive as Outputs in a child process (see
// lateArgsRunner.ts for why), all cases in one process, and returns what each produced.
import { spawnSync } from "child_process";
import * as path from "path";

export interface LateCase {
    name: string;
    args: Record<string, unknown>;
    /** Dotted paths in args whose values arrive as Outputs ("" = the whole args object). */
    outputs: string[];
}

export interface LateResult {
    /** Thrown by the constructor (plain args checked at once). */
    thrown?: string;
    /** The rejection of the Outputs' check, when they resolved. */
    rejected?: string;
    /** Types of what reached the (mock) engine for this case. */
    registered: string[];
}

export function runLateCases(cases: LateCase[]): Record<string, LateResult> {
    const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, "lateArgsRunner.ts"), JSON.stringify(cases)],
        { encoding: "utf8", cwd: path.resolve(__dirname, "..", ".."), timeout: 60_000 },
    );
    // Exit code 1 with the runtime's leak notice is expected (the runs it models fail); no JSON is not.
    const last = (r.stdout ?? "").trim().split("\n").pop() ?? "";
    if (!last.startsWith("{")) throw new Error(`late-args runner failed (${r.status}): ${r.stderr}`);
    return JSON.parse(last);
}
