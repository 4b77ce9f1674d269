// Runs external commands (podman, apt-get, curl, nsenter) synchronously, with readable failures,
// or asynchronously where the caller keeps polling meanwhile (load generators, the benchmark).
import { spawn, spawnSync, SpawnSyncOptions } from "child_process";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

export class CommandError extends Error {}

export interface RunOptions extends Pick<SpawnSyncOptions, "env" | "input" | "cwd"> {
    /** Return a non-zero exit instead of throwing. @default false */
    allowFail?: boolean;
    /** Kill the command after this long. @default 10 minutes */
    timeoutMs?: number;
    /** Show the command's output live (for long builds) instead of capturing it. @default false */
    live?: boolean;
}

export function run(cmd: string, args: string[], options: RunOptions = {}): RunResult {
    const r = spawnSync(cmd, args, {
        env: options.env,
        input: options.input,
        cwd: options.cwd,
        encoding: "utf8",
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 256 * 1024 * 1024,
        stdio: options.live ? ["ignore", "inherit", "inherit"] : ["pipe", "pipe", "pipe"],
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new CommandError(`${cmd} is not installed (not found on PATH)`);
    }
    const result = { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    if (result.code !== 0 && !options.allowFail) {
        const why = r.signal ? `killed by ${r.signal}` : `exit ${result.code}`;
        const last = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" | ");
        throw new CommandError(`${cmd} ${args.join(" ")} failed (${why})${last ? `: ${last}` : ""}`);
    }
    return result;
}

/** True when `cmd` is on PATH. */
export function have(cmd: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

export function isRoot(): boolean {
    return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Polls `probe` (awaited when it is async) until it returns a value, every `intervalMs`, for at most `timeoutMs`. */
export async function poll<T>(
    what: string,
    timeoutMs: number,
    probe: () => T | undefined | Promise<T | undefined>,
    intervalMs = 250,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await probe();
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/**
 * Polls `probe` until it reports `done`, or until its `progress` figure (anything that grows while
 * work is still arriving: lines counted, bytes shipped) has not grown for `stallMs`; `capMs` is a
 * safety limit only. Waiting on progress rather than a fixed time keeps a slow (busy) machine
 * from failing a check and a broken one from passing it: the caller asserts on what it got.
 */
export async function awaitProgress<T extends { done: boolean; progress: number }>(
    probe: () => T | Promise<T>,
    options: { stallMs?: number; capMs?: number; intervalMs?: number } = {},
): Promise<{ last: T; waited: number; stalled: boolean }> {
    const { stallMs = 30_000, capMs = 10 * 60_000, intervalMs = 250 } = options;
    const start = Date.now();
    let best = -Infinity;
    let grewAt = start;
    for (;;) {
        const last = await probe();
        const now = Date.now();
        if (last.done) return { last, waited: (now - start) / 1000, stalled: false };
        if (last.progress > best) {
            best = last.progress;
            grewAt = now;
        }
        if (now - grewAt > stallMs || now - start > capMs) return { last, waited: (now - start) / 1000, stalled: true };
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/**
 * Runs a command to completion without blocking the event loop (so pollers keep running);
 * resolves with its stdout. Killed after `timeoutMs`, a safety limit; a command that cannot start
 * rejects.
 */
export function runAsync(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"], env: process.env });
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.on("error", reject);
        child.on("close", () => {
            clearTimeout(timer);
            resolve(out);
        });
    });
}
