// The log agent's faults on podman, for any destination: the destination down for 30 s under
// traffic, a kill -9 of the agent under traffic, and retention while the destination is down.
// tests/e2e/agent-delivery.test.ts runs them against a RELP receiver, tests/e2e/victorialogs.test.ts
// against VictoriaLogs over the bulk API.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { poll, run } from "../../scripts/lib/exec";
import { linesBetween, LoadResult, loadPod, summarize } from "../../scripts/lib/load";
import { deliveredCopy, deliveredOffset, settledOffset } from "../shipper/agentHarness";
import { readShipperRecord } from "../shipper/harness";
import { killAndAwaitRestart, report, RunningPod } from "./harness";

const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pod under test and its destination. */
export interface DestinationUnderTest {
    pod: RunningPod;
    port: number;
    /** The shared volume's directory on this machine. */
    volume: string;
    stop: () => void | Promise<void>;
    start: () => void | Promise<void>;
    /** Counts of the load's requests at the destination, once every one arrived or none more came. */
    awaitDelivered: (load: LoadResult) => Promise<{ counts: number[]; waited: number }>;
    /** The most lines a stopped destination may take twice (RELP's window, a bulk batch), and why. */
    duplicateBound: number;
    duplicateWhy: string;
}

/** The destination stopped for 30 s under traffic: the agent's position stays, nothing is missing once it is back. */
export async function outageUnderLoad(
    t: DestinationUnderTest,
    tag: string,
    extra: {
        beforeStart?: (sizeAtStart: number) => void;
        afterDelivered?: (load: LoadResult, startedAt: number) => string;
    } = {},
): Promise<void> {
    const rate = 200;
    const n = 9000; // 45 s at 200 req/s: traffic before, during and after the outage
    const log = path.join(t.volume, "access.log");
    const loading = loadPod(t.pod.name, n, { tag, port: t.port, ratePerSecond: rate });
    const before = deliveredOffset(t.volume, "access.log") ?? 0;
    await poll("the agent to deliver the load's first lines", 60_000, () =>
        (deliveredOffset(t.volume, "access.log") ?? 0) > before ? true : undefined,
    );
    await t.stop();
    const stoppedAt = Date.now();
    // The batch in flight when the destination went may still be recorded; then nothing more
    // (README: while the destination is down the position does not move).
    const atStop = await settledOffset(t.volume, "access.log", 3000);
    const sizeAtStop = fs.statSync(log).size;
    await sleep(Math.max(0, stoppedAt + 30_000 - Date.now()));
    const atStart = deliveredOffset(t.volume, "access.log");
    const sizeAtStart = fs.statSync(log).size;
    extra.beforeStart?.(sizeAtStart);
    await t.start();
    const startedAt = Date.now();
    const load = await loading;
    const { counts, waited } = await t.awaitDelivered(load);
    const s = summarize(counts);
    report(
        `destination down ${((startedAt - stoppedAt) / 1000).toFixed(1)}s, ${load.sent} requests at up to ${rate}/s: the agent's position ${atStop} -> ${atStart} while the log grew ${sizeAtStop} -> ${sizeAtStart} bytes; all delivered ${waited.toFixed(1)}s after the load ended${extra.afterDelivered ? `; ${extra.afterDelivered(load, startedAt)}` : ""}; ${JSON.stringify(s)}; duplicates bound ${t.duplicateBound} (${t.duplicateWhy})`,
    );
    expect(atStop, "the agent recorded a position").to.not.equal(undefined);
    expect(sizeAtStart, "lines were logged while the destination was down").to.be.above(sizeAtStop);
    expect(atStart, "the agent's position did not move while the destination was down").to.equal(atStop);
    expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
    expect(s.missing).to.equal(0);
    expect(s.extra).to.be.at.most(t.duplicateBound);
}

