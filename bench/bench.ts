// npm run bench [-- --quick]   (also: npm run bench --quick)
// Measures, side by side in one run on this machine: render time, pod start, shipping latency,
// output growth and serving cost for the cat-loop and stream shippers and for nginx alone, and
// the log agent's delivery to a syslog receiver (latency, recovery after a receiver outage).
// Prints a table and writes bench/results.md (bench/results-quick.md with --quick) and a chart.
// Load goes only to nginx on the pod's loopback (from inside its network namespace), bounded.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AGENT } from "../components";
import { parseFlags, runMain } from "../scripts/lib/cli";
import { have, isRoot, poll, run } from "../scripts/lib/exec";
import { countShipped, lastRequestBefore, loadPod, loadPrefix } from "../scripts/lib/load";
import {
    containerName,
    curlInPodArgs,
    downPod,
    playPod,
    podNetnsPid,
    thePod,
    withOwnEmptyDirs,
} from "../scripts/lib/pod";
import { containersConf, ensurePodman, podman, podmanVersion } from "../scripts/lib/podman";
import { PROJECT_DIR, renderStack } from "../scripts/lib/render";
import { startReceiverPod } from "../scripts/lib/receiverPod";
import { renderRunnable } from "../scripts/lib/runnable";
import { KubeObject } from "../scripts/lib/schema";
import { writeChart } from "./chart";

interface Settings {
    quick: boolean;
    reps: number;
    catLoopPeriod: number;
    latencyRequests: number;
    growthPeriod: number;
    growthRate: number;
    wrkSeconds: number;
    wrkConnections: number;
    /** Cycles of the serving comparison, each a window of every variant. */
    servingCycles: number;
    servingWindowSeconds: number;
    saturationRounds: number;
    /** Tagged requests per second sent beside wrk, whose lines' shipping latency is measured. */
    saturationTagRate: number;
    recoveryRounds: number;
    /** Rounds and length of the receiver outage of the delivery measure. */
    outageRounds: number;
    outageSeconds: number;
}

