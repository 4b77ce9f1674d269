// The volume's bound (components/shipper/agent.sh, overflow_check): a destination away for longer
// than the volume holds. The agent runs as in the sidecar (tests/shipper/agentHarness.ts) with
// retention and a logVolume.sizeLimit, against a bulk API on this machine that counts what it
// stores (tests/shipper/countingBulkApi.ts). Every line is counted by its id at the service; the
// volume is measured by the test itself (allocated blocks), never read from the agent.
import { expect } from "chai";
import * as fs from "fs";
import { AGENT } from "../../components";
import { volumeBoundBytes } from "../../components/retention";
import { Samples } from "../helpers/prometheus";
import { AgentProcess } from "./agentHarness";
import { accessLine, agentWithEarlyLines, CountingBulkApi, earlyLines, metric, metricsOf } from "./countingBulkApi";
import { report, sleep, until } from "./harness";

const MiB = 2 ** 20;

describe("log agent: the volume's bound during a long outage (plain processes, no podman)", function () {
    // A safety limit: each wait below has its own bound.
    this.timeout(8 * 60_000);
    let api: CountingBulkApi | undefined;
    let run: AgentProcess | undefined;
    afterEach(async () => {
        if (run) await run.dispose();
        if (api) await api.down().catch(() => undefined);
        run = api = undefined;
    });

    it("drops the oldest undelivered lines, counted, before the volume reaches its sizeLimit; the gap record arrives with the count; every other line once", async () => {
        const sizeLimit = 2 * MiB;
        const bound = volumeBoundBytes(sizeLimit);
        api = new CountingBulkApi();
        const early = 3;
        const r = await agentWithEarlyLines(
            api,
            { maxBytes: MiB / 2, volumeLimitBytes: sizeLimit },
            early,
            (p) => (run = p),
        );
        await api.down();
        // Written while the service is away: about 1.5 times the bound, 70 lines (20 KB) a second:
        // the volume's headroom, a tenth of its sizeLimit, holds 10 s of them (each line its id,
        // stamped when written, as nginx stamps it).
        const n = Math.ceil((1.5 * bound) / (Buffer.byteLength(accessLine("o 0000")) + 1));
        const lineBytes: number[] = [];
        // The bound is on the logs (and the rejected documents: none here); the headroom above it
        // holds the agent's state files too, which the volume's peak below counts.
        const logsAllocated = () =>
            ["access.log", "error.log"].reduce(
                (sum, f) => sum + (fs.statSync(r.file(f), { throwIfNoEntry: false })?.blocks ?? 0) * 512,
                0,
            );
        let peak = 0;
        const started = new Date();
        for (let i = 0; i < n; i += 10) {
            const batch = Array.from({ length: Math.min(10, n - i) }, (_, k) => accessLine(`o ${i + k}`));
            r.write("access.log", batch);
            lineBytes.push(...batch.map((l) => Buffer.byteLength(l) + 1));
            peak = Math.max(peak, r.allocated());
            await sleep(140);
        }
        let s: Samples = new Map();
        await until(
            "the logs within the bound again, the drops in the metrics",
            60_000,
            () => {
                s = metricsOf(r);
                return logsAllocated() <= bound && (metric(s, "dropped_lines_total", "access") ?? 0) > 0;
            },
            () => `logs ${logsAllocated()}, bound ${bound}; ${r.err.slice(-1500)}`,
        );
        const during = logsAllocated();
        const said = r.err.split("\n").filter((l) => l.includes("were dropped while the destination was unreachable"));
        await api.up();
        // The gap records come through error.log, after the lines kept: wait for each one said.
        await until(
            "the gap records at the service",
            120_000,
            () => api!.stored.filter((m) => m.includes("were dropped while the destination")).length === said.length,
            () => r.err.slice(-1500),
        );
        const gaps = api.stored.filter((m) => m.includes("were dropped while the destination"));
        const dropped = gaps.reduce((sum, g) => sum + Number(/log-agent: (\d+) lines/.exec(g)![1]), 0);
        await until(
            "every line kept",
            120_000,
            () => api!.count("o ") === n - dropped,
            () => {
                const ids = new Set(api!.stored.filter((m) => m.startsWith("o ")).map((m) => Number(m.slice(2))));
                const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !ids.has(i));
                const runs: string[] = [];
                for (const i of missing)
                    if (runs.length && Number(runs[runs.length - 1].split("-").pop()) === i - 1)
                        runs[runs.length - 1] = `${runs[runs.length - 1].split("-")[0]}-${i}`;
                    else runs.push(String(i));
                const m = metricsOf(r);
                return `n ${n}, dropped ${dropped}, stored ${api!.count("o ")}, missing ${runs.join(",")}; dropped ${metric(m, "dropped_lines_total", "access")}; state ${fs
                    .readdirSync(r.file(".agent"))
                    .map((f) => f + "=" + fs.readFileSync(r.file(".agent/" + f), "utf8").slice(0, 200))
                    .join(" | ")}; ${r.err.slice(-3000)}`;
            },
        );
        const counts = new Array<number>(n).fill(0);
        for (const m of api.stored) if (m.startsWith("o ")) counts[Number(m.slice(2))]++;
        s = metricsOf(r);
        report(
            `bound ${bound} B of sizeLimit ${sizeLimit} B; ${n} lines written from ${started.toISOString()} while the service was away; ` +
                `peak volume ${peak} B (every file), logs ${during} B once the agent had passed; ${gaps.length} gap record(s): ${dropped} lines dropped; metrics: dropped ${metric(s, "dropped_lines_total", "access")} lines, ${metric(s, "dropped_bytes_total", "access")} B`,
        );
        report(`gap record: ${gaps[0]}`);
        expect(gaps.length).to.be.above(0);
        expect(peak, "the test's own measure of the volume never reached its sizeLimit").to.be.below(sizeLimit);
        // The oldest undelivered lines, and only they: o 0 .. o D-1 dropped, every later one once.
        expect(counts.slice(0, dropped).every((c) => c === 0)).to.equal(true);
        expect(counts.slice(dropped).every((c) => c === 1)).to.equal(true);
        expect(api.count("before")).to.equal(early);
        expect(metric(s, "dropped_lines_total", "access")).to.equal(dropped);
        expect(metric(s, "dropped_bytes_total", "access")).to.equal(
            lineBytes.slice(0, dropped).reduce((a, b) => a + b, 0),
        );
        expect(metric(s, "volume_bound_bytes")).to.equal(bound);
        // Each gap record names the first and last line's own times.
        expect(gaps[0]).to.match(/written from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 to \d{4}-\d\d-\d\dT/);
    });

    it("stopped while the service is away (TERM, the drain ends at its deadline): the termination message counts every line not delivered; started again, each arrives once", async () => {
        api = new CountingBulkApi();
        // A grace period of 4 s: the drain gives up 2 s after the TERM.
        const early = 3;
        const r = await agentWithEarlyLines(api, { terminationGracePeriodSeconds: 4 }, early, (p) => (run = p));
        await api.down();
        const k = 5;
        r.write(
            "access.log",
            Array.from({ length: k }, (_, i) => accessLine(`held ${i}`)),
        );
        // The output has taken the first of them for its retry: a stall is the event that it tried.
        await until("the stall said", AGENT.stallReportSeconds * 1000 + 30_000, () =>
            r.err.includes("access.log: nothing delivered for"),
        );
        const code = await r.signalAndExit("SIGTERM");
        const message = r.terminationMessage();
        report(`TERM with the service away: exit ${code}; termination message: ${message.trim()}`);
        expect(message).to.match(new RegExp(`with ${k} lines \\(\\d+ bytes\\) of access\\.log not sent`));
        // As after a container restart: the same volume, the service back.
        r.start();
        await api.up();
        await until(
            "every line stored",
            60_000,
            () => api!.count("held") === k,
            () => r.err.slice(-1500),
        );
        expect(api.stored).to.deep.equal([...earlyLines(early), ...Array.from({ length: k }, (_, i) => `held ${i}`)]);
    });
});
