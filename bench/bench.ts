// npm run bench [-- --quick]   (also: npm run bench --quick)
// Measures, side by side in one run on this machine: render time, pod start, shipping latency,
// output growth and serving cost for the cat-loop and stream shippers and for nginx alone.
// Prints a table and writes bench/results.md (bench/results-quick.md with --quick) and a chart.
// Load goes only to nginx on the pod's loopback (from inside its network namespace), bounded.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags, runMain } from "../scripts/lib/cli";
import { have, isRoot, poll, run } from "../scripts/lib/exec";
import { loadPod } from "../scripts/lib/load";
import { containerName, downPod, playPod, podNetnsPid, thePod } from "../scripts/lib/pod";
import { containersConf, ensurePodman, podman, podmanVersion } from "../scripts/lib/podman";
import { PROJECT_DIR, renderStack } from "../scripts/lib/render";
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
    servingRounds: number;
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
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "-T", "scripts/render.ts"], {
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

/**
 * Follows the sidecar's stdout (`podman logs -f`, as `kubectl logs -f` would) and notes when the
 * line of each request first appears.
 */
function followShipped(container: string, marker: string) {
    const seen = new Map<number, number>();
    const child = spawn("podman", ["logs", "-f", container], { stdio: ["ignore", "pipe", "ignore"], env: process.env });
    let buf = "";
    child.stdout.on("data", (d: Buffer) => {
        const now = Date.now();
        buf += d.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        for (const line of lines) {
            const at = line.indexOf(marker);
            if (at < 0) continue;
            const i = parseInt(line.slice(at + marker.length), 10);
            if (!seen.has(i)) seen.set(i, now);
        }
    });
    return { seen, stop: () => child.kill() };
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
        // Spread over two periods for cat-loop (every phase of its cycle), every 50 ms for stream.
        const gapMs = shipper === "cat-loop" ? (2 * s.catLoopPeriod * 1000) / n : 50;
        const pid = String(podNetnsPid(name));
        const done: number[] = [];
        for (let i = 1; i <= n; i++) {
            const t = Date.now();
            run("nsenter", [
                "-t",
                pid,
                "-n",
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-m",
                "5",
                `http://127.0.0.1/?${tag}=${i}`,
            ]);
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
            const out = spawnSync("podman", ["logs", sidecar], { env: process.env, maxBuffer: 1 << 30 }).stdout.length;
            const logBytes = podman([
                "exec",
                nginx,
                "sh",
                "-c",
                "cat /var/log/nginx/access.log /var/log/nginx/error.log | wc -c",
            ]).stdout.trim();
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

function wrk(name: string, s: Settings): number {
    const r = run(
        "nsenter",
        [
            "-t",
            String(podNetnsPid(name)),
            "-n",
            "wrk",
            "-t1",
            `-c${s.wrkConnections}`,
            `-d${s.wrkSeconds}s`,
            "http://127.0.0.1/",
        ],
        {
            timeoutMs: (s.wrkSeconds + 30) * 1000,
        },
    );
    const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
    if (!m) throw new Error(`wrk printed no Requests/sec: ${r.stdout}`);
    return Number(m[1]);
}

function sidecarStats(container: string): { cpu: number; memMiB: number } | undefined {
    const r = podman(["stats", "--no-stream", "--format", "json", container], { allowFail: true });
    if (r.code !== 0) return undefined;
    const [st] = JSON.parse(r.stdout);
    const cpu = parseFloat(String(st.cpu_percent ?? st.CPU ?? "0"));
    const mem = String(st.mem_usage ?? st.MemUsage ?? "0")
        .split("/")[0]
        .trim();
    const m = /([\d.]+)\s*([kMG]?B)/i.exec(mem);
    const factor: Record<string, number> = { B: 1 / 2 ** 20, kB: 1 / 1024, KB: 1 / 1024, MB: 1, GB: 1024 };
    return { cpu, memMiB: m ? Number(m[1]) * (factor[m[2]] ?? 1) : NaN };
}

async function benchServing(s: Settings) {
    const variants: Array<{ label: string; objects: KubeObject[] }> = [];
    const base = (await renderRunnable("dev", { shipper: "stream" }, log)).objects;
    variants.push({ label: "nginx alone", objects: nginxAlone(base) });
    variants.push({ label: "Pod, cat-loop (30 s)", objects: (await renderRunnable("dev", {}, log)).objects });
    variants.push({ label: "Pod, stream", objects: base });
    const rps: Record<string, number[]> = {};
    const stats: Record<string, Array<{ cpu: number; memMiB: number }>> = {};
    for (let round = 0; round < s.servingRounds; round++) {
        for (const v of variants) {
            await withPod(v.objects, async (name) => {
                wrk(name, { ...s, wrkSeconds: 2 }); // warm-up
                const sampled: Array<{ cpu: number; memMiB: number }> = [];
                const sidecar = containerName(name, "sidecar-container");
                const hasSidecar = thePod(v.objects).spec.containers.length > 1;
                let sampling = hasSidecar;
                const sampler = (async () => {
                    while (sampling) {
                        await sleep(1000);
                        const st = sampling ? sidecarStats(sidecar) : undefined;
                        if (st) sampled.push(st);
                    }
                })();
                const r = await new Promise<number>((resolve) => setImmediate(() => resolve(wrk(name, s))));
                sampling = false;
                await sampler;
                (rps[v.label] ??= []).push(r);
                (stats[v.label] ??= []).push(...sampled);
                log(`serving ${v.label}: ${r.toFixed(0)} req/s`);
            });
        }
    }
    const alone = median(rps["nginx alone"]);
    return variants.map((v) => {
        const st = stats[v.label] ?? [];
        return {
            label: v.label,
            rps: median(rps[v.label]),
            ratio: median(rps[v.label]) / alone,
            sidecarCpu: st.length ? Math.max(...st.map((x) => x.cpu)) : undefined,
            sidecarMemMiB: st.length ? Math.max(...st.map((x) => x.memMiB)) : undefined,
        };
    });
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
              wrkSeconds: 5,
              wrkConnections: 16,
              servingRounds: 1,
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
              servingRounds: 3,
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
    // `podman logs -f` and `podman logs` are spawned directly: give them the private config too.
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
    log("serving cost ...");
    const serving = await benchServing(s);
    const seconds = (Date.now() - started) / 1000;

    const md = report({ s, machine, images, render, start, latency, growth, serving, seconds });
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
        "## Serving cost (headline)",
        "",
        `\`wrk -t1 -c${s.wrkConnections} -d${s.wrkSeconds}s\` against nginx on the pod's loopback, median of ${s.servingRounds} round(s), variants interleaved; sidecar CPU and memory: peak of \`podman stats\` samples during the load.`,
        "",
        "| variant | requests/s | ratio to nginx alone | sidecar CPU % (peak) | sidecar memory MiB (peak) |",
        "|---|---|---|---|---|",
        ...r.serving.map(
            (v: any) =>
                `| ${v.label} | ${f(v.rps, 0)} | **${f(v.ratio)}** | ${f(v.sidecarCpu, 1)} | ${f(v.sidecarMemMiB, 1)} |`,
        ),
        "",
        "## Shipping latency",
        "",
        `From a request's completion to its line on the sidecar's stdout, read through \`podman logs -f\` (as \`kubectl logs -f\`), ${r.latency[0].n} requests each.`,
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
        `| \`npm run render\` wall time (new process: Node, ts-node, SDK) | ${f(r.render.cliMs, 0)} ms (${s.reps} runs) |`,
        `| program evaluation alone (index.ts under the mock engine, warm process) | ${f(r.render.evalMs, 1)} ms (${s.reps * 2} runs) |`,
        `| \`podman kube play\` to 2/2 running, images cached (incl. emptyDir setup) | ${f(r.start.medianS)} s (${r.start.runs} runs) |`,
        "",
    ];
    return lines.join("\n");
}
