// The log agent's metrics (components/shipper/agent.sh, write_metrics: the file nginx serves on
// the metrics port) against what a bulk API on this machine counted and what the files hold: every
// figure is checked against an observation the test makes itself, never the agent's own records.
// The agent runs as in the sidecar (tests/shipper/agentHarness.ts); the service is a small HTTP
// server that stores each document's message, refuses documents whose message starts with "bad"
// (a mapping error), and can be taken down and brought back on the same port.
import { expect } from "chai";
import * as fs from "fs";
import { AGENT } from "../../components";
import { Samples } from "../helpers/prometheus";
import { accessLine, agentWithEarlyLines, CountingBulkApi, earlyLines, metric, metricsOf } from "./countingBulkApi";
import { AgentProcess } from "./agentHarness";
import { report, until } from "./harness";

const MiB = 2 ** 20;

describe("log agent metrics: what it says against what the service counted (plain processes, no podman)", function () {
    // A safety limit: each wait below has its own bound.
    this.timeout(5 * 60_000);
    let api: CountingBulkApi | undefined;
    let run: AgentProcess | undefined;
    afterEach(async () => {
        if (run) await run.dispose();
        if (api) await api.down().catch(() => undefined);
        run = api = undefined;
    });

    it("agree with the service and the files: bytes delivered, rejected, nothing behind, the volume used", async () => {
        api = new CountingBulkApi();
        const r = (run = new AgentProcess(await api.up(), { volumeLimitBytes: 256 * MiB }));
        r.start();
        const n = 400;
        const bad = 7;
        r.write(
            "access.log",
            Array.from({ length: n }, (_, i) => accessLine(i % 50 === 3 && i / 50 < bad ? `bad ${i}` : `ok ${i}`)),
        );
        r.write(
            "error.log",
            Array.from({ length: 30 }, (_, i) => `2026/12/06 10:00:00 [error] 7#7: e ${i}`),
        );
        await until(
            "every line answered by the service",
            120_000,
            () => api!.stored.length + api!.refused.length >= n + 30,
            () => r.err.slice(-2000),
        );
        const size = (log: string) => fs.statSync(r.file(log)).size;
        const allocated = (log: string) => fs.statSync(r.file(log)).blocks * 512;
        const rejectedFile = r.file(`.agent/${AGENT.rejectedFile}`);
        let s: Samples = new Map();
        await until(
            "the metrics to show both logs delivered to their end",
            30_000,
            () => {
                s = metricsOf(r);
                return (
                    metric(s, "delivered_bytes", "access") === size("access.log") &&
                    metric(s, "delivered_bytes", "error") === size("error.log") &&
                    metric(s, "rejected_bytes") === fs.statSync(rejectedFile).size
                );
            },
            () => [...s].map(([k, v]) => `${k} ${v}`).join("\n"),
        );
        const used = allocated("access.log") + allocated("error.log") + fs.statSync(rejectedFile).blocks * 512;
        report(
            `service: ${api.stored.length} stored, ${api.refused.length} refused; metrics: delivered ${metric(s, "delivered_bytes", "access")} + ${metric(s, "delivered_bytes", "error")} B, ` +
                `rejected ${metric(s, "rejected_bytes")} B, volume ${metric(s, "volume_used_bytes")} of ${metric(s, "volume_limit_bytes")} B`,
        );
        expect(api.refused.length).to.equal(bad);
        expect(api.stored.length + api.refused.length).to.equal(n + 30);
        expect(metric(s, "rejected_bytes")).to.be.above(0);
        for (const log of ["access", "error"] as const) {
            expect(metric(s, "log_size_bytes", log), log).to.equal(size(`${log}.log`));
            expect(metric(s, "backlog_bytes", log), log).to.equal(0);
            expect(metric(s, "oldest_undelivered_age_seconds", log), log).to.equal(0);
            expect(metric(s, "delivery_stalled", log), log).to.equal(0);
        }
        expect(metric(s, "volume_used_bytes")).to.equal(used);
        expect(metric(s, "volume_limit_bytes")).to.equal(256 * MiB);
        expect(metric(s, "draining")).to.equal(0);
    });

    it("during an outage: the backlog in bytes, the oldest line's age from its own time, the stall; written on (the liveness); caught up after", async () => {
        api = new CountingBulkApi();
        const early = 3;
        const r = await agentWithEarlyLines(api, {}, early, (p) => (run = p));
        await api.down();
        const from = fs.statSync(r.file("access.log")).size;
        // Lines nginx stamped two minutes ago (a request it logged then, read now).
        const stamped = new Date(Date.now() - 120_000);
        const k = 40;
        r.write(
            "access.log",
            Array.from({ length: k }, (_, i) => accessLine(`down ${i}`, stamped)),
        );
        const to = fs.statSync(r.file("access.log")).size;
        let s: Samples = new Map();
        await until(
            "the stall in the metrics",
            AGENT.stallReportSeconds * 1000 + 60_000,
            () => metric((s = metricsOf(r)), "delivery_stalled", "access") === 1,
            () => r.err.slice(-2000),
        );
        const age = metric(s, "oldest_undelivered_age_seconds", "access")!;
        const written = fs.statSync(r.file(AGENT.metrics.file)).mtimeMs;
        await until("the metrics written again while the service is down", 30_000, () => {
            return fs.statSync(r.file(AGENT.metrics.file)).mtimeMs > written;
        });
        const delivered = metric(s, "delivered_bytes", "access")!;
        report(
            `down: backlog ${metric(s, "backlog_bytes", "access")} B of ${to - from} B written, position ${delivered - from} B past the outage's start, oldest age ${age}s (stamped ${Math.round((Date.now() - stamped.getTime()) / 1000)}s ago)`,
        );
        expect(from).to.be.above(512);
        expect(delivered).to.equal(from);
        expect(metric(s, "backlog_bytes", "access")).to.equal(to - from);
        expect(age).to.be.at.least(120);
        expect(age).to.be.at.most(Math.ceil((Date.now() - stamped.getTime()) / 1000));
        await api.up();
        await until("every line stored", 60_000, () => api!.count("down") === k);
        await until(
            "the metrics caught up",
            30_000,
            () => {
                s = metricsOf(r);
                return metric(s, "backlog_bytes", "access") === 0 && metric(s, "delivery_stalled", "access") === 0;
            },
            () => [...s].map(([key, v]) => `${key} ${v}`).join("\n"),
        );
        expect(metric(s, "oldest_undelivered_age_seconds", "access")).to.equal(0);
        expect(api.stored).to.deep.equal([...earlyLines(early), ...Array.from({ length: k }, (_, i) => `down ${i}`)]);
    });
});