const log = (line: string) => console.error(`[bench] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const percentile = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` with a pod of `objects` up, and always removes it afterwards. */
async function withPod<T>(objects: KubeObject[], fn: (name: string) => Promise<T>): Promise<T> {
    await playPod(objects, { log: () => undefined, timeoutMs: 120_000 });
    try {
        return await fn(thePod(objects).metadata.name);
    } finally {
        downPod(objects);
    }
}

async function benchRender(s: Settings) {
    const cli: number[] = [];
    for (let i = 0; i < s.reps; i++) {
        const t = process.hrtime.bigint();
        // What `npm run render` runs (npm's own start, ~0.5 s, left out).
        const r = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "scripts/render.ts"], {
            cwd: PROJECT_DIR,
        });
        if (r.status !== 0) throw new Error(`npm run render failed: ${r.stderr}`);
        cli.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    await renderStack({ stack: "dev" }); // warm: modules loaded once, as in a long-lived process
    const evaluation: number[] = [];
    for (let i = 0; i < s.reps * 2; i++) {
        const t = process.hrtime.bigint();
        await renderStack({ stack: "dev" });
        evaluation.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return { cliMs: median(cli), evalMs: median(evaluation) };
}

async function benchStart(s: Settings, objects: KubeObject[]) {
    const times: number[] = [];
    for (let i = 0; i < Math.max(s.reps, 3); i++) {
        const t = Date.now();
        await playPod(objects, { log: () => undefined });
        times.push((Date.now() - t) / 1000);
        downPod(objects);
    }
    return { medianS: median(times), runs: times.length };
}

/** Runs a command to completion without blocking the event loop (so pollers keep running). */
function runAsync(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
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

/**
 * Reassembles the runtime's log file (k8s-file / CRI format: "<RFC 3339 ns> <stream> <P|F> <text>"):
 * a line written in pieces is recorded as "P" parts and a final "F" part, and is whole only then.
 * Each complete line comes with the runtime's timestamp (ms) of its last part.
 */
class RuntimeLogLines {
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

/**
 * Watches the sidecar's stdout as the container runtime records it (conmon's log file, what
 * `kubectl logs` / `podman logs` read), polling every 20 ms, and notes when the line of each
 * request first lands there. Reading the file directly leaves out a log reader's own follow
 * interval, which is not the shipper's latency.
 */
function followShipped(container: string, marker: string) {
    const file = podman(["inspect", container, "--format", "{{.HostConfig.LogConfig.Path}}"]).stdout.trim();
    const seen = new Map<number, number>();
    const fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(1 << 20);
    let offset = 0;
    const lines = new RuntimeLogLines();
    const timer = setInterval(() => {
        const now = Date.now();
        for (;;) {
            const n = fs.readSync(fd, buf, 0, buf.length, offset);
            if (n <= 0) break;
            offset += n;
            lines.feed(buf.subarray(0, n).toString(), (line) => {
                const at = line.indexOf(marker);
                if (at < 0) return;
                const i = parseInt(line.slice(at + marker.length), 10);
                if (!seen.has(i)) seen.set(i, now);
            });
        }
    }, 20);
    return {
        seen,
        stop: () => {
            clearInterval(timer);
            fs.closeSync(fd);
        },
    };
}

async function benchLatency(s: Settings, shipper: "cat-loop" | "stream") {
    const overrides: Record<string, string> = { shipper };
    if (shipper === "cat-loop") overrides.catLoopPeriodSeconds = String(s.catLoopPeriod);
    const { objects } = await renderRunnable("dev", overrides, log);
    return withPod(objects, async (name) => {
        const tag = `lat-${shipper}`;
        const marker = `"GET /?${tag}=`;
        const follower = followShipped(containerName(name, "sidecar-container"), marker);
        await sleep(500);
        const n = s.latencyRequests;
        // Spread over one period for cat-loop (every phase of its cycle), every 50 ms for stream.
        const gapMs = shipper === "cat-loop" ? (s.catLoopPeriod * 1000) / n : 50;
        const done: number[] = [];
        for (let i = 1; i <= n; i++) {
            const t = Date.now();
            await runAsync("nsenter", curlInPodArgs(name, `http://127.0.0.1/?${tag}=${i}`));
            done[i] = Date.now();
            const wait = gapMs - (Date.now() - t);
            if (wait > 0) await sleep(wait);
        }
        const deadline = shipper === "cat-loop" ? s.catLoopPeriod * 1000 + 10_000 : 10_000;
        try {
            await poll("every request shipped", deadline, () => (follower.seen.size >= n ? true : undefined), 100);
        } catch {
            // reported as missing below
        }
        follower.stop();
        const lat: number[] = [];
        for (let i = 1; i <= n; i++) if (follower.seen.has(i)) lat.push((follower.seen.get(i)! - done[i]) / 1000);
        return {
            shipper,
            period: shipper === "cat-loop" ? s.catLoopPeriod : undefined,
            n,
            missing: n - lat.length,
            p50: percentile(lat, 50),
            p95: percentile(lat, 95),
            p99: percentile(lat, 99),
        };
    });
}

async function benchGrowth(s: Settings, shipper: "cat-loop" | "stream") {
    const overrides: Record<string, string> = { shipper };
    if (shipper === "cat-loop") overrides.catLoopPeriodSeconds = String(s.growthPeriod);
    const { objects } = await renderRunnable("dev", overrides, log);
    return withPod(objects, async (name) => {
        const sidecar = containerName(name, "sidecar-container");
        const nginx = containerName(name, "nginx-container");
        const periods = [1, 5, 10];
        const total = periods[periods.length - 1] * s.growthPeriod;
        const load = loadPod(name, Math.ceil((total + 2) * s.growthRate), {
            ratePerSecond: s.growthRate,
            tag: "growth",
            timeoutMs: (total + 30) * 1000,
        });
        const start = Date.now();
        const ratios: Record<number, number> = {};
        for (const k of periods) {
            await sleep(Math.max(0, start + k * s.growthPeriod * 1000 - Date.now()));
            // The log first, then stdout: a line written in between is counted on stdout only once shipped.
            const logBytes = podman([
                "exec",
                nginx,
                "sh",
                "-c",
                "cat /var/log/nginx/access.log /var/log/nginx/error.log | wc -c",
            ]).stdout.trim();
            const out = spawnSync("podman", ["logs", sidecar], { env: process.env, maxBuffer: 1 << 30 }).stdout.length;
            ratios[k] = out / Number(logBytes);
        }
        await load;
        return { shipper, period: s.growthPeriod, rate: s.growthRate, ratios };
    });
}

/** nginx alone: the same rendered Pod without the sidecar, as the baseline of the serving cost. */
function nginxAlone(objects: KubeObject[]): KubeObject[] {
    return objects.map((o) => {
        if (o.kind !== "Pod") return o;
        const spec = (o as any).spec;
        return {
            ...o,
            spec: { ...spec, containers: spec.containers.filter((c: any) => c.name === "nginx-container") },
        };
    });
}

async function wrk(name: string, s: Settings, seconds = s.wrkSeconds): Promise<number> {
    const args = [
        "-t",
        String(podNetnsPid(name)),
        "-n",
        "wrk",
        "-t1",
        `-c${s.wrkConnections}`,
        `-d${seconds}s`,
        "http://127.0.0.1/",
    ];
    const out = await runAsync("nsenter", args, (seconds + 30) * 1000);
    const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
    if (!m) throw new Error(`wrk printed no Requests/sec: ${out}`);
    return Number(m[1]);
}

/** CPU time (ns) and peak memory (bytes, page cache included) of a container, from its cgroup (v1 or v2). */
function cgroupUsage(container: string): { cpuNs: number; memPeak: number } {
    const cg = podman(["inspect", container, "--format", "{{.State.CgroupPath}}"]).stdout.trim();
    const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, "utf8").trim() : undefined);
    const v1cpu = read(`/sys/fs/cgroup/cpuacct${cg}/cpuacct.usage`);
    if (v1cpu !== undefined) {
        return {
            cpuNs: Number(v1cpu),
            memPeak: Number(read(`/sys/fs/cgroup/memory${cg}/memory.max_usage_in_bytes`) ?? NaN),
        };
    }
    const usec = /usage_usec (\d+)/.exec(read(`/sys/fs/cgroup${cg}/cpu.stat`) ?? "")?.[1];
    return { cpuNs: Number(usec ?? NaN) * 1000, memPeak: Number(read(`/sys/fs/cgroup${cg}/memory.peak`) ?? NaN) };
}

/** The stream shipper as production runs it: with retention (the preset's bounds). */
const STREAM_RETAINED = { shipper: "stream", retention: JSON.stringify({ maxAge: "24h", maxSize: "200Mi" }) };

/**
 * While wrk saturates nginx, a shell loop in the pod's network namespace sends `rate` requests a
 * second, each carrying its send time (ms) in its URL. Afterwards each one's line is found in the
 * runtime's log of the sidecar, with the runtime's own timestamp: the shipping latency at full
 * load, measured by neither this (busy) process's timers nor its polling.
 */
function tagDuringLoad(name: string, tag: string, rate: number, seconds: number) {
    const script =
        `i=0; end=$(( $(date +%s) + ${seconds} )); while [ "$(date +%s)" -lt "$end" ]; do i=$((i+1)); ` +
        `curl -s -o /dev/null -m 5 "http://127.0.0.1/?${tag}=$i&t=$(date +%s%3N)"; sleep ${(1 / rate).toFixed(3)}; done; echo "$i"`;
    const sender = runAsync(
        "nsenter",
        ["-t", String(podNetnsPid(name)), "-n", "sh", "-c", script],
        (seconds + 30) * 1000,
    );
    const logFile = podman([
        "inspect",
        containerName(name, "sidecar-container"),
        "--format",
        "{{.HostConfig.LogConfig.Path}}",
    ]).stdout.trim();
    return {
        async finish(): Promise<number[]> {
            const sent = Number((await sender).trim().split("\n").pop());
            const marker = new RegExp(`[?]${tag}=(\\d+)&t=(\\d+)`);
            const latency = new Map<number, number>();
            await poll(
                "tagged lines shipped",
                10_000,
                () => {
                    new RuntimeLogLines().feed(fs.readFileSync(logFile, "utf8"), (line, at) => {
                        const m = marker.exec(line);
                        if (m && !latency.has(Number(m[1]))) latency.set(Number(m[1]), (at - Number(m[2])) / 1000);
                    });
                    return latency.size >= sent ? true : undefined;
                },
                250,
            ).catch(() => undefined);
            // A request not shipped within the wait counts as the worst latency.
            return Array.from({ length: sent }, (_, k) => latency.get(k + 1) ?? Infinity);
        },
    };
}

/** The render's Pod as a Pod of its own name, with its own emptyDirs, to play beside others. */
function asPod(objects: KubeObject[], name: string): KubeObject[] {
    return objects.map((o) => {
        if (o.kind !== "Pod") return o;
        const pod = o as any;
        return { ...pod, metadata: { ...pod.metadata, name }, spec: withOwnEmptyDirs(pod.spec, name) };
    });
}

/**
 * Serving cost: the three variants run as three pods side by side, idle but for the one under
 * load, and wrk loads each in turn for a short window, many cycles, the order rotated each cycle.
 * Each cycle's ratio compares windows seconds apart, so a neighbour's load on this shared machine,
 * which shifts over minutes, cancels out of the ratio; the spread across cycles says how much.
 */
async function benchServing(s: Settings) {
    const base = (await renderRunnable("dev", STREAM_RETAINED, log)).objects;
    const variants = [
        { label: "nginx alone", objects: asPod(nginxAlone(base), "bench-alone") },
        {
            label: "Pod, cat-loop (30 s)",
            objects: asPod((await renderRunnable("dev", {}, log)).objects, "bench-catloop"),
        },
        { label: "Pod, stream + retention", objects: asPod(base, "bench-stream") },
    ];
    const names = variants.map((v) => thePod(v.objects).metadata.name);
    for (const v of variants) await playPod(v.objects, { log: () => undefined, timeoutMs: 120_000 });
    try {
        for (const n of names) await wrk(n, s, 2); // warm-up
        const rps: number[][] = variants.map(() => []);
        const cpu: number[] = [];
        let mem = 0;
        for (let cycle = 0; cycle < s.servingCycles; cycle++) {
            for (let k = 0; k < variants.length; k++) {
                const i = (k + cycle) % variants.length;
                const stream = i === 2;
                const sidecar = containerName(names[i], "sidecar-container");
                const before = stream ? cgroupUsage(sidecar) : undefined;
                const t = Date.now();
                rps[i].push(await wrk(names[i], s, s.servingWindowSeconds));
                if (before) {
                    const after = cgroupUsage(sidecar);
                    cpu.push(((after.cpuNs - before.cpuNs) / 1e6 / (Date.now() - t)) * 100);
                    mem = Math.max(mem, after.memPeak / 2 ** 20);
                }
            }
            log(
                `serving cycle ${cycle + 1}: ${variants.map((v, i) => `${v.label} ${rps[i][cycle].toFixed(0)}`).join(", ")} req/s`,
            );
        }
        const serving = variants.map((v, i) => {
            const ratios = rps[i].map((r, c) => r / rps[0][c]);
            return {
                label: v.label,
                rps: median(rps[i]),
                rpsMin: Math.min(...rps[i]),
                rpsMax: Math.max(...rps[i]),
                ratio: median(ratios),
                ratioP25: percentile(ratios, 25),
                ratioP75: percentile(ratios, 75),
                ratioMin: Math.min(...ratios),
                ratioMax: Math.max(...ratios),
                sidecarCpu: i === 2 ? median(cpu) : undefined,
                sidecarMemMiB: i === 2 ? mem : undefined,
            };
        });
        // Latency at saturation, in wrk runs of their own: the tagged sender costs CPU (a curl a
        // request) that must not count against the serving ratio above.
        const saturated: number[] = [];
        for (let round = 0; round < s.saturationRounds; round++) {
            const tags = tagDuringLoad(names[2], `sat${round}`, s.saturationTagRate, s.wrkSeconds);
            await wrk(names[2], s);
            saturated.push(...(await tags.finish()));
        }
        const finite = saturated.filter(Number.isFinite);
        return {
            serving,
            saturation: {
                n: saturated.length,
                missing: saturated.length - finite.length,
                p50: percentile(saturated, 50),
                p95: percentile(saturated, 95),
                p99: percentile(saturated, 99),
                max: Math.max(...saturated),
            },
        };
    } finally {
        for (const v of variants) downPod(v.objects);
    }
}

/** When a container's process started, and the runtime timestamp (ns) of its first log line with `marker` after that. */
function firstLineAfterStart(
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

/**
 * The stream shipper with retention, killed under load (recovery time and lines shipped again),
 * and restarted on a 20 GiB freed history (recovery time).
 */
async function benchRecovery(s: Settings) {
    const { objects } = await renderRunnable("dev", STREAM_RETAINED, log);
    const kill: Array<{ restartS: number; firstLineS: number; reshipped: number; perSecond: number }> = [];
    const history: number[] = [];
    for (let round = 0; round < s.recoveryRounds; round++) {
        await withPod(objects, async (name) => {
            const sidecar = containerName(name, "sidecar-container");
            const pid = () => Number(podman(["inspect", sidecar, "--format", "{{.State.Pid}}"]).stdout.trim());
            // curl paces at most 1000 requests a second (whole milliseconds).
            const rate = 500;
            const n = rate * 8;
            const loading = loadPod(name, n, { tag: `rec${round}`, ratePerSecond: rate, timeoutMs: 60_000 });
            await sleep(2500);
            const before = pid();
            const t0 = Date.now();
            run("kill", ["-9", String(before)]);
            await poll("sidecar restarted", 30_000, () => (pid() > 0 && pid() !== before ? true : undefined), 20);
            const restartS = (Date.now() - t0) / 1000;
            const load = await loading;
            await poll(
                "every line shipped",
                30_000,
                () => (countShipped(podman(["logs", sidecar]).stdout, load, n).every((c) => c > 0) ? true : undefined),
                250,
            );
            const counts = countShipped(podman(["logs", sidecar]).stdout, load, n);
            const { startedNs, firstNs } = firstLineAfterStart(sidecar, `"GET ${load.prefix}`, t0 - 1000);
            kill.push({
                restartS,
                firstLineS: firstNs ? Number(firstNs - startedNs) / 1e9 : NaN,
                reshipped: counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
                perSecond: load.ok / load.seconds,
            });
            log(`recovery round ${round + 1}: kill ${JSON.stringify(kill[kill.length - 1])}`);

            // 20 GiB of freed history between what was shipped and what comes next.
            podman(["stop", "--time", "5", sidecar]);
            const volume = podman(["volume", "inspect", "shared-logs", "--format", "{{.Mountpoint}}"]).stdout.trim();
            const file = path.join(volume, "access.log");
            fs.truncateSync(file, fs.statSync(file).size + 20 * 2 ** 30);
            const fresh = await loadPod(name, 50, { tag: `hist${round}` });
            const t1 = Date.now();
            podman(["start", sidecar]);
            await poll(
                "first line after the history",
                30_000,
                () => (countShipped(podman(["logs", sidecar]).stdout, fresh, 50).some((c) => c > 0) ? true : undefined),
                100,
            );
            const h = firstLineAfterStart(sidecar, `"GET ${fresh.prefix}`, t1 - 1000);
            history.push(h.firstNs ? Number(h.firstNs - h.startedNs) / 1e9 : NaN);
            log(
                `recovery round ${round + 1}: 20 GiB history -> first line ${history[history.length - 1].toFixed(2)} s`,
            );
        });
    }
    return { kill, history };
}

/**
 * Delivery to a syslog receiver (a pod of its own, RELP): the latency from a request's completion
 * to its arrival (the receiver's own reception time), and the recovery after a receiver outage
 * under traffic (the receiver's start to the arrival of the last line nginx logged before it).
 */
async function benchDelivery(s: Settings) {
    const receiver = await startReceiverPod("relp", log);
    try {
        const destination = JSON.stringify({ syslog: { address: receiver.address } });
        const { objects } = await renderRunnable("dev", { destination }, log);
        const latency = await withPod(objects, async (name) => {
            const tag = "lat-agent";
            const marker = `"GET /?${tag}=`;
            const n = s.latencyRequests;
            // From before each request is sent: its completion, as the shipper latency counts it,
            // is seen only after curl's process has exited, later than the receiver gets the line.
            const sent: number[] = [];
            for (let i = 1; i <= n; i++) {
                const t = Date.now();
                sent[i] = t;
                await runAsync("nsenter", curlInPodArgs(name, `http://127.0.0.1/?${tag}=${i}`));
                const wait = 50 - (Date.now() - t);
                if (wait > 0) await sleep(wait);
            }
            const arrived = new Map<number, number>();
            const collect = () => {
                for (const m of receiver.messages()) {
                    const at = m.msg.indexOf(marker);
                    if (at < 0) continue;
                    const i = parseInt(m.msg.slice(at + marker.length), 10);
                    if (!arrived.has(i)) arrived.set(i, m.at);
                }
                return arrived.size >= n ? true : undefined;
            };
            await poll("every request at the receiver", 10_000, collect, 100).catch(() => undefined);
            const lat: number[] = [];
            for (let i = 1; i <= n; i++) if (arrived.has(i)) lat.push((arrived.get(i)! - sent[i]) / 1000);
            return {
                shipper: "agent → receiver (RELP)",
                n,
                missing: n - lat.length,
                p50: percentile(lat, 50),
                p95: percentile(lat, 95),
                p99: percentile(lat, 99),
            };
        });
        log(`delivery latency: ${JSON.stringify(latency)}`);
        const outage: Array<{ recoveryS: number; backlog: number; missing: number; duplicated: number }> = [];
        for (let round = 0; round < s.outageRounds; round++) {
            await withPod(objects, async (name) => {
                const rate = 200;
                const n = rate * (s.outageSeconds + 8);
                const loading = loadPod(name, n, { tag: `out${round}`, ratePerSecond: rate, timeoutMs: 180_000 });
                await sleep(3000);
                receiver.stop();
                await sleep(s.outageSeconds * 1000);
                const volume = podman([
                    "volume",
                    "inspect",
                    "shared-logs",
                    "--format",
                    "{{.Mountpoint}}",
                ]).stdout.trim();
                const file = path.join(volume, "access.log");
                const last = lastRequestBefore(file, fs.statSync(file).size, loadPrefix(`out${round}`));
                const t0 = Date.now();
                await receiver.start();
                const load = await loading;
                await poll(
                    "every line at the receiver",
                    60_000,
                    () => (countShipped(receiver.text(), load, n).every((c) => c > 0) ? true : undefined),
                    250,
                ).catch(() => undefined);
                const counts = countShipped(receiver.text(), load, n);
                const arrival = receiver.messages().find((m) => m.msg.includes(`GET ${load.prefix}${last} `))?.at;
                outage.push({
                    recoveryS: arrival === undefined ? NaN : (arrival - t0) / 1000,
                    backlog: rate * s.outageSeconds,
                    missing: counts.filter((c) => c === 0).length,
                    duplicated: counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
                });
                log(`outage round ${round + 1}: ${JSON.stringify(outage[outage.length - 1])}`);
            });
        }
        return { latency, outage };
    } finally {
        receiver.down();
    }
}

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { quick: false });
    const quick = flags.quick || process.env.npm_config_quick === "true";
    const s: Settings = quick
        ? {
              quick,
              reps: 3,
              catLoopPeriod: 10,
              latencyRequests: 200,
              growthPeriod: 2,
              growthRate: 50,
              wrkSeconds: 4,
              wrkConnections: 16,
              servingCycles: 6,
              servingWindowSeconds: 2,
              saturationRounds: 1,
              saturationTagRate: 10,
              recoveryRounds: 2,
              outageRounds: 2,
              outageSeconds: 10,
          }
        : {
              quick,
              reps: 5,
              catLoopPeriod: 30,
              latencyRequests: 300,
              growthPeriod: 3,
              growthRate: 100,
              wrkSeconds: 15,
              wrkConnections: 16,
              servingCycles: 24,
              servingWindowSeconds: 3,
              saturationRounds: 3,
              saturationTagRate: 10,
              recoveryRounds: 5,
              outageRounds: 3,
              outageSeconds: 30,
          };
    const started = Date.now();
    ensurePodman(log);
    if (!have("wrk")) {
        if (!isRoot()) throw new Error("wrk is not installed; install it with: sudo apt-get install -y wrk");
        log("installing wrk (Debian package)");
        run("apt-get", ["install", "-y", "-q", "wrk"], {
            live: true,
            env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        });
    }
    // `podman logs` is spawned directly by the growth measure: give it the private config too.
    process.env.CONTAINERS_CONF = containersConf();
    const machine = {
        cores: os.cpus().length,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        cpu: os.cpus()[0]?.model ?? "unknown",
        kernel: os.release(),
        podman: podmanVersion(),
        node: process.version,
    };
    log(
        `machine: ${machine.cores} cores, ${machine.memGiB} GiB, ${machine.cpu}; podman ${machine.podman}; ${quick ? "quick" : "full"} run`,
    );

    log("render ...");
    const render = await benchRender(s);
    const { objects: seedObjects, images } = await renderRunnable("dev", {}, log);
    log("start ...");
    const start = await benchStart(s, seedObjects);
    log("shipping latency ...");
    const latency = [await benchLatency(s, "cat-loop"), await benchLatency(s, "stream")];
    log("output growth ...");
    const growth = [await benchGrowth(s, "cat-loop"), await benchGrowth(s, "stream")];
    log("serving cost and latency at saturation ...");
    const { serving, saturation } = await benchServing(s);
    log("restart recovery ...");
    const recovery = await benchRecovery(s);
    log("delivery to a syslog receiver ...");
    const delivery = await benchDelivery(s);
    const seconds = (Date.now() - started) / 1000;

    const md = report({
        s,
        machine,
        images,
        render,
        start,
        latency,
        growth,
        serving,
        saturation,
        recovery,
        delivery,
        seconds,
    });
    console.log(md);
    const out = path.join(PROJECT_DIR, "bench", quick ? "results-quick.md" : "results.md");
    fs.writeFileSync(out, md);
    const chart = path.join(PROJECT_DIR, "bench", quick ? "chart-quick.svg" : "chart.svg");
    writeChart(chart, latency, growth);
    log(`wrote ${path.relative(PROJECT_DIR, out)} and ${path.relative(PROJECT_DIR, chart)} in ${seconds.toFixed(0)} s`);
});

