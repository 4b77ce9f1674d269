// Work that must run in a process other than mocha's, gathered from every test file while mocha
// loads them and run once, in two child processes side by side:
//  - command lines of `npm run render` / `npm run local` (cliBatchRunner.ts), each as its bin runs
//    it, for one Node + SDK start instead of one per command line;
//  - WebserverPod constructions whose args arrive as Outputs (lateArgsRunner.ts): a check that
//    fails when they resolve leaves the engine waiting, as it ends a real `pulumi up`.
// A test file declares its cases at load time and reads the results inside its tests.
import { spawn } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

export interface CliCase {
    script: "render" | "local";
    argv: string[];
    /** Environment set for this command line only. */
    env?: Record<string, string>;
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface LateCase {
    /** The component's name; unique across all test files. */
    name: string;
    args: Record<string, unknown>;
    /** Dotted paths in args whose values arrive as Outputs ("" = the whole args object). */
    outputs: string[];
}

export interface LateResult {
    /** Thrown by the constructor (plain args are checked at once). */
    thrown?: string;
    /** The rejection of the check of the Outputs, when they resolved. */
    rejected?: string;
    /** Types of what reached the (mock) engine for this case. */
    registered: string[];
}

const cliCases: CliCase[] = [];
const lateCases: LateCase[] = [];
let cliResults: CliResult[] | undefined;
let lateResults: Record<string, LateResult> | undefined;

/** Declares a command line; the returned function gives its result inside a test. */
export function cliCase(c: CliCase): () => CliResult {
    const i = cliCases.push(c) - 1;
    return () => {
        if (!cliResults) throw new Error("CLI cases have not run (declare them at load time)");
        return cliResults[i];
    };
}

/** Declares a construction with Output args; the returned function gives its result inside a test. */
export function lateCase(c: LateCase): () => LateResult {
    if (lateCases.some((x) => x.name === c.name)) throw new Error(`late case ${c.name} declared twice`);
    lateCases.push(c);
    return () => {
        if (!lateResults) throw new Error("late-args cases have not run (declare them at load time)");
        return lateResults[c.name];
    };
}

/** Runs a runner script in a child process; its last stdout line is the JSON result. */
function runChild(runner: string, input: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            ["-r", "sucrase/register/ts", path.join(__dirname, runner), JSON.stringify(input)],
            { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("error", reject);
        child.on("close", (code) => {
            // Exit code 1 with the runtime's notice of pending promises is expected after failed
            // checks (the runs they model fail); no JSON is not.
            const last = out.trim().split("\n").pop() ?? "";
            if (/^[[{]/.test(last)) resolve(JSON.parse(last));
            else reject(new Error(`${runner} failed (exit ${code}): ${err.slice(-2000)}`));
        });
    });
}

before(async function () {
    this.timeout(180_000);
    [cliResults, lateResults] = await Promise.all([
        cliCases.length > 0 ? runChild("cliBatchRunner.ts", cliCases) : Promise.resolve([]),
        lateCases.length > 0 ? runChild("lateArgsRunner.ts", lateCases) : Promise.resolve({}),
    ]);
});
