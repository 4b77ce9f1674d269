// The LogService's alerting rules, run: vmalert (built from its Go module) evaluates the rules the
// component writes (components/logService/alerting.ts) against VictoriaLogs, and posts what fires
// to a fake Alertmanager on loopback, which records every request. Records are stored through the
// bulk API with the LogService's query, stamped as the agent stamps them (@timestamp), some half an
// hour old: a pod that logged then and not since is silent now, without waiting for it.
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { validateLogService } from "../../components";
import { alertRulesFile, ValidatedAlerting, vmalertArgs } from "../../components/logService/alerting";
import { poll } from "../../scripts/lib/exec";
import { toolDir } from "../../scripts/lib/tools";
import { freePort } from "../../scripts/lib/syslogReceiver";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { VmauthProcess } from "../../scripts/lib/vmauth";
import { accessNames } from "../../components/logService/access";
import { report } from "./harness";

interface PostedAlert {
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

/** An Alertmanager's API as vmalert calls it: every POST to /api/v2/alerts, parsed, in order. */
async function fakeAlertmanager(): Promise<{ url: string; posts: PostedAlert[][]; close: () => void }> {
    const posts: PostedAlert[][] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
            if (req.method === "POST" && req.url === "/api/v2/alerts") posts.push(JSON.parse(body));
            res.writeHead(req.url === "/api/v2/alerts" ? 200 : 404).end();
        });
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${port}`, posts, close: () => server.close() };
}

/** Stores `n` access records of pod `pod` (status `status`, stamped `at`) as the agent sends them. */
function store(vl: VictoriaLogsProcess, pod: string, status: number, at: Date, n: number): Promise<void> {
    return vl.storeRecords(
        Array.from({ length: n }, (_, i) => ({
            "@timestamp": at.toISOString(),
            message: `GET /alerts-${pod}-${i} HTTP/1.1 ${status}`,
            namespace: "default",
            pod,
            container: "nginx-container",
            log: "access",
            status,
        })),
    );
}

/**
 * vmalert with the component's command line, its datasource, rules file and listener moved to this
 * test's; `closed`: a closed LogService's (vmauth at `port`, the reader's password in a file, as the
 * pod mounts it from the reader's Secret).
 */
function startVmalert(
    vl: VictoriaLogsProcess,
    a: ValidatedAlerting,
    dir: string,
    port: number,
    closed?: { port: number; readerPassword: string },
): ChildProcess {
    const rules = path.join(dir, "rules.yaml");
    fs.writeFileSync(rules, alertRulesFile(a));
    const passwordFile = path.join(dir, "reader-password");
    if (closed) fs.writeFileSync(passwordFile, closed.readerPassword);
    const moved: Record<string, string> = {
        "-rule": rules,
        "-datasource.url": `http://127.0.0.1:${closed ? closed.port : vl.httpPort}`,
        "-httpListenAddr": `127.0.0.1:${port}`,
        "-datasource.basicAuth.passwordFile": passwordFile,
    };
    const args = vmalertArgs("logs", a, closed && accessNames("logs").reader).map((f) => {
        const name = f.slice(0, f.indexOf("="));
        return name in moved ? `${name}=${moved[name]}` : f;
    });
    return spawn(path.join(toolDir("vmalert"), "vmalert"), args, { stdio: ["ignore", "pipe", "pipe"] });
}

/** Each (alertname, pod) pair posted, with its summary: "WebserverErrors default/busy: ...". */
const firing = (posts: PostedAlert[][]) =>
    [
        ...new Set(
            posts
                .flat()
                .map((x) => `${x.labels.alertname} ${x.labels.namespace}/${x.labels.pod}: ${x.annotations.summary}`),
        ),
    ].sort();

