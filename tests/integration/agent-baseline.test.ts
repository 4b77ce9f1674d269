// The log agent holds the destination's credentials, so it runs hardened in every profile (#34):
// under the default `baseline` profile, where nginx stays the seed's (root, port 80), the agent's
// process runs as uid 101 with no capability, seccomp on and a read-only root -- as the kubelet
// started it -- and still reads nginx's root-owned logs and delivers them into the LogService,
// where `npm run logs` (the stack's outputs, kubectl port-forward) finds them.
import { expect } from "chai";
import { AGENT } from "../../components";
import { spawn, spawnSync } from "child_process";
import { awaitProgress } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";
import { agentMetric, parsePrometheus } from "../helpers/prometheus";
import {
    kubectl,
    logsCli,
    logsRecords,
    logServiceVolume,
    portForward,
    Project,
    loadInNginx,
    rawRequestInNginx,
    report,
    requestInNginx,
    requirePrerequisites,
} from "./harness";
import { emptyDirFileOnNode, iptablesInPod, kwokNode, processStatus, stopSignals, watchTaskExits } from "./node";

describe("integration: the log agent under the baseline profile (pulumi up, the real node)", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-agent-baseline");
        project = new Project("agent-baseline");
        project.must(["stack", "init", "dev"], { quiet: true });
        // The dev stack's settings, and a LogService the webserver delivers to (baseline: the default),
        // opened: this test is the agent's; a closed one is logservice-closed.test.ts's.
        project.must(["config", "set", "--stack", "dev", "webserver-sidecar:logService", '{"access":{"open":true}}'], {
            quiet: true,
        });
        project.must(["up", "--yes", "--stack", "dev"]);
    });

    after(() => {
        try {
            project?.tearDown(["dev"], ["pod/webserver", "statefulset/logs", "service/logs"]);
        } finally {
            removeVolume();
        }
    });

    it("nginx runs as the seed's (root); the agent as uid 101, no capability, seccomp on, a read-only root", () => {
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        expect(kwokNode(pod.spec.nodeName), "on the real node").to.equal(false);
        expect(pod.status.phase).to.equal("Running");
        const nginx = processStatus("webserver", "nginx-container");
        expect(nginx).to.match(/^Uid:\s+0\s+0\s+0\s+0$/m);
        const agent = processStatus("webserver", "sidecar-container");
        expect(agent).to.match(/^Uid:\s+101\s+101\s+101\s+101$/m);
        expect(agent).to.match(/^CapEff:\s+0000000000000000$/m);
        expect(agent, "seccomp filter mode").to.match(/^Seccomp:\s+2$/m);
        expect(agent).to.match(/Read-only file system/);
    });

    it("the hardened agent reads nginx's root-owned logs and delivers them: a request found once in the LogService", async function () {
        this.timeout(5 * 60_000);
        const p = `/agent-baseline-${Date.now().toString(36)}`;
        expect(requestInNginx("webserver", `http://localhost:80${p}`)).to.equal("404");
        const forward = await portForward("svc/logs", 9428);
        try {
            const query = () => queryLogsQL(forward, `_time:1h log:access path:="${p}" | fields pod, status`);
            const { waited } = await awaitProgress(async () => {
                const found = await query();
                return { done: found.length > 0, progress: found.length };
            });
            // Counted once the request arrived, and again after: a duplicate arriving late shows.
            const records = await query();
            report(`LogsQL after ${waited.toFixed(1)} s: ${JSON.stringify(records)}`);
            expect(records).to.deep.equal([{ pod: "webserver", status: "404" }]);
        } finally {
            forward.close();
        }
    });

    // Only the pod's connections to the LogService are refused (a rule in its network namespace).
    const RULE = ["-p", "tcp", "--dport", "9428", "-j", "REJECT", "--reject-with", "tcp-reset"];

    // Delivery you can watch (#32, item 4), on the real node: what nginx serves at :9180/metrics
    // against what the volume holds (read on the node) and what the LogService counted.
    it("the agent's metrics agree with the LogService: delivered up to the log's end, as many lines as it stored", async function () {
        this.timeout(5 * 60_000);
        const p = `/metrics-check-${Date.now().toString(36)}-`;
        for (let i = 1; i <= 20; i++)
            expect(requestInNginx("webserver", `http://localhost:80${p}${i}`)).to.equal("404");
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        const accessLog = () => emptyDirFileOnNode(pod.metadata.uid, "shared-logs", "access.log") ?? "";
        const scrape = () => {
            const r = kubectl([
                "exec",
                "webserver",
                "-c",
                "nginx-container",
                "--",
                "curl",
                "-s",
                "http://localhost:9180/metrics",
            ]);
            expect(r.code, r.out).to.equal(0);
            return parsePrometheus(r.stdout);
        };
        // Written every few seconds: waited for until it has caught up with the log (no request meanwhile).
        let s = scrape();
        await awaitProgress(async () => {
            s = scrape();
            const size = Buffer.byteLength(accessLog());
            return {
                done: agentMetric(s, "delivered_bytes", "access") === size,
                progress: agentMetric(s, "delivered_bytes", "access") ?? 0,
            };
        });
        const log = accessLog();
        const delivered = agentMetric(s, "delivered_bytes", "access")!;
        const linesDelivered = Buffer.from(log).subarray(0, delivered).toString().split("\n").length - 1;
        const forward = await portForward("svc/logs", 9428);
        try {
            const stored = async () =>
                Number(
                    (
                        await queryLogsQL(
                            forward,
                            `_time:>=${pod.metadata.creationTimestamp} log:access pod:webserver | stats count() as n`,
                        )
                    )[0]?.n ?? 0,
                );
            await awaitProgress(async () => {
                const n = await stored();
                return { done: n >= linesDelivered, progress: n };
            });
            const n = await stored();
            report(
                `metrics: access.log delivered_bytes ${delivered} = its size on the node (${Buffer.byteLength(log)} B, ${linesDelivered} lines), backlog ${agentMetric(s, "backlog_bytes", "access")} B, stalled ${agentMetric(s, "delivery_stalled", "access")}; the LogService holds ${n} access records of this pod`,
            );
            expect(n, "records the LogService holds").to.equal(linesDelivered);
            expect(agentMetric(s, "backlog_bytes", "access")).to.equal(0);
            expect(agentMetric(s, "delivery_stalled", "access")).to.equal(0);
            expect(log).to.contain(`"path":"${p}20"`);
        } finally {
            forward.close();
        }
    });

    // The developer's loop (README): `npm run logs` in the project, nothing but the stack's name.
    const CLI = logsCli();

    it("npm run logs -- --status 5xx --since 1h prints exactly the failed requests the test made, with their pod", () => {
        const run = Date.now().toString(36);
        // Two 505s (a request line of HTTP/3.0, which curl will not send), beside a 404 and a 200 of the test's.
        const failed = [`/logs-cli-${run}-a`, `/logs-cli-${run}-b`];
        for (const p of failed) expect(rawRequestInNginx("webserver", `GET ${p} HTTP/3.0`, 80)).to.equal(505);
        expect(requestInNginx("webserver", `http://localhost:80/logs-cli-${run}-c`)).to.equal("404");
        expect(requestInNginx("webserver", "http://localhost:80/")).to.equal("200");
        // The test's own requests, by the run's tag in the message (nginx logs no path for a request it refuses).
        const mine = `"logs-cli-${run}"`;
        let r: ReturnType<typeof logsRecords> | undefined;
        const lines = () => (r = logsRecords(project!, ["--status", "5xx", "--since", "1h", mine])).records;
        const seen = (x: Record<string, string>) => [x.pod, x.status, failed.find((p) => x._msg.includes(`${p} `))];
        return awaitProgress(async () => {
            const found = lines();
            return { done: found.length >= failed.length, progress: found.length };
        }).then(() => {
            const found = lines();
            report(`npm run logs -- --status 5xx: ${r!.stderr.trim()} ${JSON.stringify(found.map(seen))}`);
            expect(r!.status, r!.stderr).to.equal(0);
            expect(found.map(seen).sort()).to.deep.equal(failed.map((p) => ["webserver", "505", p]));
            // The table form names the pod too.
            const table = spawnSync("node", [...CLI, "--status", "5xx", "--since", "1h", mine], {
                cwd: project!.dir,
                env: project!.env,
                encoding: "utf8",
                timeout: 120_000,
            });
            // (A refused request line leaves nginx's path empty: the table leaves out a column no row has.)
            expect(table.stdout.split("\n")[0]).to.match(/^time +pod +log +status +.*msg$/);
            expect(table.stdout.trim().split("\n").slice(1)).to.have.length(2);
        });
    });

    it("npm run logs -- --follow shows a request made after it started", async () => {
        const p = `/logs-follow-${Date.now().toString(36)}`;
        const tail = spawn("node", [...CLI, "--follow", "--json", `path:="${p}"`], {
            cwd: project!.dir,
            env: project!.env,
        });
        let out = "";
        let err = "";
        tail.stdout.on("data", (d) => (out += d));
        tail.stderr.on("data", (d) => (err += d));
        try {
            await until("the tail's start", 120_000, () => err.includes("logs: "));
            const made = Date.now();
            expect(requestInNginx("webserver", `http://localhost:80${p}`)).to.equal("404");
            await until("the request on the tail", 120_000, () => out.includes(p));
            report(`--follow: the request after ${((Date.now() - made) / 1000).toFixed(1)} s: ${out.trim()}`);
            expect(
                out
                    .trim()
                    .split("\n")
                    .map((l) => JSON.parse(l).path),
            ).to.deep.equal([p]);
        } finally {
            tail.kill("SIGINT");
        }
    });

    it("npm run logs on a stack without a LogService, or on no stack, says so", () => {
        project!.must(["stack", "init", "empty"], { quiet: true });
        try {
            const ask = (stack: string) =>
                spawnSync("node", logsCli(stack), {
                    cwd: project!.dir,
                    env: project!.env,
                    encoding: "utf8",
                });
            const empty = ask("empty");
            expect(empty.status).to.equal(1);
            expect(empty.stderr).to.match(/^error: stack empty has no LogService \(no logServiceName output\)/m);
            const none = ask("nonexistent");
            expect(none.status).to.equal(1);
            expect(none.stderr).to.match(/^error: pulumi stack output --stack nonexistent: .*nonexistent/m);
        } finally {
            project!.pulumi(["stack", "rm", "--yes", "--force", "empty"], { quiet: true });
            project!.must(["stack", "select", "dev"], { quiet: true });
        }
    });

    // Last: it deletes the Pod. Drain on termination (docs/delivery.md), on the real node: the
    // kubelet's TERM reaches the agent while its connections to the LogService are refused, lines
    // undelivered; the LogService is reachable again once nginx has stopped, within the drain. The
    // sidecar is a classic one: its preStop hook holds the agent's TERM until nginx has exited,
    // which the runtime's exit events and the time the agent's own TERM line reached its log show.
    it("kubectl delete pod under load, the LogService refused: the agent's TERM comes after nginx's exit; every request nginx answered is delivered once", async function () {
        this.timeout(10 * 60_000);
        const tag = `/drain-${Date.now().toString(36)}-`;
        // Requests one after another inside nginx's container; each answered one printed with its number.
        const load = loadInNginx("webserver", tag);
        const answered = load.answered;
        const loadEnded = load.ended;
        let blocked = false;
        let watch: ReturnType<typeof watchTaskExits> | undefined;
        try {
            await until("the first 200 answers", 120_000, () => answered().length >= 200);
            expect(iptablesInPod("default", "webserver", ["-I", "OUTPUT", ...RULE]), "the rule in the pod").to.equal(0);
            blocked = true;
            const atBlock = answered().length;
            await until(
                "500 more answers while the LogService is refused",
                120_000,
                () => answered().length >= atBlock + 500,
            );
            const before = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
            const idOf = (name: string) =>
                before.status.containerStatuses
                    .find((c: any) => c.name === name)
                    .containerID.slice("containerd://".length) as string;
            const nginxId = idOf("nginx-container");
            const agentId = idOf("sidecar-container");
            watch = watchTaskExits();
            const deleted = spawnSync("kubectl", ["delete", "pod", "webserver", "--wait=false"], { encoding: "utf8" });
            expect(deleted.status, deleted.stderr).to.equal(0);
            // nginx stopped: the exec that made the requests ends with it.
            await until("the load's end (nginx stopped)", 120_000, loadEnded);
            const lastAnswered = answered().length;
            // The agent drains now, the lines since the block undelivered; the LogService is let through.
            const unblocked = iptablesInPod("default", "webserver", ["-D", "OUTPUT", ...RULE]);
            blocked = false;
            const gone = spawnSync("kubectl", ["wait", "--for=delete", "pod/webserver", "--timeout=120s"], {
                encoding: "utf8",
            });
            expect(gone.status, `the Pod gone: ${gone.stderr}`).to.equal(0);
            const exits = await watch.stop();
            watch = undefined;
            // The containers' own exits (a process kubectl exec started in nginx's ends too).
            const exitOf = (id: string) => exits.find((e) => e.init && e.containerId === id);
            const nginxExit = exitOf(nginxId);
            const agentExit = exitOf(agentId);
            const stop = stopSignals([nginxId, agentId]);
            const said = (id: string) => `${stop[id]?.signal} at ${stop[id]?.at.toFixed(3)}`;
            report(
                `the runtime: nginx stopped (${said(nginxId)}), exited at ${nginxExit?.exitedAt.toFixed(3)} (status ${nginxExit?.status}); the agent stopped (${said(agentId)}), exited at ${agentExit?.exitedAt.toFixed(3)} (status ${agentExit?.status})`,
            );
            expect(nginxExit, "nginx's exit event").to.not.equal(undefined);
            expect(agentExit, "the agent's exit event").to.not.equal(undefined);
            expect(stop[agentId]?.signal, "the runtime's TERM to the agent").to.equal("terminated");
            // The preStop hook held the agent's TERM until nginx had exited: nginx's last line came first.
            expect(stop[agentId]!.at, "the agent's TERM after nginx's exit").to.be.above(nginxExit!.exitedAt);
            // It drained and exited by itself, not at the grace period's end (SIGKILL: 137).
            expect(agentExit!.status).to.equal(0);
            const forward = await portForward("svc/logs", 9428);
            try {
                const ids = answered();
                // The Pod and its agent are gone: what the LogService holds now is all there will be.
                const records = await queryLogsQL(forward, `_time:1h log:access path:"${tag}"* | fields path`);
                const c = new Map<number, number>();
                for (const r of records) {
                    const i = Number(r.path.slice(tag.length));
                    c.set(i, (c.get(i) ?? 0) + 1);
                }
                const missing = ids.filter((i) => !c.has(i));
                const twice = ids.filter((i) => (c.get(i) ?? 0) > 1);
                report(
                    `load: ${ids.length} requests answered (${atBlock} before the block, ${lastAnswered - atBlock} after it, then the Pod deleted; the rule removed ${unblocked === 0 ? "while the agent drained" : "too late: the pod was gone"}); in the LogService: ${c.size} of them, missing ${missing.length}, twice ${twice.length}`,
                );
                expect(missing.slice(0, 20), "answered requests never delivered").to.deep.equal([]);
                expect(unblocked, "the pod was still there to let the LogService through").to.equal(0);
                // A bulk request cut by the block may be sent again once it is lifted: at most a batch.
                expect(twice.length, "delivered twice").to.be.at.most(AGENT.recordEveryLines);
            } finally {
                forward.close();
            }
        } finally {
            if (blocked) iptablesInPod("default", "webserver", ["-D", "OUTPUT", ...RULE]);
            load.stop();
            await watch?.stop();
        }
    });

    // After the drain test (the Pod gone): `pulumi up --refresh` makes it again. Termination with the
    // destination down through the whole drain: what the termination message counts is compared
    // with what the LogService holds of the requests nginx answered.
    it("kubectl delete pod with the LogService refused through the drain: the termination message counts exactly the requests the LogService never got", async function () {
        this.timeout(10 * 60_000);
        project!.must(["up", "--yes", "--refresh", "--stack", "dev"]);
        const tag = `/undelivered-${Date.now().toString(36)}-`;
        // N requests one after another inside nginx's container: the numbers of those answered.
        const requests = (from: number, to: number): number[] => {
            const r = kubectl([
                "exec",
                "webserver",
                "-c",
                "nginx-container",
                "--",
                "sh",
                "-c",
                `i=${from}; while [ $i -le ${to} ]; do c=$(curl -s -o /dev/null -w '%{http_code}' http://localhost:80${tag}$i) && echo "$c $i"; i=$((i+1)); done`,
            ]);
            expect(r.code, r.out).to.equal(0);
            return r.stdout
                .split("\n")
                .filter((l) => /^\d{3} \d+$/.test(l))
                .map((l) => Number(l.split(" ")[1]));
        };
        const forward = await portForward("svc/logs", 9428);
        let blocked = false;
        let watcher: ReturnType<typeof spawn> | undefined;
        let exits: ReturnType<typeof watchTaskExits> | undefined;
        try {
            const stored = async () =>
                (await queryLogsQL(forward, `_time:1h log:access path:"${tag}"* | fields path`)).map((r) =>
                    Number(r.path.slice(tag.length)),
                );
            const first = requests(1, 100);
            await awaitProgress(async () => {
                const n = (await stored()).length;
                return { done: n >= first.length, progress: n };
            });
            expect(iptablesInPod("default", "webserver", ["-I", "OUTPUT", ...RULE]), "the rule in the pod").to.equal(0);
            blocked = true;
            const second = requests(101, 300);
            const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
            const nginxId = pod.status.containerStatuses
                .find((c: any) => c.name === "nginx-container")
                .containerID.slice("containerd://".length) as string;
            exits = watchTaskExits();
            // The pod's status as the kubelet writes it, to the end: the sidecar's termination message.
            let statuses = "";
            watcher = spawn("kubectl", ["get", "pod", "webserver", "--watch", "--output-watch-events", "-o", "json"]);
            watcher.stdout!.on("data", (d) => (statuses += d));
            const watcherClosed = new Promise((r) => watcher!.once("close", r));
            const deleted = spawnSync("kubectl", ["delete", "pod", "webserver", "--wait=false"], { encoding: "utf8" });
            expect(deleted.status, deleted.stderr).to.equal(0);
            // Waited for without blocking: the watch's output is read meanwhile.
            // One event a line, as JSON.
            const events = () =>
                statuses
                    .split("\n")
                    .filter((l) => l.startsWith("{") && l.endsWith("}"))
                    .map((l) => JSON.parse(l));
            const statusOf = (e: any, name: string) =>
                (e.object?.status?.containerStatuses ?? []).find((c: any) => c.name === name);
            // nginx has exited (its last lines written, the shutdown notices included) while the agent
            // drains into the refused LogService: error.log's lines, counted in the volume on the node.
            // (The runtime's exit event: the kubelet may report nginx's end only with the sidecar's.)
            await until("nginx's exit (the runtime's event)", 60_000, () =>
                exits!.exits().some((e) => e.init && e.containerId === nginxId),
            );
            const errorLog = emptyDirFileOnNode(pod.metadata.uid, "shared-logs", "error.log");
            expect(errorLog, "error.log in the pod's volume on the node, the agent draining").to.not.equal(undefined);
            const errorLines = errorLog!.split("\n").length - 1;
            const podCreated = pod.metadata.creationTimestamp as string;
            await until("the watch's DELETED event", 180_000, () => events().some((e) => e.type === "DELETED"));
            blocked = false;
            watcher.kill();
            await watcherClosed;
            const message =
                events()
                    .map((e) => statusOf(e, "sidecar-container")?.state?.terminated)
                    .filter(Boolean)
                    .map((t: any) => String(t.message ?? ""))
                    .pop() ?? "";
            const ids = [...first, ...second];
            const have = new Set(await stored());
            const never = ids.filter((i) => !have.has(i));
            // This pod's error lines the LogService holds (each stamped when the agent read it).
            const errorsStored = (
                await queryLogsQL(forward, `_time:>=${podCreated} log:error pod:webserver | stats count() as n`)
            )[0]?.n;
            report(
                `${ids.length} requests answered (${first.length} delivered before the block, ${second.length} after it); the LogService holds ${have.size} of them, never got ${never.length}; error.log: ${errorLines} lines in the volume after nginx's exit, ${errorsStored} in the LogService; the termination message: ${JSON.stringify(message)}`,
            );
            const said = (log: string) =>
                new RegExp(
                    `^log-agent: terminating at the drain deadline \\((\\d+)s after the Pod's stop began\\) with (\\d+) lines \\(\\d+ bytes\\) of ${log.replace(".", "\\.")} not sent$`,
                    "m",
                ).exec(message);
            const access = said("access.log");
            const errors = said("error.log");
            expect(access, `the termination message: ${message}`).to.not.equal(null);
            expect(errors, `the termination message: ${message}`).to.not.equal(null);
            expect(message.trim().split("\n")).to.have.length(2);
            // Kubernetes' 30 s less the 2 s margin, counted from the preStop hook.
            expect(Number(access![1])).to.equal(28);
            expect(never.length, "the requests after the block").to.equal(second.length);
            expect(Number(access![2]), "access.log lines the message counts").to.equal(never.length);
            expect(Number(errors![2]), "error.log lines the message counts").to.equal(
                errorLines - Number(errorsStored),
            );
        } finally {
            watcher?.kill();
            await exits?.stop();
            if (blocked) iptablesInPod("default", "webserver", ["-D", "OUTPUT", ...RULE]);
            forward.close();
        }
    });
});

/** Polls `probe` every 200 ms until it holds, for at most `ms`: the seconds waited. */
async function until(what: string, ms: number, probe: () => boolean): Promise<number> {
    const start = Date.now();
    while (!probe()) {
        if (Date.now() - start > ms) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
    return (Date.now() - start) / 1000;
}
