// Output growth: bytes on the sidecar's stdout per byte of access.log + error.log, under steady
// traffic, after 1, 5 and 10 periods.
import { spawnSync } from "child_process";
import { loadPod } from "../../scripts/lib/load";
import { containerName } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { renderRunnable } from "../../scripts/lib/runnable";
import { log, sleep, withPod } from "../pods";
import { Settings } from "../settings";

export interface GrowthResult {
    shipper: string;
    period: number;
    rate: number;
    /** Periods elapsed -> stdout bytes per log byte. */
    ratios: Record<number, number>;
}

export async function measureGrowth(s: Settings, shipper: "cat-loop" | "stream"): Promise<GrowthResult> {
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
