// Delivery to a log-aggregation service on a real podman: a receiver (rsyslog in receiver mode,
// tests/e2e/receiver.ts) runs as its own pod; the production Pod with a destination at the
// receiver's pod IP delivers nginx's access and error logs to it over RELP, with retention on.
// Counted line by line at the receiver, under load and faults; each test prints what it measured.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { AGENT } from "../../components";
import { poll, run } from "../../scripts/lib/exec";
import { countShipped, lastRequestBefore, LoadResult, loadPod, loadPrefix, summarize } from "../../scripts/lib/load";
import { requestInPod } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { deliveredOffset } from "../shipper/agentHarness";
import { readShipperRecord } from "../shipper/harness";
import { killAndAwaitRestart, nothingLeft, report, RunningPod, startPod } from "./harness";
import { ReceiverPod, startReceiverPod } from "../../scripts/lib/receiverPod";

const PORT = 8080; // the production preset's nginx port
const DELIVER_TIMEOUT_MS = 60_000;
const MiB = 2 ** 20;
const RETENTION = { maxAge: "24h", maxSize: "1Mi" };

const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

describe("e2e: delivery to a syslog receiver on podman (production Pod, RELP, retention on)", function () {
    this.timeout(15 * 60_000);
    let receiver: ReceiverPod | undefined;
    let pod: RunningPod | undefined;
    let volume: string;
    const allocated = () => Number(run("du", ["-s", "-B1", volume]).stdout.split(/\s+/)[0]);

    before(async () => {
        receiver = await startReceiverPod("relp", report);
        pod = await startPod("dev", {
            production: "true",
            destination: JSON.stringify({ syslog: { address: receiver.address } }),
            retention: JSON.stringify(RETENTION),
        });
        volume = podman(["volume", "inspect", "shared-logs", "--format", "{{.Mountpoint}}"]).stdout.trim();
    });
    after(() => {
        const left: string[] = [];
        if (pod) {
            pod.down();
            left.push(...nothingLeft(pod));
        }
        receiver?.down();
        expect(left).to.deep.equal([]);
    });

    /** Waits until every request of a load arrived at the receiver at least once; returns the counts and the wait. */
    async function awaitDelivered(load: LoadResult, n: number) {
        const start = Date.now();
        let counts: number[] = [];
        await poll(
            "every request's access-log line at the receiver",
            DELIVER_TIMEOUT_MS,
            () => {
                counts = countShipped(receiver!.text(), load, n);
                return counts.every((c) => c > 0) ? true : undefined;
            },
            250,
        ).catch(() => undefined); // the assertions report what is missing
        return { counts, waited: (Date.now() - start) / 1000 };
    }

    it("runs the agent under the restricted profile: uid 101, read-only root, no capabilities", () => {
        const status = pod!.exec("sidecar-container", ["cat", "/proc/1/status"]);
        const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1].trim();
        const procs = pod!
            .exec("sidecar-container", [
                "bash",
                "-c",
                'for p in /proc/[0-9]*; do echo "$(stat -c %u "$p") $(cat "$p/comm")"; done',
            ])
            .trim();
        report(`sidecar: Uid ${field("Uid")}, CapEff ${field("CapEff")}; processes: ${procs.replace(/\s+/g, " ")}`);
        expect(field("Uid")?.split(/\s+/)).to.deep.equal(["101", "101", "101", "101"]);
        expect(field("CapEff")).to.equal("0000000000000000");
        expect(procs).to.match(/101\s+rsyslogd/);
        const w = podman(["exec", pod!.container("sidecar-container"), "touch", "/probe"], { allowFail: true });
        expect(w.code).to.not.equal(0);
    });

    it("every access-log and error-log line arrives once; latency from request to arrival", async () => {
        const n = 3000;
        const load = await loadPod(pod!.name, n, { tag: "deliver", port: PORT });
        expect(load.ok).to.equal(n);
        // 404s: nginx writes an error-log line for each ("open() ... failed").
        const missingPaths = 100;
        for (let i = 1; i <= missingPaths; i++)
            expect(requestInPod(pod!.name, `/missing-e2e-${i}`, PORT)).to.equal(404);
        // Latency: single requests, paced, each timed from before its request to its arrival.
        const probes: Array<{ i: number; sent: number }> = [];
        for (let i = 1; i <= 40; i++) {
            probes.push({ i, sent: Date.now() });
            requestInPod(pod!.name, `/?probe=lat&i=${i}`, PORT);
            await new Promise((r) => setTimeout(r, 50));
        }
        const { counts, waited } = await awaitDelivered(load, n);
        let errors: number[] = [];
        await poll(
            "every error-log line at the receiver",
            DELIVER_TIMEOUT_MS,
            () => {
                const errs = receiver!.messages().filter((m) => m.app === "nginx-error");
                errors = Array.from(
                    { length: missingPaths },
                    (_, k) => errs.filter((m) => m.msg.includes(`/missing-e2e-${k + 1}"`)).length,
                );
                return errors.every((c) => c > 0) ? true : undefined;
            },
            250,
        ).catch(() => undefined);
        const arrivals = receiver!.messages().filter((m) => m.app === "nginx-access");
        const latencies = probes.map(({ i, sent }) => {
            const m = arrivals.find((a) => a.msg.includes(`GET /?probe=lat&i=${i} `));
            return m ? (m.at - sent) / 1000 : Infinity;
        });
        const s = summarize(counts);
        const e = summarize(errors);
        report(
            `${n} requests in ${load.seconds.toFixed(2)}s (${Math.round(n / load.seconds)} req/s): access ${JSON.stringify(s)}, all at the receiver ${waited.toFixed(2)}s after the load ended; ${missingPaths} 404s: error-log ${JSON.stringify(e)}`,
        );
        report(
            `latency request -> receiver (40 single requests, 50 ms apart): median ${quantile(latencies, 0.5).toFixed(3)}s, p90 ${quantile(latencies, 0.9).toFixed(3)}s, max ${Math.max(...latencies).toFixed(3)}s`,
        );
        expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: missingPaths, duplicated: 0, extra: 0 });
        expect(Math.max(...latencies), "every probe arrived").to.be.below(10);
    });

    it("receiver stopped for 30 s under traffic, then started: nothing missing once it caught up", async () => {
        const rate = 200;
        const n = 9000; // 45 s at 200 req/s: traffic before, during and after the outage
        const loading = loadPod(pod!.name, n, { tag: "outage", port: PORT, ratePerSecond: rate, timeoutMs: 120_000 });
        await new Promise((r) => setTimeout(r, 5000));
        receiver!.stop();
        const stoppedAt = Date.now();
        const atStop = deliveredOffset(volume, "access.log") ?? 0;
        await new Promise((r) => setTimeout(r, 30_000));
        const atStart = deliveredOffset(volume, "access.log") ?? 0;
        const sizeAtStart = fs.statSync(path.join(volume, "access.log")).size;
        // The last request logged by now (read now: once delivered, retention frees it).
        const backlog = lastRequestBefore(path.join(volume, "access.log"), sizeAtStart, loadPrefix("outage"));
        await receiver!.start();
        const startedAt = Date.now();
        const load = await loading;
        const { counts } = await awaitDelivered(load, n);
        // Recovery: from the receiver's start to the arrival (its own clock) of the last line nginx
        // had written by then -- the backlog of the outage.
        const arrival = receiver!.messages().find((m) => m.msg.includes(`GET ${load.prefix}${backlog} `))?.at;
        const recovery = arrival === undefined ? Infinity : (arrival - startedAt) / 1000;
        const s = summarize(counts);
        report(
            `receiver down ${((startedAt - stoppedAt) / 1000).toFixed(1)}s at ${rate} req/s: the agent's position ${atStop} -> ${atStart} while down (log ${sizeAtStart} bytes); the backlog (up to request ${backlog}) at the receiver ${recovery.toFixed(2)}s after it started; ${JSON.stringify(s)}; duplicates bound ${AGENT.relpWindowSize} (the RELP window)`,
        );
        expect(backlog, "requests were logged during the outage").to.be.above(rate * 30);
        expect(recovery, "the backlog arrived").to.be.below(60);
        expect(load.ok).to.equal(n);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
    });

    it("sidecar kill -9 under traffic: nothing missing, at most about a second of lines delivered again", async () => {
        const n = 6000;
        const rate = 500;
        const loading = loadPod(pod!.name, n, {
            tag: "agent-kill",
            port: PORT,
            ratePerSecond: rate,
            timeoutMs: 60_000,
        });
        await new Promise((r) => setTimeout(r, 3000));
        const restart = await killAndAwaitRestart(pod!, "sidecar-container");
        const load = await loading;
        const { counts, waited } = await awaitDelivered(load, n);
        const s = summarize(counts);
        // imfile records its position after each batch, and agent.sh keeps a copy once a second
        // (a kill can cut imfile's own state file short): a second of traffic plus the RELP window.
        const bound = Math.ceil(rate * 1.5) + AGENT.relpWindowSize;
        report(
            `sidecar kill -9 at ${rate} req/s: restarted in ${restart.toFixed(2)}s; ${JSON.stringify(s)} (bound ${bound}); all at the receiver ${waited.toFixed(2)}s after the load ended`,
        );
        expect(load.ok).to.equal(n);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("retention with the receiver down: frees nothing undelivered (the bound yields), then nothing is lost", async () => {
        const bound = MiB; // RETENTION.maxSize
        receiver!.stop();
        let during: { delivered: number; freed: number; volume: number } | undefined;
        let load: LoadResult | undefined;
        const n = 25_000; // ~2.5 MiB of access log: more than twice the bound
        try {
            load = await loadPod(pod!.name, n, { tag: "retention-down", port: PORT });
            await new Promise((r) => setTimeout(r, 3000)); // retention passes with nothing delivered
            during = {
                delivered: deliveredOffset(volume, "access.log") ?? 0,
                freed: Number(readShipperRecord(volume, "access.log.freed")?.[1] ?? 0),
                volume: allocated(),
            };
        } finally {
            await receiver!.start();
        }
        if (!load || !during) throw new Error("the load did not run");
        const { counts, waited } = await awaitDelivered(load, n);
        await poll("retention to catch up", 15_000, () => (allocated() <= bound ? true : undefined), 250).catch(
            () => undefined,
        );
        const after = allocated();
        const s = summarize(counts);
        report(
            `receiver down, ${n} requests: the agent's position ${during.delivered}, freed up to ${during.freed}, volume ${(during.volume / MiB).toFixed(2)} MiB (bound 1 MiB: yielded); receiver back: all delivered in ${waited.toFixed(2)}s, volume ${(after / MiB).toFixed(2)} MiB; ${JSON.stringify(s)}`,
        );
        expect(load.ok).to.equal(n);
        expect(during.freed).to.be.at.most(during.delivered);
        expect(during.volume, "the bound yielded to undelivered lines").to.be.above(bound);
        expect(after, "within the bound again").to.be.at.most(bound);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
    });
});