function report(r: any): string {
    const f = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(d));
    const { s, machine } = r;
    const lines = [
        `# Benchmark results${s.quick ? " (quick run)" : ""}`,
        "",
        `Measured by \`npm run bench${s.quick ? " -- --quick" : ""}\` in one run (${r.seconds.toFixed(0)} s) on ${machine.cores} cores, ${machine.memGiB} GiB (${machine.cpu}), kernel ${machine.kernel}, podman ${machine.podman}, Node ${machine.node}.`,
        "Times on a shared machine vary from run to run; the ratios are the headline.",
        `Images: ${r.images.map((i: any) => `${i.container} ${i.used}${i.used === i.requested ? "" : ` (stand-in for ${i.requested})`}`).join("; ")}.`,
        "",
        "![latency and output growth](" + (s.quick ? "chart-quick.svg" : "chart.svg") + ")",
        "",
        "## Serving cost and latency at saturation (headline)",
        "",
        `The three variants run as three pods side by side; \`wrk -t1 -c${s.wrkConnections}\` loads one at a time on its pod's loopback for ${s.servingWindowSeconds} s, each in turn, ${s.servingCycles} cycles, the order rotated each cycle. The ratio is taken per cycle against that cycle's nginx-alone window (seconds apart, so a neighbour's load on this shared machine, which shifts over minutes, mostly cancels out); median, with the middle half (p25-p75) and min-max of the cycles. Sidecar CPU: its cgroup's CPU time during its windows over their wall time (100% = one core), median; memory: its cgroup's peak, page cache included. The stream shipper runs with retention (maxAge 24h, maxSize 200Mi), as production does.`,
        "",
        "| variant | requests/s median (min-max) | ratio to nginx alone | p25-p75 | min-max | sidecar CPU % | sidecar memory MiB (peak) |",
        "|---|---|---|---|---|---|---|",
        ...r.serving.map(
            (v: any) =>
                `| ${v.label} | ${f(v.rps, 0)} (${f(v.rpsMin, 0)}-${f(v.rpsMax, 0)}) | **${f(v.ratio)}** | ${f(v.ratioP25)}-${f(v.ratioP75)} | ${f(v.ratioMin)}-${f(v.ratioMax)} | ${f(v.sidecarCpu, 1)} | ${f(v.sidecarMemMiB, 1)} |`,
        ),
        "",
        `Shipping latency while wrk saturates nginx (stream + retention; ${s.saturationRounds} \`wrk -d${s.wrkSeconds}s\` run(s) of their own, so the sender's CPU does not count above): about ${s.saturationTagRate} requests a second sent beside wrk by a shell loop in the pod's network namespace, each carrying its send time; latency = the runtime's timestamp of its line in the sidecar's log (conmon's log file) minus that send time. ${r.saturation.n} requests over all rounds, ${r.saturation.missing} not shipped within 10 s.`,
        "",
        "| p50 s | p95 s | p99 s | max s |",
        "|---|---|---|---|",
        `| ${f(r.saturation.p50)} | ${f(r.saturation.p95)} | **${f(r.saturation.p99)}** | ${f(r.saturation.max)} |`,
        "",
        "## Restart recovery (stream + retention)",
        "",
        `${s.recoveryRounds} round(s). Kill: \`kill -9\` of the sidecar 2.5 s into an 8 s load of 500 requests/s; podman restarts it. History: the sidecar stopped, 20 GiB of freed history (a hole) put between what it shipped and what nginx writes next, then started. Times from the runtime's own timestamps (container start to the first new line in its log).`,
        "",
        "| measure | median | min-max |",
        "|---|---|---|",
        ...[
            ["kill -9: process restarted after (s)", r.recovery.kill.map((k: any) => k.restartS)],
            ["kill -9: first new line after the restart (s)", r.recovery.kill.map((k: any) => k.firstLineS)],
            ["kill -9: lines shipped again", r.recovery.kill.map((k: any) => k.reshipped)],
            [
                "kill -9: lines shipped again, in seconds of traffic",
                r.recovery.kill.map((k: any) => k.reshipped / k.perSecond),
            ],
            ["20 GiB history: first new line after the start (s)", r.recovery.history],
        ].map(
            ([label, xs]: any) => `| ${label} | **${f(median(xs))}** | ${f(Math.min(...xs))}-${f(Math.max(...xs))} |`,
        ),
        "",
        "## Delivery to a syslog receiver (destination, RELP)",
        "",
        `The dev Pod with \`destination\` at a receiver pod (rsyslog in receiver mode, imrelp, from the same image). Latency: ${r.delivery.latency.n} requests one at a time, 50 ms apart, from just before a request is sent (so curl's own start in the pod's network namespace is included, which on this machine is most of it: measured from curl's exit instead, lines arrived before it; an upper bound) to its arrival by the receiver's own clock (its reception time); the dev Pod has no CPU limits; ${r.delivery.latency.missing} not delivered within 10 s. Outage: ${s.outageRounds} round(s) of a ${s.outageSeconds} s receiver stop in a load of 200 requests/s (a backlog of about ${200 * s.outageSeconds} lines); recovery = the receiver's start to the arrival of the last line nginx had logged by then (the agent retries at most ${AGENT.retryMaxSeconds} s apart, so up to that much of it is the retry interval).`,
        "",
        "| measure | median | min-max |",
        "|---|---|---|",
        `| latency, request sent -> receiver, p50 (s; an upper bound) | **${f(r.delivery.latency.p50)}** | p95 ${f(r.delivery.latency.p95)}, p99 ${f(r.delivery.latency.p99)} |`,
        ...[
            [
                "outage: recovery, the backlog delivered after the start (s)",
                r.delivery.outage.map((o: any) => o.recoveryS),
            ],
            ["outage: lines missing", r.delivery.outage.map((o: any) => o.missing)],
            ["outage: lines delivered twice", r.delivery.outage.map((o: any) => o.duplicated)],
        ].map(
            ([label, xs]: any) => `| ${label} | **${f(median(xs))}** | ${f(Math.min(...xs))}-${f(Math.max(...xs))} |`,
        ),
        "",
        "## Shipping latency",
        "",
        `From a request's completion to its line on the sidecar's stdout as the runtime records it (conmon's log file, which \`kubectl logs\` / \`podman logs\` read; polled every 20 ms), ${r.latency[0].n} requests each, one at a time, spread over one period for cat-loop.`,
        "",
        "| shipper | p50 s | p95 s | p99 s | not shipped |",
        "|---|---|---|---|---|",
        ...r.latency.map(
            (l: any) =>
                `| ${l.shipper}${l.period ? ` (period ${l.period} s)` : ""} | ${f(l.p50)} | ${f(l.p95)} | ${f(l.p99)} | ${l.missing} |`,
        ),
        "",
        "## Output growth (duplication factor)",
        "",
        `Bytes on the sidecar's stdout per byte of access.log + error.log, with steady traffic of ${s.growthRate} requests/s; cat-loop's period shortened to ${s.growthPeriod} s so the run stays short (same clock for stream).`,
        "",
        "| shipper | after 1 period | after 5 periods | after 10 periods |",
        "|---|---|---|---|",
        ...r.growth.map((g: any) => `| ${g.shipper} | ${f(g.ratios[1])} | ${f(g.ratios[5])} | ${f(g.ratios[10])} |`),
        "",
        "## Render and start",
        "",
        "| measure | median |",
        "|---|---|",
        `| \`npm run render\` wall time (new process: Node, sucrase, SDK; npm's own start left out) | ${f(r.render.cliMs, 0)} ms (${s.reps} runs) |`,
        `| program evaluation alone (index.ts under the mock engine, warm process) | ${f(r.render.evalMs, 1)} ms (${s.reps * 2} runs) |`,
        `| \`podman kube play\` to 2/2 running, images cached (incl. emptyDir setup) | ${f(r.start.medianS)} s (${r.start.runs} runs) |`,
        "",
    ];
    return lines.join("\n");
}
