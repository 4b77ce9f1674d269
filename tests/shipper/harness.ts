// Runs the stream shipper as it runs in the sidecar -- the same script text, `bash -c`, the same
// arguments -- as a plain process on this machine, against a temp directory that a writer appends
// to the way nginx does (O_APPEND, one write per line). No podman needed.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STREAM_SHIPPER } from "../../components/defaults";
import { RETENTION_LAYOUT } from "../../components/retention";
import { streamCommand } from "../../components/shippers";
export { summarize } from "../../scripts/lib/load";

export interface ShipperOptions {
    /** retention.maxSize in bytes; 0: no retention. */
    maxBytes?: number;
    maxAgeSeconds?: number;
    /** Seconds between age checkpoints (the component passes 60). */
    ageEverySeconds?: number;
    env?: NodeJS.ProcessEnv;
    /** A directory put first on PATH: the userland the script runs with (tests/shipper/userlands.ts). */
    pathPrefix?: string;
    /** What the argv is run through, e.g. a command that joins a CPU limit's cgroup and execs it. */
    launcher?: (argv: string[]) => string[];
    /** What is kept of stdout and of stderr before the run is stopped as a runaway. @default OUTPUT_CAP_BYTES */
    outputCapBytes?: number;
    /** The Pod's terminationGracePeriodSeconds, which the drain deadline comes from. @default Kubernetes' 30 */
    terminationGracePeriodSeconds?: number;
    /** The log volume's sizeLimit in bytes, which the agent's metrics show. @default 0 (none) */
    volumeLimitBytes?: number;
}

/** Pads test lines to about the length of an nginx access-log line (~110 bytes). */
const PADDING = '- - [25/Nov/2026:01:00:00 +0000] "GET /pad HTTP/1.1" 200 615 "-" "curl/7.88.1"';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every 50 ms until it is true, for at most `ms`; returns the seconds it took. A
 * timeout says what was awaited and, with `detail`, what the process had said by then.
 */
export async function until(what: string, ms: number, probe: () => boolean, detail?: () => string): Promise<number> {
    const start = Date.now();
    while (!probe()) {
        if (Date.now() - start > ms)
            throw new Error(
                `timed out after ${ms / 1000}s waiting for ${what}${detail ? `; by then:\n${detail()}` : ""}`,
            );
        await sleep(50);
    }
    return (Date.now() - start) / 1000;
}

/**
 * What the harness keeps of a shipper's stdout and stderr, each: far above what any test writes
 * (the largest ships tens of MiB), far below what would end mocha itself (a runaway shipper, as
 * under a mutation that re-ships in a loop, once grew the string until V8 gave up; its longest
 * string is about 512 MiB).
 */
export const OUTPUT_CAP_BYTES = 256 * 2 ** 20;

export class ShipperRun {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipper-"));
    private stdout = "";
    private stderr = "";
    /** Why the run was stopped: its output went past OUTPUT_CAP_BYTES. */
    private overflow?: string;

    /** Everything every run of the shipper wrote to stdout, in order; throws once the cap was passed. */
    get out(): string {
        if (this.overflow) throw new Error(this.overflow);
        return this.stdout;
    }
    set out(v: string) {
        this.stdout = v;
    }
    get err(): string {
        if (this.overflow) throw new Error(this.overflow);
        return this.stderr;
    }
    private child?: ChildProcess;
    /** Resolves once the current run has ended and its stdout and stderr are read to their end. */
    private closed: Promise<unknown> = Promise.resolve();
    private readonly fds = new Map<string, number>();
    /** Where the shipper writes its termination message (the kubelet's /dev/termination-log). */
    readonly terminationLogFile = path.join(this.dir, "termination-log");

    constructor(private readonly options: ShipperOptions = {}) {}

    /** Sets a variable of the environment every later start gets. */
    setEnv(name: string, value: string): void {
        this.options.env = { ...this.options.env, [name]: value };
    }

    /** argv as the component renders it, with the temp dir in place of /var/log/nginx. */
    argv(): string[] {
        const o = this.options;
        return streamCommand(
            o.maxBytes ? { maxBytes: o.maxBytes, maxAgeSeconds: o.maxAgeSeconds ?? 86_400 } : undefined,
            {
                logDir: this.dir,
                ageCheckpointSeconds: o.ageEverySeconds,
                terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
            },
        );
    }

