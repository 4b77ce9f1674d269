// Delivery into a real log-aggregation service: VictoriaLogs, built from its Go module
// (`npm run tools -- victorialogs`), runs on this machine; the production Pod delivers nginx's logs
// there -- over syslog TCP, then over the Elasticsearch bulk API -- and a LogsQL query for the last
// 24 hours, what a developer tracing a bug asks, finds every access and error line once, with the
// record's fields (status, path, pod, ...). The bulk API acknowledges every batch: through an
// outage of the service, a kill -9 of the agent and retention while the service is down, nothing
// is lost. (Over plain TCP nothing is acknowledged: its faults are tested with RELP,
// agent-delivery.test.ts.)
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { AGENT } from "../../components";
import { awaitProgress, poll } from "../../scripts/lib/exec";
import { awaitShipped, linesBetween, LoadResult, loadPod, summarize } from "../../scripts/lib/load";
import { requestInPod, volumeMountpoint } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { deliveredCopy, deliveredOffset, settledOffset } from "../shipper/agentHarness";
import { killAndAwaitRestart, nothingLeft, report, RunningPod, startPod } from "./harness";
import { retentionWhileDown } from "./retentionWhileDown";

const PORT = 8080; // the production preset's nginx port
const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where pods reach this machine: their network's gateway. */
const gatewayOfPods = () =>
    podman([
        "network",
        "inspect",
        "podman-default-kube-network",
        "--format",
        "{{range .Subnets}}{{.Gateway}}{{end}}",
    ]).stdout.trim();

describe("e2e: delivery into VictoriaLogs (syslog over TCP), queried for the last 24 hours", function () {
    this.timeout(15 * 60_000);
    let vl: VictoriaLogsProcess | undefined;
    let pod: RunningPod | undefined;

    before(async () => {
        vl = await VictoriaLogsProcess.start();
        const gateway = gatewayOfPods();
        report(`VictoriaLogs ${vl.dir}: syslog TCP on ${gateway}:${vl.syslogPort}, HTTP on 127.0.0.1:${vl.httpPort}`);
        pod = await startPod("dev", {
            production: "true",
            destination: JSON.stringify({ syslog: { address: `${gateway}:${vl.syslogPort}`, protocol: "tcp" } }),
        });
    });

    after(async () => {
        const left: string[] = [];
        if (pod) {
            pod.down();
            left.push(...nothingLeft(pod));
        }
        await vl?.stop();
        expect(left).to.deep.equal([]);
    });

    it("every access-log and error-log line is found once by `_time:24h`, each record naming the pod", async () => {
        const n = 2000;
        const load = await loadPod(pod!.name, n, { tag: "vl", port: PORT });
        const missingPaths = 50;
        for (let i = 1; i <= missingPaths; i++) requestInPod(pod!.name, `/vl-missing-${i}`, PORT);
        const started = Date.now();
        // Until the service holds every line, or nothing more arrived for 30 s.
        const accessQuery = `_time:24h app_name:nginx-access "${load.prefix}"`;
        const access = await awaitShipped(
            async () => (await vl!.query(accessQuery)).map((r) => r._msg).join("\n"),
            load,
        );
        const errors = await awaitProgress(
            async () => {
                const records = await vl!.query(`_time:24h app_name:nginx-error "vl-missing-"`);
                const counts = Array.from(
                    { length: missingPaths },
                    (_, k) => records.filter((r) => r._msg.includes(`/vl-missing-${k + 1}"`)).length,
                );
                const found = counts.filter((c) => c > 0).length;
                return { records, counts, done: found === missingPaths, progress: found };
            },
            { stallMs: 30_000 },
        );
        const s = summarize(access.counts);
        const e = summarize(errors.last.counts);
        const accessRecords = await vl!.query(accessQuery);
        const hosts = [...new Set([...accessRecords, ...errors.last.records].map((r) => r.hostname))];
        report(
            `${load.sent} requests and ${missingPaths} 404s; after ${((Date.now() - started) / 1000).toFixed(1)} s the query _time:24h found access ${JSON.stringify(s)}, error ${JSON.stringify(e)}; hostname field: ${hosts.join(", ")}; try: curl http://127.0.0.1:${vl!.httpPort}/select/logsql/query -d 'query=_time:24h app_name:nginx-access'`,
        );
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s).to.deep.equal({ missing: 0, once: load.sent, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: missingPaths, duplicated: 0, extra: 0 });
        expect(hosts, "every record names the pod").to.deep.equal([pod!.name]);
        // The record's fields, taken apart from the CEE message (agentConf.ts).
        const [one] = accessRecords;
        expect(one).to.deep.include({
            status: "200",
            method: "GET",
            pod: pod!.name,
            container: "nginx-container",
            log: "access",
        });
    });
});

