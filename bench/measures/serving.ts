// Serving cost: the three variants (nginx alone, the seed's cat-loop, stream + retention) as three
// pods side by side, wrk loading each in turn for a short window, many cycles, the order rotated;
// then the shipping latency while wrk saturates nginx.
import { awaitProgress, runAsync } from "../../scripts/lib/exec";
import { containerName, downPod, playPod, podNetnsPid, thePod } from "../../scripts/lib/pod";
import { renderRunnable } from "../../scripts/lib/runnable";
import { asPod, cgroupUsage, log, nginxAlone, STREAM_RETAINED, wrk } from "../pods";
import { RuntimeLogReader } from "../runtimeLog";
import { Settings } from "../settings";
import { median, percentile, Percentiles, percentiles } from "../stats";

export interface ServingVariant {
    label: string;
    /** Requests a second: median and range over the cycles. */
    rps: number;
    rpsMin: number;
    rpsMax: number;
    /** Per cycle, to that cycle's nginx-alone window: median, middle half, range. */
    ratio: number;
    ratioP25: number;
    ratioP75: number;
    ratioMin: number;
    ratioMax: number;
    /** The stream sidecar's CPU during its windows (100 = one core), median; and its peak memory. */
    sidecarCpu?: number;
    sidecarMemMiB?: number;
}

export interface SaturationResult extends Percentiles {
    /** Tagged requests sent beside wrk, over all rounds. */
    n: number;
    /** Of those, lines not shipped when the sidecar's output stopped growing for 10 s. */
    missing: number;
    max: number;
}

export interface ServingResult {
    serving: ServingVariant[];
    saturation: SaturationResult;
}

/**
 * While wrk saturates nginx, a shell loop in the pod's network namespace sends `rate` requests a
 * second, each carrying its send time (ms) in its URL. Afterwards each one's line is found in the
 * runtime's log of the sidecar, read incrementally, with the runtime's own timestamp: the shipping
 * latency at full load, measured by neither this (busy) process's timers nor its polling.
 */
function tagDuringLoad(name: string, tag: string, rate: number, seconds: number) {
    const script =
        `i=0; end=$(( $(date +%s) + ${seconds} )); while [ "$(date +%s)" -lt "$end" ]; do i=$((i+1)); ` +
        `curl -s -o /dev/null -m 5 "http://127.0.0.1/?${tag}=$i&t=$(date +%s%3N)"; sleep ${(1 / rate).toFixed(3)}; done; echo "$i"`;
    // From the log's end now: the serving cycles before wrote hundreds of MB there.
    const reader = new RuntimeLogReader(containerName(name, "sidecar-container"), true);
    const sender = runAsync(
        "nsenter",
        ["-t", String(podNetnsPid(name)), "-n", "sh", "-c", script],
        (seconds + 30) * 1000,
    );
    const marker = new RegExp(`[?]${tag}=(\\d+)&t=(\\d+)`);
    const latency = new Map<number, number>();
    const collect = () =>
        reader.read((line, at) => {
            const m = marker.exec(line);
            if (m && !latency.has(Number(m[1]))) latency.set(Number(m[1]), (at - Number(m[2])) / 1000);
        });
    return {
        async finish(): Promise<number[]> {
            const sent = Number((await sender).trim().split("\n").pop());
            if (!Number.isInteger(sent)) throw new Error(`the tagged sender reported no count (${sent})`);
            try {
                // Until every tagged line is there, or none came for 10 s; a failed read fails the bench.
                await awaitProgress(
                    () => {
                        collect();
                        return { done: latency.size >= sent, progress: latency.size };
                    },
                    { stallMs: 10_000 },
                );
            } finally {
                reader.close();
            }
            // A request not shipped by then counts as the worst latency.
            return Array.from({ length: sent }, (_, k) => latency.get(k + 1) ?? Infinity);
        },
    };
}

export async function measureServing(s: Settings): Promise<ServingResult> {
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
        const serving = variants.map((v, i): ServingVariant => {
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
                ...percentiles(saturated),
                max: Math.max(...saturated),
            },
        };
    } finally {
        for (const v of variants) downPod(v.objects);
    }
}