    /** Starts (again: a container's restart, same volume), with `env` on top of the options' for this run. */
    start(env: NodeJS.ProcessEnv = {}): this {
        const [cmd, ...args] = this.options.launcher ? this.options.launcher(this.argv()) : this.argv();
        // A process group of its own, so a kill reaches its tails too, as a container's end would.
        // The container's termination message, where the test can read it.
        env = { ...process.env, TERMINATION_LOG: this.terminationLogFile, ...this.options.env, ...env };
        if (this.options.pathPrefix) env.PATH = `${this.options.pathPrefix}:${env.PATH}`;
        const child = spawn(cmd, args, {
            env,
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        const keep = (which: "stdout" | "stderr") => (d: Buffer) => {
            if (this.overflow) return;
            const cap = this.options.outputCapBytes ?? OUTPUT_CAP_BYTES;
            if (this[which].length + d.length > cap) {
                this.overflow = `the shipper wrote more than ${cap} bytes to its ${which}: stopped as a runaway (no test writes that much)`;
                this[which] = "";
                process.kill(-child.pid!, "SIGKILL");
                return;
            }
            this[which] += d;
        };
        child.stdout!.on("data", keep("stdout"));
        child.stderr!.on("data", keep("stderr"));
        this.child = child;
        this.closed = new Promise((r) => child.once("close", r));
        return this;
    }

    /** Resolves with the exit code when the shipper ends (null when a signal ended it). */
    exited(): Promise<number | null> {
        const child = this.child!;
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
        return new Promise((resolve) => child.once("close", (code) => resolve(code)));
    }

    /**
     * Sends `signal` to the script alone and resolves with its exit code when the process ends,
     * whether or not its output was read (a paused stdout holds 'close' back, not 'exit').
     */
    signalAndExit(signal: NodeJS.Signals): Promise<number | null> {
        const child = this.child!;
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        child.kill(signal);
        return exited;
    }

    /** Resolves once the run has ended and everything it wrote to stdout and stderr has been read. */
    outputRead(): Promise<unknown> {
        return this.closed;
    }

    /** The termination message the shipper left (the kubelet's /dev/termination-log), or "". */
    terminationMessage(): string {
        return fs.existsSync(this.terminationLogFile) ? fs.readFileSync(this.terminationLogFile, "utf8") : "";
    }

    get pid(): number {
        return this.child!.pid!;
    }

    /** Stops reading the shipper's stdout (the pipe fills, its writes block) or resumes. */
    pauseOutput(paused: boolean): void {
        if (paused) this.child!.stdout!.pause();
        else this.child!.stdout!.resume();
    }

    /**
     * Sends a signal and waits until the process and its output have ended: SIGKILL to the whole
     * process group (as when a container's init dies), other signals to the script alone.
     */
    async stop(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
        const child = this.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const ended = new Promise((r) => child.once("close", r));
        if (signal === "SIGKILL") process.kill(-child.pid!, signal);
        else child.kill(signal);
        await ended;
    }

    private marks = 0;

    /**
     * Writes a marker line to `log` and waits until it is on the shipper's output for that log
     * (stdout for access.log, stderr for error.log). The shipper ships each log in order, so by
     * then every copy of an earlier line it is going to send is out: counts taken after this see
     * duplicates that arrive after the last first copy, which counts taken as soon as every line
     * had arrived once would miss.
     */
    async settled(log: "access.log" | "error.log" = "access.log", ms = 60_000): Promise<void> {
        const mark = `settled-${++this.marks}`;
        this.write(log, [mark]);
        const seen = () => (log === "access.log" ? this.out : this.err).includes(`${mark}\n`);
        await until(`the marker line written after the lines (${mark} in ${log})`, ms, seen);
    }

    /** Appends one line per write, O_APPEND, as nginx does. */
    write(log: "access.log" | "error.log", lines: string[]): void {
        let fd = this.fds.get(log);
        if (fd === undefined) {
            fd = fs.openSync(path.join(this.dir, log), "a");
            this.fds.set(log, fd);
        }
        for (const l of lines) fs.writeSync(fd, `${l}\n`);
    }

    /** Writes `n` lines at about `perSecond`, asynchronously; the lines are `${tag} <i> <padding>`, about as long as an access-log line. */
    async writeAt(log: "access.log" | "error.log", tag: string, n: number, perSecond: number): Promise<void> {
        const batch = Math.max(1, Math.round(perSecond / 50));
        for (let i = 0; i < n; i += batch) {
            this.write(
                log,
                Array.from({ length: Math.min(batch, n - i) }, (_, k) => `${tag} ${i + k} ${PADDING}`),
            );
            await sleep(20);
        }
    }

    /** How often each line `${tag} <i> ...` (i < n) was shipped to stdout (or stderr): index i holds line i's count. */
    counts(tag: string, n: number, stream: "out" | "err" = "out"): number[] {
        const c = new Array<number>(n).fill(0);
        for (const line of this[stream].split("\n")) {
            if (!line.startsWith(`${tag} `)) continue;
            const i = Number(line.split(" ")[1]);
            if (Number.isInteger(i) && i >= 0 && i < n) c[i]++;
        }
        return c;
    }

    /**
     * Bytes the shipper's processes have read (rchar, /proc/PID/io) -- the script, its live
     * children, and the children it has reaped (counted into its own figure): what a start cost in
     * reads, independent of how fast the machine is.
     */
    readBytes(): number {
        return readBytesOf(this.members());
    }

    /**
     * Whether one of the shipper's tails is blocked writing to its output: its wchan names the pipe
     * or, as node's stdio is a socket pair, the socket send buffer it waits on. Stdout is full.
     */
    tailBlockedWriting(): boolean {
        return this.members().some((p) => {
            try {
                return (
                    fs.readFileSync(`/proc/${p}/comm`, "utf8").trim() === "tail" &&
                    /pipe_write|sock_alloc_send|sk_stream_wait|unix_stream/.test(
                        fs.readFileSync(`/proc/${p}/wchan`, "utf8"),
                    )
                );
            } catch {
                return false; // it ended between the listing and the read
            }
        });
    }

    /** The pids of the shipper's process group: the script and its live children. */
    private members(): number[] {
        const group = this.pid;
        const members = fs.readdirSync("/proc").filter((p) => {
            if (!/^\d+$/.test(p)) return false;
            try {
                const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
                // Field 5 (pgrp), after the parenthesised command name.
                return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === group;
            } catch {
                return false; // the process ended between the listing and the read
            }
        });
        return members.map(Number);
    }

    /**
     * How far the shipper's descriptor of `log` has been read (its fdinfo `pos`, which tail's reads
     * move), or -1 when it has none open: a figure to wait on, never a verdict.
     */
    readOffset(log: "access.log" | "error.log"): number {
        const target = path.join(this.dir, log);
        const fdDir = `/proc/${this.pid}/fd`;
        for (const fd of fs.readdirSync(fdDir)) {
            let link = "";
            try {
                link = fs.readlinkSync(path.join(fdDir, fd));
            } catch {
                continue; // closed between the listing and the read
            }
            if (link !== target) continue;
            const pos = /^pos:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${this.pid}/fdinfo/${fd}`, "utf8"));
            if (pos) return Number(pos[1]);
        }
        return -1;
    }

    file(name: string): string {
        return path.join(this.dir, name);
    }

    /** Bytes the directory's files occupy on disk (what a kubelet counts against sizeLimit). */
    allocated(): number {
        let total = 0;
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else {
                    // A file the shipper removed between the listing and the stat (its config check,
                    // a state file it replaced) holds no blocks any more.
                    const st = fs.statSync(p, { throwIfNoEntry: false });
                    if (st) total += st.blocks * 512;
                }
            }
        };
        walk(this.dir);
        return total;
    }

    /** The offset in a state record ("<inode> <offset> ..."), or undefined. */
    stateOffset(log: string, kind: "pos" | "freed"): number | undefined {
        return recordOffset(this.dir, `${log}.${kind}`);
    }

    async dispose(): Promise<void> {
        await this.stop("SIGKILL");
        for (const fd of this.fds.values()) fs.closeSync(fd);
        this.fds.clear();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/**
 * The fields of the shipper's newest complete state record NAME in DIR/.shipper (two slots,
 * "<seq> <fields...> <seq>"), as the script reads it; undefined when there is none.
 */
export function readShipperRecord(dir: string, name: string): string[] | undefined {
    let best: { seq: number; fields: string[] } | undefined;
    for (const slot of [0, 1]) {
        const f = path.join(dir, ".shipper", `${name}.${slot}`);
        if (!fs.existsSync(f)) continue;
        const w = fs.readFileSync(f, "utf8").trim().split(/\s+/);
        if (w.length < 3 || w[0] !== w[w.length - 1] || !/^\d+$/.test(w[0])) continue;
        if (!best || Number(w[0]) > best.seq) best = { seq: Number(w[0]), fields: w.slice(1, -1) };
    }
    return best?.fields;
}

/** The offset (second field, after the inode) of the newest state record NAME in DIR/.shipper, or undefined. */
export function recordOffset(dir: string, name: string): number | undefined {
    const r = readShipperRecord(dir, name);
    return r ? Number(r[1]) : undefined;
}

/** The epoch of a log's newest age checkpoint in DIR: retention writes one per pass when they are a second apart. */
export function newestAge(dir: string, log = "access.log"): number {
    const words = readShipperRecord(dir, `${log}.ages`) ?? [];
    return words.length ? Number(words[words.length - 1].split(":")[0]) : 0;
}

/**
 * Bytes these processes have read (rchar, /proc/PID/io), each figure including the children it
 * has reaped: what a start cost in reads, independent of how fast the machine is. A process that
 * ended meanwhile is skipped (once reaped, its reads are in its parent's figure).
 */
export function readBytesOf(pids: number[]): number {
    let total = 0;
    for (const pid of pids) {
        try {
            const m = /^rchar: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"));
            if (m) total += Number(m[1]);
        } catch {
            // ended since
        }
    }
    return total;
}

/** Writes a state record as the script does (slot 1, sequence 1), to set up a restart. */
export function writeShipperRecord(dir: string, name: string, fields: Array<string | number>): void {
    fs.mkdirSync(path.join(dir, ".shipper"), { recursive: true });
    for (const slot of [0, 1]) fs.rmSync(path.join(dir, ".shipper", `${name}.${slot}`), { force: true });
    fs.writeFileSync(path.join(dir, ".shipper", `${name}.1`), `1 ${fields.join(" ")} 1\n`);
}

/**
 * How far `dir`'s usage is over the bound retention states (docs/shippers.md, "Retention"): `maxBytes`,
 * yielding only to bytes that had not left the pod at retention's last punch (each log's size
 * minus the `<shipped>` of its .freed record), plus a block of rounding per log. Holds at any
 * speed: the bound yields by design, and this says to what. Read in the order that keeps it
 * race-free: the records first (they only grow), then the usage, then the sizes (they only
 * grow). `recorded`: a log has a .freed record (retention has punched at least once).
 */
export function retentionExcess(
    dir: string,
    maxBytes: number,
    allocated: () => number,
): { excess: number; recorded: boolean } {
    const logs = ["access.log", "error.log"];
    const shipped = logs.map((l) => readShipperRecord(dir, `${l}.freed`)?.[2]);
    const used = allocated();
    const sizes = logs.map((l) => (fs.existsSync(path.join(dir, l)) ? fs.statSync(path.join(dir, l)).size : undefined));
    let allowed = maxBytes;
    logs.forEach((_, i) => {
        if (sizes[i] !== undefined)
            allowed += Math.max(0, sizes[i]! - Number(shipped[i] ?? 0)) + RETENTION_LAYOUT.blockBytes;
    });
    return {
        excess: used - allowed,
        recorded: shipped.some((x) => x !== undefined),
    };
}

export const POLL_MS = STREAM_SHIPPER.pollSeconds * 1000;

export function report(line: string): void {
    console.log(`      | ${line}`);
}