describe("e2e: delivery into VictoriaLogs over the Elasticsearch bulk API (production Pod, retention on)", function () {
    this.timeout(15 * 60_000);
    const RETENTION = { maxAge: "24h", maxSize: "1Mi" };
    let vl: VictoriaLogsProcess | undefined;
    let pod: RunningPod | undefined;
    let volume: string;

    before(async () => {
        // The pods post to its HTTP API, so it listens on every address.
        vl = await VictoriaLogsProcess.start({ httpHost: "0.0.0.0" });
        const url = vl.bulkUrl(gatewayOfPods());
        report(`VictoriaLogs ${vl.dir}: the pods' destination ${url}`);
        pod = await startPod("dev", {
            production: "true",
            destination: JSON.stringify({ elasticsearch: { url } }),
            retention: JSON.stringify(RETENTION),
        });
        volume = volumeMountpoint("shared-logs");
    });

    after(async () => {
        const left: string[] = [];
        if (pod) {
            pod.down();
            left.push(...nothingLeft(pod));
        }
        await vl?.stop();
        expect(left).to.deep.equal([]);
    });

    /** The access-log records of a load, as a query over the last 24 hours finds them. */
    const accessOf = async (load: LoadResult) => vl!.query(`_time:24h log:access "${load.prefix}"`);
    /** Until every request of the load is stored, or nothing more arrived for 30 s. */
    const awaitStored = (load: LoadResult) =>
        awaitShipped(async () => (await accessOf(load)).map((r) => r._msg).join("\n"), load);

    it("every access and error line is found once by `_time:24h`; status, path and pod are fields", async () => {
        const n = 2000;
        const load = await loadPod(pod!.name, n, { tag: "bulk", port: PORT });
        const missingPaths = 50;
        for (let i = 1; i <= missingPaths; i++) requestInPod(pod!.name, `/bulk-missing-${i}`, PORT);
        const { counts, waited } = await awaitStored(load);
        const errors = await awaitProgress(async () => {
            const records = await vl!.query(`_time:24h log:error "bulk-missing-"`);
            const c = Array.from(
                { length: missingPaths },
                (_, k) => records.filter((r) => r._msg.includes(`/bulk-missing-${k + 1}"`)).length,
            );
            const found = c.filter((x) => x > 0).length;
            return { counts: c, done: found === missingPaths, progress: found };
        });
        const notFound = await vl!.query(`_time:24h log:access status:404 path:="/bulk-missing-7"`);
        const [one] = await vl!.query(`_time:24h log:access query:="${load.prefix.slice(2)}1"`);
        const s = summarize(counts);
        const e = summarize(errors.last.counts);
        report(
            `${load.sent} requests and ${missingPaths} 404s: found ${waited.toFixed(1)} s after the load: access ${JSON.stringify(s)}, error ${JSON.stringify(e)}; a record: ${JSON.stringify(one)}; try: curl http://127.0.0.1:${vl!.httpPort}/select/logsql/query -d 'query=_time:24h status:>=400 | stats by (pod, path) count()'`,
        );
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s).to.deep.equal({ missing: 0, once: load.sent, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: missingPaths, duplicated: 0, extra: 0 });
        // The record's fields: nginx's JSON access log and the downward API's.
        expect(one).to.deep.include({
            status: "200",
            method: "GET",
            path: "/",
            query: `${load.prefix.slice(2)}1`,
            pod: pod!.name,
            container: "nginx-container",
            log: "access",
        });
        expect(one.request_id).to.match(/^[0-9a-f]{32}$/);
        expect(notFound, "a 404 is found by status and path").to.have.length(1);
    });

    it("the service down for 30 s under traffic: the agent waits in place, nothing missing once it is back", async () => {
        const rate = 200;
        const n = 9000; // 45 s at 200 req/s: traffic before, during and after the outage
        const loading = loadPod(pod!.name, n, { tag: "bulk-outage", port: PORT, ratePerSecond: rate });
        const before = deliveredOffset(volume, "access.log") ?? 0;
        await poll("the agent to deliver the load's first lines", 60_000, () =>
            (deliveredOffset(volume, "access.log") ?? 0) > before ? true : undefined,
        );
        await vl!.pause();
        const stoppedAt = Date.now();
        const atStop = await settledOffset(volume, "access.log", 3000);
        const sizeAtStop = fs.statSync(path.join(volume, "access.log")).size;
        await sleep(Math.max(0, stoppedAt + 30_000 - Date.now()));
        const atStart = deliveredOffset(volume, "access.log");
        const sizeAtStart = fs.statSync(path.join(volume, "access.log")).size;
        await vl!.resume();
        const startedAt = Date.now();
        const load = await loading;
        const { counts, waited } = await awaitStored(load);
        const s = summarize(counts);
        report(
            `service down ${((startedAt - stoppedAt) / 1000).toFixed(1)}s, ${load.sent} requests at up to ${rate}/s: the agent's position ${atStop} -> ${atStart} while the log grew ${sizeAtStop} -> ${sizeAtStart}; all stored ${waited.toFixed(1)}s after the load ended; ${JSON.stringify(s)}; duplicates bound ${AGENT.batchLines} (a batch)`,
        );
        expect(sizeAtStart, "lines were logged while the service was down").to.be.above(sizeAtStop);
        expect(atStart, "the agent's position did not move while the service was down").to.equal(atStop);
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(AGENT.batchLines);
    });

    it("sidecar kill -9 under traffic: nothing missing, at most about a second of lines delivered again", async () => {
        const n = 6000;
        const rate = 500;
        let loadDone = false;
        const loading = loadPod(pod!.name, n, { tag: "bulk-kill", port: PORT, ratePerSecond: rate }).finally(
            () => (loadDone = true),
        );
        const before = deliveredCopy(volume) ?? 0;
        await poll("agent.sh's copy of the position to move", 60_000, () =>
            (deliveredCopy(volume) ?? 0) > before ? true : undefined,
        );
        const loadingAtKill = !loadDone;
        let bound = 0;
        let copy: number | undefined;
        const restart = await killAndAwaitRestart(pod!, "sidecar-container", () => {
            const log = path.join(volume, "access.log");
            copy = deliveredCopy(volume);
            bound = linesBetween(log, copy ?? 0, fs.statSync(log).size) + AGENT.batchLines;
        });
        const load = await loading;
        const { counts, waited } = await awaitStored(load);
        const s = summarize(counts);
        report(
            `sidecar kill -9 under ${rate} req/s: restarted in ${restart.toFixed(2)}s; ${JSON.stringify(s)} (bound ${bound}: lines after the copy of the position ${copy}, + a batch); all stored ${waited.toFixed(1)}s after the load ended`,
        );
        expect(loadingAtKill, "the load was still running at the kill").to.equal(true);
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("retention with the service down: frees nothing undelivered (the bound yields), then nothing is lost", () =>
        retentionWhileDown({
            pod: pod!.name,
            port: PORT,
            volume,
            bound: MiB, // RETENTION.maxSize
            requests: 12_000, // ~3 MiB of JSON access log: more than twice the bound
            tag: "bulk-retention",
            stop: () => vl!.pause(),
            start: () => vl!.resume(),
            awaitDelivered: awaitStored,
            duplicateBound: AGENT.batchLines,
        }));
});
