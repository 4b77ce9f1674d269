// Delivery to a log-aggregation service on a real podman: a receiver (rsyslog in receiver mode,
// tests/e2e/receiver.ts) runs as its own pod; the production Pod with a destination at the
// receiver's pod IP delivers nginx's access and error logs to it over RELP, with retention on.
// Counted line by line at the receiver, under load and faults; each test prints what it measured.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { AGENT } from "../../components";
import { awaitProgress } from "../../scripts/lib/exec";
import { awaitShipped, lastRequestBefore, LoadResult, loadPod, loadPrefix, summarize } from "../../scripts/lib/load";
import { requestInPod, volumeMountpoint } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { nothingLeft, report, RunningPod, startPod } from "./harness";
import { agentMetric, parsePrometheus, Samples } from "../helpers/prometheus";
import { DestinationUnderTest, killUnderLoad, outageUnderLoad, retentionWhileDown } from "./destinationFaults";
import { ReceiverPod, startReceiverPod } from "../../scripts/lib/receiverPod";

const PORT = 8080; // the production preset's nginx port
/** Waits for delivery end when nothing more has arrived for this long (a slow machine keeps arriving). */
const STALL_MS = 30_000;
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
    let marks = 0;
    const awaitDelivered = (load: LoadResult) =>
        awaitShipped(
            () => receiver!.text(),
            load,
            STALL_MS,
            () => {
                const mark = `/settled-${++marks}-${Date.now().toString(36)}`;
                requestInPod(pod!.name, mark, PORT);
                return mark;
            },
        );

    it("runs the agent under the restricted profile: uid 101, read-only root, no capabilities", async () => {
        const status = pod!.exec("sidecar-container", ["cat", "/proc/1/status"]);
        const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1].trim();
        const list = () =>
            pod!
                .exec("sidecar-container", [
                    "bash",
                    "-c",
                    'for p in /proc/[0-9]*; do echo "$(stat -c %u "$p") $(cat "$p/comm")"; done',
                ])
                .trim();
        // agent.sh checks the config (rsyslogd -N1) and its state before it starts rsyslogd: waited for.
        let procs = list();
        await awaitProgress(() => {
            procs = list();
            return { done: /\brsyslogd\b/.test(procs), progress: 0 };
        });
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

    it("nginx serves the agent's metrics on the metrics port, in Prometheus' format; they agree with the logs in the volume", async () => {
        // From inside the pod (its loopback), as a scraper on the pod network would reach the port.
        const scrape = () =>
            pod!.exec("sidecar-container", [
                "bash",
                "-c",
                `exec 3<>/dev/tcp/127.0.0.1/${AGENT.metrics.port} && printf 'GET ${AGENT.metrics.path} HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`,
            ]);
        const received = () => receiver!.messages().filter((m) => m.app.startsWith("nginx-")).length;
        let response = "";
        let s: Samples = new Map();
        const deadline = Date.now() + 60_000;
        for (;;) {
            response = scrape();
            s = parsePrometheus(response.slice(response.indexOf("\r\n\r\n") + 4));
            // The delivered positions the metrics give, against the logs' sizes in the volume.
            const caughtUp = (["access", "error"] as const).every(
                (log) =>
                    agentMetric(s, "backlog_bytes", log) === 0 &&
                    agentMetric(s, "delivered_bytes", log) === fs.statSync(path.join(volume, `${log}.log`)).size,
            );
            if (caughtUp) break;
            if (Date.now() > deadline)
                throw new Error(`the metrics never agreed with the logs in the volume:\n${response}`);
            await new Promise((r) => setTimeout(r, 1000));
        }
        const head = response.slice(0, response.indexOf("\r\n\r\n"));
        report(
            `metrics: ${head.split("\r\n")[0]}; delivered ${agentMetric(s, "delivered_bytes", "access")} + ${agentMetric(s, "delivered_bytes", "error")} B = the logs' sizes; ${received()} lines at the receiver; volume ${agentMetric(s, "volume_used_bytes")} of ${agentMetric(s, "volume_limit_bytes")} B`,
        );
        expect(head).to.match(/^HTTP\/1\.[01] 200 /);
        expect(head).to.match(/^Content-Type: text\/plain; version=0\.0\.4/im);
        // The production preset's logVolume.sizeLimit.
        expect(agentMetric(s, "volume_limit_bytes")).to.equal(256 * MiB);
        // A scrape is not an access-log line: nginx logs nothing for the metrics server.
        const before = received();
        scrape();
        requestInPod(pod!.name, "/?after=scrape", PORT);
        await awaitProgress(
            () => {
                const arrived = receiver!.messages().some((m) => m.msg.includes("GET /?after=scrape "));
                return { done: arrived, progress: received() };
            },
            { stallMs: STALL_MS },
        );
        const after = receiver!
            .messages()
            .filter((m) => m.app.startsWith("nginx-"))
            .slice(before)
            .map((m) => `${m.app}: ${m.msg}`);
        report(`after the scrape: ${JSON.stringify(after)}`);
        expect(after, "only the request after the scrape arrived").to.have.length(1);
    });

    /** The pod, its destination (the receiver) and what a stopped receiver may take twice. */
    const underTest = (): DestinationUnderTest => ({
        pod: pod!,
        port: PORT,
        volume,
        stop: () => receiver!.stop(),
        start: () => receiver!.start(),
        awaitDelivered,
        duplicateBound: AGENT.relpWindowSize,
        duplicateWhy: "the RELP window",
    });

    it("receiver stopped for 30 s under traffic, then started: the agent waits in place, nothing missing once it caught up", async () => {
        let backlog = 0;
        await outageUnderLoad(underTest(), "outage", {
            // The last request logged by the receiver's start (read then: once delivered, retention frees it).
            beforeStart: (sizeAtStart) =>
                (backlog = lastRequestBefore(path.join(volume, "access.log"), sizeAtStart, loadPrefix("outage"))),
            // Recovery: from the receiver's start to the arrival (its own clock) of the last line nginx
            // had written by then -- the backlog of the outage. Reported: how fast is the machine's.
            afterDelivered: (load, startedAt) => {
                const arrival = receiver!.messages().find((m) => m.msg.includes(`GET ${load.prefix}${backlog} `))?.at;
                const recovery = arrival === undefined ? Infinity : (arrival - startedAt) / 1000;
                return `the backlog (up to request ${backlog}) at the receiver ${recovery.toFixed(2)}s after it started`;
            },
        });
    });

    it("sidecar kill -9 under traffic: nothing missing, at most about a second of lines delivered again", () =>
        killUnderLoad(underTest(), "agent-kill"));

    it("retention with the receiver down: frees nothing undelivered (the bound yields), then nothing is lost", () =>
        // ~2.5 MiB of access log: more than twice the bound (RETENTION.maxSize).
        retentionWhileDown(underTest(), { tag: "retention-down", bound: MiB, requests: 25_000 }));
});