/** kill -9 of the sidecar under traffic: nothing missing, at most about a second of lines delivered again. */
export async function killUnderLoad(t: DestinationUnderTest, tag: string): Promise<void> {
    const n = 6000;
    const rate = 500;
    let loadDone = false;
    const loading = loadPod(t.pod.name, n, { tag, port: t.port, ratePerSecond: rate }).finally(() => (loadDone = true));
    const before = deliveredCopy(t.volume) ?? 0;
    await poll("agent.sh's copy of the position to move", 60_000, () =>
        (deliveredCopy(t.volume) ?? 0) > before ? true : undefined,
    );
    const loadingAtKill = !loadDone;
    // After the kill: agent.sh's last copy of imfile's position and the log's end. The restart
    // resumes at imfile's position or, where the kill damaged its state file, at that copy
    // (never ahead of it); retention never frees past it. So what is delivered again is at
    // most the lines from the copy to the log's end at the kill (README: about a second of
    // lines), plus the destination's own duplicate bound as headroom.
    let bound = 0;
    let copy: number | undefined;
    const restart = await killAndAwaitRestart(t.pod, "sidecar-container", () => {
        const log = path.join(t.volume, "access.log");
        copy = deliveredCopy(t.volume);
        bound = linesBetween(log, copy ?? 0, fs.statSync(log).size) + t.duplicateBound;
    });
    const load = await loading;
    const { counts, waited } = await t.awaitDelivered(load);
    const s = summarize(counts);
    report(
        `sidecar kill -9 under ${rate} req/s: restarted in ${restart.toFixed(2)}s; ${JSON.stringify(s)} (bound ${bound}: lines after the copy of the position ${copy} at the kill, + ${t.duplicateBound}, ${t.duplicateWhy}); all delivered ${waited.toFixed(1)}s after the load ended`,
    );
    expect(loadingAtKill, "the load was still running at the kill").to.equal(true);
    expect(copy, "agent.sh's copy of the position").to.not.equal(undefined);
    expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
    expect(s.missing).to.equal(0);
    expect(s.extra).to.be.at.most(bound);
}

/**
 * Retention while the destination is down: with nothing delivered, retention frees nothing
 * undelivered (the volume's bound yields); once it is back, every line arrives and the volume is
 * within its bound again.
 */
export async function retentionWhileDown(
    t: DestinationUnderTest,
    o: {
        tag: string;
        /** retention.maxSize, bytes. */ bound: number;
        /** Requests while it is down: more than twice the bound. */ requests: number;
    },
): Promise<void> {
    const allocated = () => Number(run("du", ["-s", "-B1", t.volume]).stdout.split(/\s+/)[0]);
    const { bound } = o;
    // The agent says once, on stderr, when a log it follows has had nothing delivered for
    // AGENT.stallReportSeconds while lines wait: the event that its passes (retention's among
    // them) ran over the undelivered requests, with the position they saw in the line.
    const said = () =>
        t.pod
            .logs("sidecar-container")
            .split("\n")
            .filter((l) => l.includes("access.log: nothing delivered for")).length;
    const saidBefore = said();
    await t.stop();
    let during: { delivered?: number; freed?: number; volume: number } | undefined;
    let load: LoadResult | undefined;
    try {
        load = await loadPod(t.pod.name, o.requests, { tag: o.tag, port: t.port });
        await poll("the agent's word that nothing was delivered while the requests waited", 120_000, () =>
            said() > saidBefore ? true : undefined,
        );
        // Then its record of the position it saw (the .freed record's <shipped>, written at each
        // punch) is read first, then the position.
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
    await poll("retention to catch up", 60_000, () => (allocated() <= bound ? true : undefined), 250).catch(
        () => undefined,
    );
    const after = allocated();
    const s = summarize(counts);
    report(
        `destination down, ${o.requests} requests: the agent's position ${during.delivered}, freed up to ${during.freed}, volume ${(during.volume / MiB).toFixed(2)} MiB (bound ${(bound / MiB).toFixed(2)} MiB: yielded); back: all delivered in ${waited.toFixed(1)}s, volume ${(after / MiB).toFixed(2)} MiB; ${JSON.stringify(s)}`,
    );
    expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
    expect(during.delivered, "the agent's position").to.not.equal(undefined);
    expect(during.freed, "retention's record (it freed what earlier tests delivered)").to.not.equal(undefined);
    expect(during.freed!).to.be.at.most(during.delivered!);
    expect(during.volume, "the bound yielded to undelivered lines").to.be.above(bound);
    expect(after, "within the bound again").to.be.at.most(bound);
    expect(s.missing).to.equal(0);
    expect(s.extra).to.be.at.most(t.duplicateBound);
}
