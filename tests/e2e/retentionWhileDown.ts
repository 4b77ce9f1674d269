// The e2e of retention while the destination is down, for any destination: with nothing delivered,
// retention frees nothing undelivered (the volume's bound yields); once the destination is back,
// every line arrives and the volume is within its bound again. tests/e2e/agent-delivery.test.ts
// runs it against a RELP receiver, tests/e2e/victorialogs.test.ts against VictoriaLogs.
import { expect } from "chai";
import { poll, run } from "../../scripts/lib/exec";
import { LoadResult, loadPod, summarize } from "../../scripts/lib/load";
import { deliveredOffset } from "../shipper/agentHarness";
import { readShipperRecord } from "../shipper/harness";
import { report } from "./harness";

const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RetentionWhileDown {
    pod: string;
    port: number;
    /** The shared volume's directory on this machine. */
    volume: string;
    /** retention.maxSize, bytes. */
    bound: number;
    /** Requests to make while the destination is down: enough for more than twice the bound. */
    requests: number;
    tag: string;
    stop: () => void | Promise<void>;
    start: () => void | Promise<void>;
    /** Counts of the load's requests at the destination, once every one arrived or none more came. */
    awaitDelivered: (load: LoadResult) => Promise<{ counts: number[]; waited: number }>;
    /** The most lines a stopped destination may take twice. */
    duplicateBound: number;
}

export async function retentionWhileDown(t: RetentionWhileDown): Promise<void> {
    const allocated = () => Number(run("du", ["-s", "-B1", t.volume]).stdout.split(/\s+/)[0]);
    await t.stop();
    let during: { delivered?: number; freed?: number; volume: number } | undefined;
    let load: LoadResult | undefined;
    try {
        load = await loadPod(t.pod, t.requests, { tag: t.tag, port: t.port });
        // Retention passes with nothing delivered: its record of the position it saw (the .freed
        // record's <shipped>, written at each punch) is read first, then the position.
        await sleep(3000);
        const freed = readShipperRecord(t.volume, "access.log.freed")?.[1];
        during = {
            freed: freed === undefined ? undefined : Number(freed),
            delivered: deliveredOffset(t.volume, "access.log"),
            volume: allocated(),
        };
    } finally {
        await t.start();
    }
    if (!load || !during) throw new Error("the load did not run");
    const { counts, waited } = await t.awaitDelivered(load);
    await poll("retention to catch up", 60_000, () => (allocated() <= t.bound ? true : undefined), 250).catch(
        () => undefined,
    );
    const after = allocated();
    const s = summarize(counts);
    report(
        `destination down, ${t.requests} requests: the agent's position ${during.delivered}, freed up to ${during.freed}, volume ${(during.volume / MiB).toFixed(2)} MiB (bound ${(t.bound / MiB).toFixed(2)} MiB: yielded); back: all delivered in ${waited.toFixed(1)}s, volume ${(after / MiB).toFixed(2)} MiB; ${JSON.stringify(s)}`,
    );
    expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
    expect(during.delivered, "the agent's position").to.not.equal(undefined);
    expect(during.freed, "retention's record (it freed what earlier tests delivered)").to.not.equal(undefined);
    expect(during.freed!).to.be.at.most(during.delivered!);
    expect(during.volume, "the bound yielded to undelivered lines").to.be.above(t.bound);
    expect(after, "within the bound again").to.be.at.most(t.bound);
    expect(s.missing).to.equal(0);
    expect(s.extra).to.be.at.most(t.duplicateBound);
}
