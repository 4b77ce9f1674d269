// Delivery to a log-aggregation service on a real podman: a receiver (rsyslog in receiver mode,
// tests/e2e/receiver.ts) runs as its own pod; the production Pod with a destination at the
// receiver's pod IP delivers nginx's access and error logs to it over RELP, with retention on.
// Counted line by line at the receiver, under load and faults; each test prints what it measured.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { AGENT } from "../../components";
import { awaitProgress, poll } from "../../scripts/lib/exec";
import {
    awaitShipped,
    lastRequestBefore,
    linesBetween,
    LoadResult,
    loadPod,
    loadPrefix,
    summarize,
} from "../../scripts/lib/load";
import { requestInPod, volumeMountpoint } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { deliveredCopy, deliveredOffset, settledOffset } from "../shipper/agentHarness";
import { killAndAwaitRestart, nothingLeft, report, RunningPod, startPod } from "./harness";
import { retentionWhileDown } from "./retentionWhileDown";
import { ReceiverPod, startReceiverPod } from "../../scripts/lib/receiverPod";

const PORT = 8080; // the production preset's nginx port
/** Waits for delivery end when nothing more has arrived for this long (a slow machine keeps arriving). */
const STALL_MS = 30_000;
const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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

    before(async () => {
        receiver = await startReceiverPod("relp", report);
        pod = await startPod("dev", {
            production: "true",
            destination: JSON.stringify({ syslog: { address: receiver.address } }),
            retention: JSON.stringify(RETENTION),
        });
        volume = volumeMountpoint("shared-logs");
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

    /** Waits until every request a load sent is at the receiver, or none more came for STALL_MS. */
    const awaitDelivered = (load: LoadResult) => awaitShipped(() => receiver!.text(), load, STALL_MS);

    const copyOfPosition = () => deliveredCopy(volume);

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
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
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
        const { counts, waited } = await awaitDelivered(load);
        const { last } = await awaitProgress(
            () => {
                const errs = receiver!.messages().filter((m) => m.app === "nginx-error");
                const errors = Array.from(
                    { length: missingPaths },
                    (_, k) => errs.filter((m) => m.msg.includes(`/missing-e2e-${k + 1}"`)).length,
                );
                const arrived = errors.filter((c) => c > 0).length;
                return { errors, done: arrived === missingPaths, progress: arrived };
            },
            { stallMs: STALL_MS },
        );
        const errors = last.errors;
        const arrivals = receiver!.messages().filter((m) => m.app === "nginx-access");
        const probeArrivals = probes.map(({ i }) => arrivals.filter((a) => a.msg.includes(`GET /?probe=lat&i=${i} `)));
        const latencies = probes.map(({ sent }, k) =>
            probeArrivals[k].length ? (probeArrivals[k][0].at - sent) / 1000 : Infinity,
        );
        const s = summarize(counts);
        const e = summarize(errors);
        report(
            `${load.sent} of ${n} requests sent in ${load.seconds.toFixed(2)}s (${Math.round(load.sent / load.seconds)} req/s): access ${JSON.stringify(s)}, all at the receiver ${waited.toFixed(2)}s after the load ended; ${missingPaths} 404s: error-log ${JSON.stringify(e)}`,
        );
        report(
            `latency request -> receiver (40 single requests, 50 ms apart): median ${quantile(latencies, 0.5).toFixed(3)}s, p90 ${quantile(latencies, 0.9).toFixed(3)}s, max ${Math.max(...latencies).toFixed(3)}s`,
        );
        expect(load.sent, "requests sent").to.be.above(0);
        expect(s).to.deep.equal({ missing: 0, once: load.sent, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: missingPaths, duplicated: 0, extra: 0 });
        expect(
            probeArrivals.map((a) => a.length),
            "every probe arrived once",
        ).to.deep.equal(probes.map(() => 1));
    });

    it("receiver stopped for 30 s under traffic, then started: the agent waits in place, nothing missing once it caught up", async () => {
        const rate = 200;
        const n = 9000; // 45 s at 200 req/s: traffic before, during and after the outage
        const loading = loadPod(pod!.name, n, { tag: "outage", port: PORT, ratePerSecond: rate });
        await poll("the load's first lines at the receiver", 60_000, () =>
            receiver!.text().includes(`GET ${loadPrefix("outage")}`) ? true : undefined,
        );
        receiver!.stop();
        const stoppedAt = Date.now();
        // The batch in flight when the receiver went may still be recorded; then nothing more
        // (README: while the receiver is down the position does not move).
        const atStop = await settledOffset(volume, "access.log", 3000);
        const sizeAtStop = fs.statSync(path.join(volume, "access.log")).size;
        await sleep(Math.max(0, stoppedAt + 30_000 - Date.now()));
        const atStart = deliveredOffset(volume, "access.log");
        const sizeAtStart = fs.statSync(path.join(volume, "access.log")).size;
        // The last request logged by now (read now: once delivered, retention frees it).
        const backlog = lastRequestBefore(path.join(volume, "access.log"), sizeAtStart, loadPrefix("outage"));
        await receiver!.start();
        const startedAt = Date.now();
        const load = await loading;
        const { counts } = await awaitDelivered(load);
        // Recovery: from the receiver's start to the arrival (its own clock) of the last line nginx
        // had written by then -- the backlog of the outage. Reported: how fast is the machine's.
        const arrival = receiver!.messages().find((m) => m.msg.includes(`GET ${load.prefix}${backlog} `))?.at;
        const recovery = arrival === undefined ? Infinity : (arrival - startedAt) / 1000;
        const s = summarize(counts);
        report(
            `receiver down ${((startedAt - stoppedAt) / 1000).toFixed(1)}s, ${load.sent} requests at up to ${rate}/s: the agent's position ${atStop} -> ${atStart} while the log grew ${sizeAtStop} -> ${sizeAtStart} bytes; the backlog (up to request ${backlog}) at the receiver ${recovery.toFixed(2)}s after it started; ${JSON.stringify(s)}; duplicates bound ${AGENT.relpWindowSize} (the RELP window)`,
        );
        expect(atStop, "the agent recorded a position").to.not.equal(undefined);
        expect(sizeAtStart, "lines were logged while the receiver was down").to.be.above(sizeAtStop);
        expect(atStart, "the agent's position did not move while the receiver was down").to.equal(atStop);
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
    });

    it("sidecar kill -9 under traffic: nothing missing, at most about a second of lines delivered again", async () => {
        const n = 6000;
        const rate = 500;
        let loadDone = false;
        const loading = loadPod(pod!.name, n, { tag: "agent-kill", port: PORT, ratePerSecond: rate }).finally(
            () => (loadDone = true),
        );
        const before = copyOfPosition() ?? 0;
        await poll("agent.sh's copy of the position to move", 60_000, () =>
            (copyOfPosition() ?? 0) > before ? true : undefined,
        );
        const loadingAtKill = !loadDone;
        // After the kill: agent.sh's last copy of imfile's position and the log's end. The restart
        // resumes at imfile's position or, where the kill damaged its state file, at that copy
        // (never ahead of it); retention never frees past it. So what is delivered again is at
        // most the lines from the copy to the log's end at the kill (README: about a second of
        // lines), plus the RELP window as headroom.
        let bound = 0;
        let copy: number | undefined;
        const restart = await killAndAwaitRestart(pod!, "sidecar-container", () => {
            const log = path.join(volume, "access.log");
            copy = copyOfPosition();
            bound = linesBetween(log, copy ?? 0, fs.statSync(log).size) + AGENT.relpWindowSize;
        });
        const load = await loading;
        const { counts, waited } = await awaitDelivered(load);
        const s = summarize(counts);
        report(
            `sidecar kill -9 under ${rate} req/s: restarted in ${restart.toFixed(2)}s; ${JSON.stringify(s)} (bound ${bound}: lines after the copy of the position ${copy} at the kill, + ${AGENT.relpWindowSize}); all at the receiver ${waited.toFixed(2)}s after the load ended`,
        );
        expect(loadingAtKill, "the load was still running at the kill").to.equal(true);
        expect(copy, "agent.sh's copy of the position").to.not.equal(undefined);
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("retention with the receiver down: frees nothing undelivered (the bound yields), then nothing is lost", () =>
        retentionWhileDown({
            pod: pod!.name,
            port: PORT,
            volume,
            bound: MiB, // RETENTION.maxSize
            requests: 25_000, // ~2.5 MiB of access log: more than twice the bound
            tag: "retention-down",
            stop: () => receiver!.stop(),
            start: () => receiver!.start(),
            awaitDelivered,
            duplicateBound: AGENT.relpWindowSize,
        }));
});
