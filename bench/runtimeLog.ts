// A container's output as the runtime records it (conmon's log file, k8s-file / CRI format, what
// `kubectl logs` / `podman logs` read), read incrementally: each read returns only what was added
// since the last, so a long run never builds the whole file as one string (past ~512 MiB Node
// cannot), and a read that fails fails the measure.
import * as fs from "fs";
import { podman } from "../scripts/lib/podman";

/**
 * Reassembles records "<RFC 3339 ns> <stream> <P|F> <text>": a line written in pieces is recorded
 * as "P" parts and a final "F" part, and is whole only then. Each complete line comes with the
 * runtime's timestamp (ms) of its last part.
 */
export class RuntimeLogLines {
    private rest = "";
    private partial: Record<string, string> = {};

    feed(text: string, emit: (line: string, ms: number) => void): void {
        const records = (this.rest + text).split("\n");
        this.rest = records.pop() ?? "";
        for (const r of records) {
            const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d+)(Z|[+-]\d\d:\d\d) (\S+) ([PF]) ?(.*)$/.exec(r);
            if (!m) continue;
            const ms = Date.parse(`${m[1]}${m[3]}`) + Number(`0.${m[2]}`) * 1000;
            const [stream, kind, part] = [m[4], m[5], m[6]];
            if (kind === "P") {
                this.partial[stream] = (this.partial[stream] ?? "") + part;
                continue;
            }
            emit((this.partial[stream] ?? "") + part, ms);
            delete this.partial[stream];
        }
    }
}

/** Reads a container's runtime log from where the last read ended; `close` when done. */
export class RuntimeLogReader {
    private readonly fd: number;
    private offset = 0;
    private readonly buf = Buffer.alloc(1 << 20);
    private readonly lines = new RuntimeLogLines();

    /** `fromEnd`: skip what is there already (a record cut at that point is not a line, and is dropped). */
    constructor(container: string, fromEnd = false) {
        const file = podman(["inspect", container, "--format", "{{.HostConfig.LogConfig.Path}}"]).stdout.trim();
        this.fd = fs.openSync(file, "r");
        if (fromEnd) this.offset = fs.fstatSync(this.fd).size;
    }

    /** Emits each line completed since the last call, with the runtime's timestamp (ms). */
    read(emit: (line: string, ms: number) => void): void {
        for (;;) {
            const n = fs.readSync(this.fd, this.buf, 0, this.buf.length, this.offset);
            if (n <= 0) return;
            this.offset += n;
            this.lines.feed(this.buf.subarray(0, n).toString(), emit);
        }
    }

    close(): void {
        fs.closeSync(this.fd);
    }
}

/**
 * Watches the sidecar's output every 20 ms and notes when the line of each request (`marker`
 * followed by its number) first lands there, by this process's clock. Reading the file directly
 * leaves out a log reader's own follow interval, which is not the shipper's latency.
 */
export function followShipped(container: string, marker: string) {
    const seen = new Map<number, number>();
    const reader = new RuntimeLogReader(container);
    let failure: unknown;
    const timer = setInterval(() => {
        const now = Date.now();
        try {
            reader.read((line) => {
                const at = line.indexOf(marker);
                if (at < 0) return;
                const i = parseInt(line.slice(at + marker.length), 10);
                if (!seen.has(i)) seen.set(i, now);
            });
        } catch (e) {
            failure = e;
        }
    }, 20);
    return {
        seen,
        /** Stops watching; throws what a read failed with, so the measure fails rather than reads as "not shipped". */
        stop: () => {
            clearInterval(timer);
            reader.close();
            if (failure) throw failure;
        },
    };
}

/** When a container's process started, and the runtime timestamp (ns) of its first log line with `marker` after that. */
export function firstLineAfterStart(
    container: string,
    marker: string,
    sinceMs: number,
): { startedNs: bigint; firstNs?: bigint } {
    const startedNs = BigInt(podman(["inspect", container, "--format", "{{.State.StartedAt.UnixNano}}"]).stdout.trim());
    const out = podman(["logs", "--timestamps", "--since", new Date(sinceMs).toISOString(), container]).stdout;
    for (const line of out.split("\n")) {
        if (!line.includes(marker)) continue;
        const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d+)(Z|[+-]\d\d:\d\d)/.exec(line);
        if (!m) continue;
        const ns = BigInt(Date.parse(`${m[1]}${m[3]}`)) * 1_000_000n + BigInt(m[2].padEnd(9, "0").slice(0, 9));
        if (ns >= startedNs) return { startedNs, firstNs: ns };
    }
    return { startedNs };
}
