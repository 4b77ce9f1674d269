// Delivery to a syslog receiver (a pod of its own, RELP): the latency from a request to its
// arrival (the receiver's own reception time), and the recovery after a receiver outage under
// traffic (the receiver's start to the arrival of the last line nginx logged before it).
import * as fs from "fs";
import * as path from "path";
import { awaitProgress, runAsync } from "../../scripts/lib/exec";
import { awaitShipped, lastRequestBefore, loadPod, loadPrefix } from "../../scripts/lib/load";
import { curlInPodArgs, volumeMountpoint } from "../../scripts/lib/pod";
import { startReceiverPod } from "../../scripts/lib/receiverPod";
import { renderRunnable } from "../../scripts/lib/runnable";
import { log, sleep, withPod } from "../pods";
import { Settings } from "../settings";
import { Percentiles, percentiles } from "../stats";

export interface DeliveryLatency extends Percentiles {
    shipper: string;
    n: number;
    missing: number;
}

export interface OutageRound {
    recoveryS: number;
    backlog: number;
    missing: number;
    duplicated: number;
}

export interface DeliveryResult {
    latency: DeliveryLatency;
    outage: OutageRound[];
}

export async function measureDelivery(s: Settings): Promise<DeliveryResult> {
    const receiver = await startReceiverPod("relp", log);
    try {
        const destination = JSON.stringify({ syslog: { address: receiver.address } });
        const { objects } = await renderRunnable("dev", { destination }, log);
        const latency = await withPod(objects, async (name): Promise<DeliveryLatency> => {
            const tag = "lat-agent";
            const marker = `GET /?${tag}=`;
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
            await awaitProgress(
                () => {
                    for (const m of receiver.messages()) {
                        const at = m.msg.indexOf(marker);
                        if (at < 0) continue;
                        const i = parseInt(m.msg.slice(at + marker.length), 10);
                        if (!arrived.has(i)) arrived.set(i, m.at);
                    }
                    return { done: arrived.size >= n, progress: arrived.size };
                },
                { stallMs: 10_000 },
            );
            const lat: number[] = [];
            for (let i = 1; i <= n; i++) if (arrived.has(i)) lat.push((arrived.get(i)! - sent[i]) / 1000);
            return { shipper: "agent → receiver (RELP)", n, missing: n - lat.length, ...percentiles(lat) };
        });
        log(`delivery latency: ${JSON.stringify(latency)}`);
        const outage: OutageRound[] = [];
        for (let round = 0; round < s.outageRounds; round++) {
            await withPod(objects, async (name) => {
                const rate = 200;
                const n = rate * (s.outageSeconds + 8);
                const loading = loadPod(name, n, { tag: `out${round}`, ratePerSecond: rate });
                await sleep(3000);
                receiver.stop();
                await sleep(s.outageSeconds * 1000);
                const file = path.join(volumeMountpoint("shared-logs"), "access.log");
                const last = lastRequestBefore(file, fs.statSync(file).size, loadPrefix(`out${round}`));
                const t0 = Date.now();
                await receiver.start();
                const load = await loading;
                const { counts } = await awaitShipped(() => receiver.text(), load);
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
