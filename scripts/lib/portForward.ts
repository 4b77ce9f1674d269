// `kubectl port-forward` in the background, as README has users run it.
import { spawn } from "child_process";

/** A local address forwarded to a Service's port, and how to stop the forward. */
export interface Forward {
    readonly host: string;
    readonly port: number;
    close(): void;
}

/**
 * `kubectl port-forward TARGET :PORT` (on a free local port): resolves once kubectl says where it
 * listens. Fails with kubectl's own words when it exits first, or after `timeoutMs` without an
 * answer.
 */
export function portForward(
    target: string,
    port: number,
    opts: { namespace?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Forward> {
    const args = ["port-forward", ...(opts.namespace ? ["-n", opts.namespace] : []), target, `:${port}`];
    const child = spawn("kubectl", args, { env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const timeoutMs = opts.timeoutMs ?? 60_000;
    let said = "";
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`kubectl ${args.join(" ")} gave no address within ${timeoutMs / 1000} s: ${said.trim()}`));
        }, timeoutMs);
        const read = (chunk: Buffer) => {
            said += chunk.toString();
            const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(said);
            if (m) {
                clearTimeout(timer);
                resolve({ host: "127.0.0.1", port: Number(m[1]), close: () => child.kill() });
            }
        };
        child.stdout.on("data", read);
        child.stderr.on("data", read);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(new Error(`kubectl ${args.join(" ")}: ${e.message}`));
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`kubectl ${args.join(" ")} exited (${code}): ${said.trim()}`));
        });
    });
}
