// Request load on nginx from a second process, and counting which requests reached the shipper's
// output. Used by the e2e tests and the benchmark.
import * as fs from "fs";
import { awaitProgress, runAsync } from "./exec";
import { curlInPodArgs } from "./pod";

export interface LoadResult {
    sent: number;
    ok: number;
    seconds: number;
    /** The request path of request i (1-based) is `${prefix}${i}`. */
    prefix: string;
}

/** The request path of a tagged load's requests, before the request number. */
export function loadPrefix(tag: string): string {
    return `/?load=${tag}&i=`;
}

/**
 * Sends `n` GET requests to nginx on the pod's loopback, from a second process (curl, in the
 * pod's network namespace: the traffic never leaves the pod), paced at `ratePerSecond` (curl's
 * --rate waits whole milliseconds, so it paces at most 1000 requests a second; unpaced without it).
 * Bounded: curl stops after `n` requests or `timeoutMs`, a safety limit (10 minutes unless
 * given) far above any load's duration: callers compare `ok` with `sent`, never with a pace.
 */
export async function loadPod(
    podName: string,
    n: number,
    options: { port?: number; ratePerSecond?: number; tag?: string; timeoutMs?: number } = {},
): Promise<LoadResult> {
    const prefix = loadPrefix(options.tag ?? Date.now().toString(36));
    const url = `http://127.0.0.1:${options.port ?? 80}${prefix}[1-${n}]`;
    const rate = options.ratePerSecond ? ["--rate", `${options.ratePerSecond}/s`] : [];
    const start = Date.now();
    // Asynchronous, so the caller can sample the volume while the load runs.
    const out = await runAsync(
        "nsenter",
        curlInPodArgs(podName, url, ["-w", "%{http_code}\\n", ...rate]),
        options.timeoutMs ?? 10 * 60_000,
    );
    const codes = out.split("\n").filter(Boolean);
    return {
        sent: codes.length,
        ok: codes.filter((c) => c === "200").length,
        seconds: (Date.now() - start) / 1000,
        prefix,
    };
}

/** How often each request of a load appears as an access-log line in `text`: index i-1 holds request i's count. */
export function countShipped(text: string, load: LoadResult, n: number): number[] {
    const counts = new Array<number>(n).fill(0);
    // nginx's "main" format quotes the request line; the JSON access log's message starts with it.
    const marker = `GET ${load.prefix}`;
    for (const line of text.split("\n")) {
        const at = line.indexOf(marker);
        if (at < 0) continue;
        const i = parseInt(line.slice(at + marker.length), 10);
        if (i >= 1 && i <= n) counts[i - 1]++;
    }
    return counts;
}

/**
 * Waits until every request a load sent appears in `text()` at least once (its output: a shipper's
 * stdout, a receiver's file, a query's answer), or until none more appeared for `stallMs`; returns
 * the counts over what was sent (index i-1: request i) and the seconds waited. The caller's
 * assertions then say what is missing.
 */
export async function awaitShipped(
    text: () => string | Promise<string>,
    load: LoadResult,
    stallMs = 30_000,
    marker?: () => string,
): Promise<{ counts: number[]; waited: number }> {
    const { last, waited } = await awaitProgress(
        async () => {
            const counts = countShipped(await text(), load, load.sent);
            const found = counts.filter((c) => c > 0).length;
            return { counts, done: found === load.sent, progress: found };
        },
        { stallMs },
    );
    if (!marker || last.counts.includes(0)) return { counts: last.counts, waited };
    // Every request arrived once: one more request, and the counts taken once its line is there
    // too. The line comes after every copy of an earlier one the shipper sends, so duplicates
    // arriving after the last first copy are counted.
    const mark = marker();
    const settled = await awaitProgress(async () => ({ done: (await text()).includes(mark), progress: 0 }), {
        stallMs,
    });
    if (settled.stalled) throw new Error(`the marker request ${mark} never reached the output (${stallMs / 1000} s)`);
    return { counts: countShipped(await text(), load, load.sent), waited };
}

export function summarize(counts: number[]): { missing: number; once: number; duplicated: number; extra: number } {
    return {
        missing: counts.filter((c) => c === 0).length,
        once: counts.filter((c) => c === 1).length,
        duplicated: counts.filter((c) => c > 1).length,
        extra: counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
    };
}

/**
 * The request number of the last access-log line of a load (`prefix`) that ends before byte `end`
 * of `file` (read from the host): the last request logged by a given moment.
 */
export function lastRequestBefore(file: string, end: number, prefix: string): number {
    const length = Math.min(end, 2 ** 20);
    const buf = Buffer.alloc(length);
    const fd = fs.openSync(file, "r");
    try {
        fs.readSync(fd, buf, 0, length, end - length);
    } finally {
        fs.closeSync(fd);
    }
    const marker = `"GET ${prefix}`;
    const lines = buf.toString("latin1").split("\n").slice(0, -1).reverse();
    for (const l of lines) {
        const at = l.indexOf(marker);
        if (at >= 0) return parseInt(l.slice(at + marker.length), 10);
    }
    return 0;
}

/** The number of lines (newlines) in bytes [from, to) of `file`, read from the host. */
export function linesBetween(file: string, from: number, to: number): number {
    const fd = fs.openSync(file, "r");
    try {
        const buf = Buffer.alloc(1 << 20);
        let lines = 0;
        for (let at = Math.max(0, from); at < to;) {
            const n = fs.readSync(fd, buf, 0, Math.min(buf.length, to - at), at);
            if (n <= 0) break;
            for (let k = 0; k < n; k++) if (buf[k] === 10) lines++;
            at += n;
        }
        return lines;
    } finally {
        fs.closeSync(fd);
    }
}
