// Delivery into a real log-aggregation service: VictoriaLogs, built from its Go module
// (`npm run tools -- victorialogs`), runs on this machine with its syslog input; the production Pod,
// its destination that input over TCP, delivers nginx's logs there, and a LogsQL query for the
// last 24 hours -- what a developer tracing a bug asks -- finds every access and error line once.
// (Over plain TCP nothing is acknowledged: faults are tested with RELP, agent-delivery.test.ts.)
import { expect } from "chai";
import { awaitProgress } from "../../scripts/lib/exec";
import { awaitShipped, loadPod, summarize } from "../../scripts/lib/load";
import { requestInPod } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { nothingLeft, report, RunningPod, startPod } from "./harness";

const PORT = 8080; // the production preset's nginx port

describe("e2e: delivery into VictoriaLogs (syslog over TCP), queried for the last 24 hours", function () {
    this.timeout(15 * 60_000);
    let vl: VictoriaLogsProcess | undefined;
    let pod: RunningPod | undefined;

    before(async () => {
        vl = await VictoriaLogsProcess.start();
        // Pods reach this machine at their network's gateway.
        const gateway = podman([
            "network",
            "inspect",
            "podman-default-kube-network",
            "--format",
            "{{range .Subnets}}{{.Gateway}}{{end}}",
        ]).stdout.trim();
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
    });
});