describe("LogService alerting: vmalert evaluates the component's rules against VictoriaLogs", function () {
    this.timeout(120_000);
    let vl: VictoriaLogsProcess | undefined;
    let vmalert: ChildProcess | undefined;
    let am: Awaited<ReturnType<typeof fakeAlertmanager>> | undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmalert-"));
    let out = "";

    after(async () => {
        vmalert?.kill("SIGTERM");
        am?.close();
        await vl?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("5xx from a pod at or above the threshold and a pod gone silent fire, each labelled with its pod and count; a pod below the threshold and a steady one do not", async () => {
        vl = await VictoriaLogsProcess.start();
        am = await fakeAlertmanager();
        const alerting = validateLogService("logs", {
            access: { open: true },
            alerting: {
                notifierUrl: am.url,
                errorThreshold: 3,
                errorWindow: "5m",
                silentAfter: "10m",
                silenceLookback: "1h",
                evaluationInterval: "1s",
            },
        }).alerting!;
        const now = new Date();
        const halfAnHourAgo = new Date(now.getTime() - 30 * 60_000);
        await store(vl, "busy", 503, now, 4); // 4 >= 3: fires WebserverErrors
        await store(vl, "edge", 502, now, 3); // 3, the threshold itself: fires
        await store(vl, "calm", 500, now, 2); // 2 < 3: does not
        await store(vl, "calm", 200, now, 5);
        await store(vl, "quiet", 200, halfAnHourAgo, 5); // logged half an hour ago, not since: silent
        await store(vl, "steady", 200, halfAnHourAgo, 2); // logged then and now: not silent
        await store(vl, "steady", 200, now, 2);
        await store(vl, "busy", 200, halfAnHourAgo, 1);
        await poll("VictoriaLogs answers with every record", 30_000, async () =>
            (await vl!.query("_time:2h | stats count() as n"))[0]?.n === "24" ? true : undefined,
        );

        const port = await freePort();
        vmalert = startVmalert(vl, alerting, dir, port);
        vmalert.stdout!.on("data", (d) => (out += d));
        vmalert.stderr!.on("data", (d) => (out += d));
        const expected = [
            "WebserverErrors default/busy: pod default/busy answered 4 requests with 5xx in the last 300s",
            "WebserverErrors default/edge: pod default/edge answered 3 requests with 5xx in the last 300s",
            "WebserverSilent default/quiet: pod default/quiet sent no log record for 600s (5 in the 3600s before)",
        ];
        const started = Date.now();
        await poll(
            "both alerts at the fake Alertmanager",
            60_000,
            () =>
                expected.every((e) => firing(am!.posts).includes(e))
                    ? true
                    : vmalert!.exitCode !== null
                      ? (() => {
                            throw new Error(`vmalert exited ${vmalert!.exitCode}: ${out.slice(-1500)}`);
                        })()
                      : undefined,
            100,
        );
        const seenAt = am.posts.length;
        // Counted again after two more evaluations have been posted: nothing else fires later.
        await poll(
            "two more evaluations posted",
            30_000,
            () => (am!.posts.length >= seenAt + 2 ? true : undefined),
            100,
        );
        const all = firing(am.posts);
        report(
            `vmalert posted ${am.posts.length} times in ${((Date.now() - started) / 1000).toFixed(1)} s; alerts: ${JSON.stringify(all)}`,
        );
        expect(all).to.deep.equal(expected);
        for (const x of am.posts.flat()) expect(x.labels.severity, x.labels.alertname).to.equal("warning");
    });

    it("closed: vmalert queries through vmauth as the reader (its password from a file) and the alert fires", async () => {
        const passwords = { ingest: "ingest-password-for-alerts", reader: "reader-password-for-alerts" };
        const store2 = await VictoriaLogsProcess.start();
        const auth = await VmauthProcess.start(store2, passwords);
        const am2 = await fakeAlertmanager();
        const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), "vmalert-closed-"));
        let out2 = "";
        let vm: ChildProcess | undefined;
        try {
            const alerting = validateLogService("logs", {
                access: { ingestPassword: passwords.ingest, readerPassword: passwords.reader },
                alerting: { notifierUrl: am2.url, errorThreshold: 3, errorWindow: "5m", evaluationInterval: "1s" },
            }).alerting!;
            await store(store2, "busy", 503, new Date(), 4);
            await poll("VictoriaLogs answers with every record", 30_000, async () =>
                (await store2.query("_time:2h | stats count() as n"))[0]?.n === "4" ? true : undefined,
            );
            vm = startVmalert(store2, alerting, dir2, await freePort(), {
                port: auth.port,
                readerPassword: passwords.reader,
            });
            vm.stdout!.on("data", (d) => (out2 += d));
            vm.stderr!.on("data", (d) => (out2 += d));
            const want = "WebserverErrors default/busy: pod default/busy answered 4 requests with 5xx in the last 300s";
            await poll(
                "the alert at the fake Alertmanager, through vmauth",
                60_000,
                () =>
                    firing(am2.posts).includes(want)
                        ? true
                        : vm!.exitCode !== null
                          ? (() => {
                                throw new Error(`vmalert exited ${vm!.exitCode}: ${out2.slice(-1500)}`);
                            })()
                          : undefined,
                100,
            );
            report(`closed: vmalert as the reader posted ${JSON.stringify(firing(am2.posts))}`);
            expect(firing(am2.posts)).to.deep.equal([want]);
        } finally {
            vm?.kill("SIGTERM");
            am2.close();
            await auth.stop();
            await store2.stop();
            fs.rmSync(dir2, { recursive: true, force: true });
        }
    });
});
