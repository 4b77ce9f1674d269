// The comparison's measures, each returning a typed result per shipper; a shipper that does not
// deliver everything it was given fails the run (its output printed), since a figure of a shipper
// that lost lines would compare nothing.
import { awaitProgress } from "../../scripts/lib/exec";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { ShipperRun } from "../../tests/shipper/harness";
import { log, sleep } from "../pods";
import { Contender, CONTENDERS, Shipper, withShippers } from "./contenders";
import { accessRecord, appendBacklog, countOf, storedOf, writeAll } from "./records";
import { PeerSettings, PRESET_MILLICORES } from "./settings";

const MiB = 2 ** 20;

/** Waits until `pod` has every one of `n` records `prefix-*` stored, or the count stops growing for `stallMs`. */
async function awaitAll(vl: VictoriaLogsProcess, s: Shipper, prefix: string, n: number, stallMs = 60_000) {
    const { last, stalled } = await awaitProgress(
        async () => {
            const st = await storedOf(vl, s.pod, prefix);
            return { done: st.distinct >= n, progress: st.distinct, st };
        },
        { stallMs, intervalMs: 500, capMs: 15 * 60_000 },
    );
    return { ...last.st, missing: n - last.st.distinct, duplicated: last.st.all - last.st.distinct, stalled };
}

function mustHaveAll(s: Shipper, what: string, got: { missing: number; duplicated: number }) {
    if (got.missing > 0)
        throw new Error(
            `${s.contender} (${s.pod}) left ${got.missing} records undelivered in ${what}; its output:\n${s.output().slice(-2000)}`,
        );
}

/** Writes the records `${id}-<i>` due by now at `rate` a second since `start`; returns how many are written. */
function writeDue(runs: ShipperRun[], id: string, written: number, start: number, rate: number): number {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    if (due > written)
        writeAll(
            runs,
            Array.from({ length: due - written }, (_, k) => accessRecord(`${id}-${written + k}`)),
        );
    return Math.max(due, written);
}

/** Both shippers at the preset's CPU limit, started, their records labelled `${id}-<contender>`. */
async function sideBySide<T>(
    vl: VictoriaLogsProcess,
    id: string,
    fn: (shippers: Shipper[], runs: ShipperRun[]) => Promise<T>,
): Promise<T> {
    const specs = CONTENDERS.map((contender) => ({
        contender,
        pod: `${id}-${contender}`,
        millicores: PRESET_MILLICORES,
    }));
    return withShippers(vl, specs, async (shippers) => {
        shippers.forEach((x) => x.start());
        return fn(
            shippers,
            shippers.map((x) => x.run),
        );
    });
}

export interface ThroughputResult {
    contender: Contender;
    millicores: number;
    records: number;
    /** Records a second between 10% and 90% of the backlog stored. */
    perSecond: number;
    /** CPU seconds per 10 000 records, start-up included. */
    cpuPer10k: number;
    peakRssMiB: number;
}

/**
 * The most records a second a shipper sustains under `millicores`: it starts with a backlog of
 * records already in its log and drains it into VictoriaLogs; the rate counts from 10% to 90%
 * stored, so start-up and the last batch do not weigh in.
 */
export async function measureThroughput(
    vl: VictoriaLogsProcess,
    contender: Contender,
    millicores: number,
    n: number,
    round: number,
    /** A change to the agent's generated config (bench/peer/profile.ts). */
    confEdit?: (conf: string) => string,
): Promise<ThroughputResult> {
    const pod = `tp-${contender}-${millicores}m-${round}-${Date.now() % 100_000}`;
    return withShippers(vl, [{ contender, pod, millicores, confEdit }], async ([s]) => {
        appendBacklog([s.run], pod, n);
        s.start();
        const samples: Array<{ t: number; n: number }> = [];
        const { stalled } = await awaitProgress(
            async () => {
                const count = await countOf(vl, pod);
                samples.push({ t: Date.now(), n: count });
                return { done: count >= n, progress: count };
            },
            { stallMs: 60_000, intervalMs: 250, capMs: 15 * 60_000 },
        );
        const peakRssMiB = s.limit.peakRssBytes() / MiB;
        const cpu = s.limit.cpuSeconds();
        const got = await awaitAll(vl, s, pod, n, 5_000);
        mustHaveAll(s, `draining ${n} records`, got);
        if (stalled) throw new Error(`${contender} stalled draining ${n} records`);
        const at = (share: number) => samples.find((x) => x.n >= share * n)!;
        const [a, b] = [at(0.1), at(0.9)];
        const perSecond = (b.n - a.n) / Math.max((b.t - a.t) / 1000, 0.25);
        log(
            `  ${contender} at ${millicores}m: ${n} records, ${perSecond.toFixed(0)}/s, CPU ${cpu.toFixed(1)} s, peak RSS ${peakRssMiB.toFixed(1)} MiB`,
        );
        return { contender, millicores, records: n, perSecond, cpuPer10k: (cpu / n) * 10_000, peakRssMiB };
    });
}

export interface SteadyResult {
    contender: Contender;
    /** Seconds from a record's write to its first appearance in a query, each probe. */
    latencies: number[];
    records: number;
    cpuPer10k: number;
    peakRssMiB: number;
}

/**
 * Both shippers at the preset's CPU limit under the same steady load (`steadyRate` records a
 * second, written to both logs at once): how long a record takes from its write until a query
 * finds it (a probe record each second, polled every 50 ms), and CPU and memory for the load.
 */
