// Delivery into a real log-aggregation service: VictoriaLogs, built from its Go module
// (`npm run tools -- victorialogs`), runs on this machine; the production Pod delivers nginx's logs
// there -- over syslog TCP, then over the Elasticsearch bulk API -- and a LogsQL query for the last
// 24 hours, what a developer tracing a bug asks, finds every access and error line once, with the
// record's fields (status, path, pod, ...). The bulk API acknowledges every batch: through an
// outage of the service, a kill -9 of the agent and retention while the service is down, nothing
// is lost. (Over plain TCP nothing is acknowledged: its faults are tested with RELP,
// agent-delivery.test.ts.)
import { expect } from "chai";
import { AGENT } from "../../components";
import { awaitProgress } from "../../scripts/lib/exec";
import { awaitShipped, LoadResult, loadPod, summarize } from "../../scripts/lib/load";
import { requestInPod, volumeMountpoint } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { nothingLeft, report, RunningPod, startPod } from "./harness";
import { DestinationUnderTest, killUnderLoad, outageUnderLoad, retentionWhileDown } from "./destinationFaults";

const PORT = 8080; // the production preset's nginx port
const MiB = 2 ** 20;

/** Takes the pod down and stops VictoriaLogs; fails if anything of the pod is left. */
async function tearDown(pod: RunningPod | undefined, vl: VictoriaLogsProcess | undefined): Promise<void> {
    const left: string[] = [];
    if (pod) {
        pod.down();
        left.push(...nothingLeft(pod));
    }
    await vl?.stop();
    expect(left).to.deep.equal([]);
}

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

    after(() => tearDown(pod, vl));

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

    after(() => tearDown(pod, vl));

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

    /** The pod, its destination (VictoriaLogs) and what a stopped service may take twice. */
    const underTest = (): DestinationUnderTest => ({
        pod: pod!,
        port: PORT,
        volume,
        stop: () => vl!.pause(),
        start: () => vl!.resume(),
        awaitDelivered: awaitStored,
        duplicateBound: AGENT.recordEveryLines,
        duplicateWhy: "a batch",
    });

    it("the service down for 30 s under traffic: the agent waits in place, nothing missing once it is back", () =>
        outageUnderLoad(underTest(), "bulk-outage"));

    it("sidecar kill -9 under traffic: nothing missing, at most about a second of lines delivered again", () =>
        killUnderLoad(underTest(), "bulk-kill"));

    it("retention with the service down: frees nothing undelivered (the bound yields), then nothing is lost", () =>
        // ~3 MiB of JSON access log: more than twice the bound (RETENTION.maxSize).
        retentionWhileDown(underTest(), { tag: "bulk-retention", bound: MiB, requests: 12_000 }));
});
