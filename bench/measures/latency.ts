// Shipping latency: from a request's completion to its line on the sidecar's stdout as the runtime
// records it, one request at a time (spread over a period for the cat-loop).
import { awaitProgress, runAsync } from "../../scripts/lib/exec";
import { containerName, curlInPodArgs } from "../../scripts/lib/pod";
import { renderRunnable } from "../../scripts/lib/runnable";
import { log, sleep, withPod } from "../pods";
import { followShipped } from "../runtimeLog";
import { Settings } from "../settings";
import { Percentiles, percentiles } from "../stats";

export interface LatencyResult extends Percentiles {
    shipper: string;
    /** The cat-loop's period, s. */
    period?: number;
    n: number;
    missing: number;
}

export async function measureLatency(s: Settings, shipper: "cat-loop" | "stream"): Promise<LatencyResult> {
    const overrides: Record<string, string> = { shipper };
    if (shipper === "cat-loop") overrides.catLoopPeriodSeconds = String(s.catLoopPeriod);
    const { objects } = await renderRunnable("dev", overrides, log);
    return withPod(objects, async (name) => {
        const tag = `lat-${shipper}`;
        const follower = followShipped(containerName(name, "sidecar-container"), `"GET /?${tag}=`);
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
        // Until every line is there, or none came for a period (and 10 s more).
        const stallMs = (shipper === "cat-loop" ? s.catLoopPeriod * 1000 : 0) + 10_000;
        await awaitProgress(() => ({ done: follower.seen.size >= n, progress: follower.seen.size }), { stallMs });
        follower.stop();
        const lat: number[] = [];
        for (let i = 1; i <= n; i++) if (follower.seen.has(i)) lat.push((follower.seen.get(i)! - done[i]) / 1000);
        return {
            shipper,
            period: shipper === "cat-loop" ? s.catLoopPeriod : undefined,
            n,
            missing: n - lat.length,
            ...percentiles(lat),
        };
    });
}