export async function measureSteady(vl: VictoriaLogsProcess, s: PeerSettings, round: number): Promise<SteadyResult[]> {
    const id = `st-${round}-${Date.now() % 100_000}`;
    return sideBySide(vl, id, async (shippers, runs) => {
        // Started and idle: what follows is the load's cost.
        writeAll(runs, [accessRecord(`${id}-warmup`)]);
        await sleep(5_000);
        const cpu0 = shippers.map((x) => x.limit.cpuSeconds());
        const latencies = shippers.map(() => [] as number[]);
        let written = 0;
        const start = Date.now();
        let nextProbe = start;
        let probe = 0;
        let pending: { id: string; at: number; seen: boolean[] } | undefined;
        while (Date.now() - start < s.steadySeconds * 1000 || pending) {
            const loading = Date.now() - start < s.steadySeconds * 1000;
            if (loading) written = writeDue(runs, id, written, start, s.steadyRate);
            if (!pending && loading && Date.now() >= nextProbe) {
                const pid = `${id}-probe-${probe++}`;
                writeAll(runs, [accessRecord(pid)]);
                pending = { id: pid, at: Date.now(), seen: shippers.map(() => false) };
                nextProbe = pending.at + 1000;
            }
            if (pending) {
                const rows = await vl.query(`_time:1h request_id:=${JSON.stringify(pending.id)} | fields pod`);
                const now = Date.now();
                shippers.forEach((x, i) => {
                    if (!pending!.seen[i] && rows.some((r) => r.pod === x.pod)) {
                        pending!.seen[i] = true;
                        latencies[i].push((now - pending!.at) / 1000);
                    }
                });
                if (pending.seen.every(Boolean)) pending = undefined;
                else if (now - pending.at > 60_000) throw new Error(`probe ${pending.id} not stored after 60 s`);
            }
            await sleep(20);
        }
        const results: SteadyResult[] = [];
        for (const [i, x] of shippers.entries()) {
            const got = await awaitAll(vl, x, id, written);
            mustHaveAll(x, `the steady load`, got);
            const cpu = x.limit.cpuSeconds() - cpu0[i];
            const r = {
                contender: x.contender,
                latencies: latencies[i],
                records: written,
                cpuPer10k: (cpu / written) * 10_000,
                peakRssMiB: x.limit.peakRssBytes() / MiB,
            };
            log(
                `  ${x.contender}: ${written} records at ${s.steadyRate}/s, ${r.latencies.length} probes, CPU ${cpu.toFixed(2)} s, peak RSS ${r.peakRssMiB.toFixed(1)} MiB`,
            );
            results.push(r);
        }
        return results;
    });
}

/** Records a shipper lost and stored twice of those written, through a fault. */
export interface LossResult {
    contender: Contender;
    records: number;
    missing: number;
    duplicated: number;
}

/** Waits for each shipper's `${id}-*` records (a stall of `stallMs` ends the wait) and counts. */
async function lossesOf(
    vl: VictoriaLogsProcess,
    shippers: Shipper[],
    id: string,
    written: number,
    stallMs: number,
): Promise<LossResult[]> {
    const results: LossResult[] = [];
    for (const x of shippers) {
        const got = await awaitAll(vl, x, id, written, stallMs);
        results.push({ contender: x.contender, records: written, missing: got.missing, duplicated: got.duplicated });
        log(`  ${x.contender}: ${written} records, missing ${got.missing}, duplicated ${got.duplicated}`);
    }
    return results;
}

/**
 * Both shippers at the preset's CPU limit, the steady load running, VictoriaLogs stopped for
 * `outageSeconds` in the middle of it and started again: records lost and stored twice.
 */
export async function measureOutage(vl: VictoriaLogsProcess, s: PeerSettings, round: number): Promise<LossResult[]> {
    const id = `out-${round}-${Date.now() % 100_000}`;
    return sideBySide(vl, id, async (shippers, runs) => {
        const phase = s.outageSeconds * 1000;
        let written = 0;
        const start = Date.now();
        let down = false;
        let wasDown = false;
        try {
            while (Date.now() - start < 3 * phase) {
                const t = Date.now() - start;
                if (!wasDown && t >= phase) {
                    await vl.pause();
                    down = wasDown = true;
                    log(`  VictoriaLogs down (${written} records written)`);
                } else if (down && t >= 2 * phase) {
                    await vl.resume();
                    down = false;
                    log(`  VictoriaLogs back (${written} records written)`);
                }
                written = writeDue(runs, id, written, start, s.steadyRate);
                await sleep(20);
            }
        } finally {
            if (down) await vl.resume();
        }
        // The collector's retries back off up to 30 s: a stall shorter than that is not an end.
        return lossesOf(vl, shippers, id, written, 90_000);
    });
}

/**
 * Both shippers at the preset's CPU limit under the steady load, each killed with SIGKILL (its
 * whole process group, as when a container's init dies) halfway and started again on the same
 * directory and state: records lost and stored twice.
 */
export async function measureKill(vl: VictoriaLogsProcess, s: PeerSettings, round: number): Promise<LossResult[]> {
    const id = `kill-${round}-${Date.now() % 100_000}`;
    return sideBySide(vl, id, async (shippers, runs) => {
        let written = 0;
        const start = Date.now();
        const phase = s.killPhaseSeconds * 1000;
        let killed = false;
        while (Date.now() - start < 2 * phase) {
            if (!killed && Date.now() - start >= phase) {
                for (const x of shippers) await x.run.stop("SIGKILL");
                log(`  both killed (${written} records written); started again`);
                shippers.forEach((x) => x.start());
                killed = true;
            }
            written = writeDue(runs, id, written, start, s.steadyRate);
            await sleep(20);
        }
        return lossesOf(vl, shippers, id, written, 60_000);
    });
}
