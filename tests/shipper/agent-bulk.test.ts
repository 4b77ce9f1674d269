// The log agent delivering over the Elasticsearch bulk API (destination.elasticsearch) into a real
// VictoriaLogs, both plain processes on this machine (VictoriaLogs built from its Go module:
// `npm run tools -- victorialogs`): every line found once by a LogsQL query with its fields, the
// service down for 30 s and back, a kill -9 of the agent, basic auth from the environment the
// Secret fills. tests/e2e/victorialogs.test.ts does the same with the agent in a pod.
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { AGENT } from "../../components";
import { ElasticsearchTarget } from "../../components/model";
import { CA_FROM_CONFIGMAP, testCertificates } from "./certificates";
import { linesBetween } from "../../scripts/lib/load";
import { PATH_WITH_SBIN } from "../../scripts/lib/syslogReceiver";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { AgentProcess, bulkTargetOf, deliveredCopy, exitOrPosition, RECORD_ENV, settledOffset } from "./agentHarness";
import { report, sleep, summarize, until } from "./harness";

/** Starts `server` on a free loopback port; the destination that points the agent at it as its bulk API. */
async function fakeBulkApi(server: http.Server | net.Server): Promise<ElasticsearchTarget> {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    return { kind: "elasticsearch", server: `http://127.0.0.1:${port}`, query: "", index: "nginx" };
}

/** An Elasticsearch that takes every request but refuses every document in it (a mapping conflict). */
function rejectingServer(reason: string): http.Server {
    return http.createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
            const docs = body.split("\n").filter(Boolean).length / 2;
            const items = Array.from({ length: docs }, () => ({
                create: { status: 400, error: { type: "document_parsing_exception", reason } },
            }));
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ took: 1, errors: docs > 0, items }));
        });
    });
}

describe("log agent over the bulk API into VictoriaLogs (plain processes, no podman)", function () {
    // A safety limit: each wait below ends when the work is done or stops progressing.
    this.timeout(10 * 60_000);
    let vl: VictoriaLogsProcess | undefined;
    let run: AgentProcess | undefined;
    afterEach(async () => {
        if (run) await run.dispose();
        if (vl) await vl.stop();
        run = vl = undefined;
    });

    it("stores every line of both logs once, each record with its fields (log, pod, namespace, node, container)", async () => {
        vl = await VictoriaLogsProcess.start();
        run = new AgentProcess(bulkTargetOf(vl)).start();
        const n = 5000;
        await Promise.all([run.writeAt("access.log", "a", n, 2500), run.writeAt("error.log", "e", 300, 150)]);
        const a = summarize(await vl.awaitStored("access", "a", n));
        const e = summarize(await vl.awaitStored("error", "e", 300));
        const one = (await vl.query(`_time:24h log:access _msg:"a 7"`)).find((x) => x._msg.startsWith("a 7 "));
        report(`bulk API: access ${JSON.stringify(a)}; error ${JSON.stringify(e)}; a record: ${JSON.stringify(one)}`);
        expect(a).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
        expect(one).to.deep.include({
            log: "access",
            namespace: RECORD_ENV.POD_NAMESPACE,
            pod: RECORD_ENV.POD_NAME,
            node: RECORD_ENV.NODE_NAME,
            container: "nginx-container",
        });
        // The url's query reached VictoriaLogs: message is _msg, and the stream is per pod and log.
        expect(one).to.not.have.property("message");
        expect(one!._stream).to.equal(
            `{container="nginx-container",log="access",namespace="${RECORD_ENV.POD_NAMESPACE}",pod="${RECORD_ENV.POD_NAME}"}`,
        );
    });

    it("the service down for 30 s under traffic: the agent's position stays put, then nothing missing, duplicates within a batch", async () => {
        vl = await VictoriaLogsProcess.start();
        const r = (run = new AgentProcess(bulkTargetOf(vl)).start());
        const n = 40_000;
        const load = r.writeAt("access.log", "o", n, 1000);
        await until("lines stored", 30_000, () => (r.deliveredOffset("access.log") ?? 0) > 0);
        await vl.pause();
        const downAt = Date.now();
        // The batch in flight when the service went may still be recorded; then nothing more.
        const offsetAtStop = await settledOffset(r.dir, "access.log", 2000);
        const sizeAtStop = fs.statSync(r.file("access.log")).size;
        await sleep(30_000 - (Date.now() - downAt));
        const offsetAfter = r.deliveredOffset("access.log");
        const sizeAfter = fs.statSync(r.file("access.log")).size;
        await vl.resume();
        const upAt = Date.now();
        await load;
        const s = summarize(await vl.awaitStored("access", "o", n));
        report(
            `service down ${((upAt - downAt) / 1000).toFixed(1)}s: the agent's position ${offsetAtStop} -> ${offsetAfter} while the log grew ${sizeAtStop} -> ${sizeAfter}; ${JSON.stringify(s)}`,
        );
        expect(sizeAfter, "lines were written while the service was down").to.be.above(sizeAtStop);
        expect(offsetAfter, "the agent's position stays put while nothing is acknowledged").to.equal(offsetAtStop);
        expect(s.missing).to.equal(0);
        // A batch the service stored but could not answer before it stopped is sent again.
        expect(s.extra).to.be.at.most(AGENT.recordEveryLines);
    });

    it("kill -9 of the agent under traffic: nothing missing; duplicates within what its record had not caught up with", async () => {
        vl = await VictoriaLogsProcess.start();
        const r = (run = new AgentProcess(bulkTargetOf(vl)).start());
        const n = 8000;
        let writing = true;
        const load = r.writeAt("access.log", "k", n, 1000).then(() => (writing = false));
        await until("agent.sh's copy of the position", 30_000, () => (deliveredCopy(r.dir) ?? 0) > 0);
        const copy = deliveredCopy(r.dir)!;
        const writingAtKill = writing;
        await r.stop("SIGKILL");
        const sizeAtKill = fs.statSync(r.file("access.log")).size;
        r.start();
        await load;
        const counts = await vl.awaitStored("access", "k", n);
        const s = summarize(counts);
        const bound = linesBetween(r.file("access.log"), copy, sizeAtKill) + AGENT.recordEveryLines;
        // Which lines, when any is missing: where in the log the loss was tells its cause.
        const lost = counts.flatMap((c, i) => (c === 0 ? [i] : [])).slice(0, 20);
        report(
            `kill -9 under 1000 lines/s: ${JSON.stringify(s)}${lost.length ? ` (missing: k ${lost.join(", ")})` : ""}; bound ${bound} (lines from the copy ${copy} to ${sizeAtKill}, + a batch)`,
        );
        expect(writingAtKill, "the writer was still writing at the kill").to.equal(true);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("kill -9 while catching up on a backlog: nothing missing, at most recordEveryLines lines twice", async () => {
        // rsyslog's imfile records its position only at the end of the log unless told otherwise:
        // a kill while it works through a backlog (after an outage, at the start) sent all of it
        // read so far again (thousands here). The agent records every AGENT.recordEveryLines lines.
        vl = await VictoriaLogsProcess.start();
        const r = (run = new AgentProcess(bulkTargetOf(vl)));
        const n = 30_000;
        const padding = "p".repeat(150);
        r.write(
            "access.log",
            Array.from({ length: n }, (_, i) => `catchup ${i} ${padding}`),
        );
        r.start();
        const storedSoFar = async () =>
            Number((await vl!.query(`_time:24h log:access _msg:="catchup "* | stats count() n`))[0]?.n ?? 0);
        let before = 0;
        for (const start = Date.now(); (before = await storedSoFar()) < n / 6; await sleep(50))
            if (Date.now() - start > 120_000) throw new Error(`only ${before} of ${n} stored after 120 s`);
        await r.stop("SIGKILL");
        const atKill = await storedSoFar();
        r.start();
        const s = summarize(await vl.awaitStored("access", "catchup", n));
        report(
            `kill -9 with ${atKill} of a ${n}-line backlog stored: ${JSON.stringify(s)} (bound: ${AGENT.recordEveryLines} twice)`,
        );
        expect(atKill, "the kill came before the backlog was through").to.be.below(n);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(AGENT.recordEveryLines);
    });

    it("kill -9 right after imfile recorded the line that crosses byte 512 but before it was sent: that line still arrives", async () => {
        // imfile records its position once, out of turn, when a log first reaches the 512 bytes its
        // file id hashes, before it hands that line on (agent.sh, rewind_first_record). With the
        // service down the line cannot be sent: the position is recorded, the line is not delivered.
        vl = await VictoriaLogsProcess.start();
        const r = (run = new AgentProcess(bulkTargetOf(vl)).start());
        const line = (i: number) => `cross ${i} ${"x".repeat(290)}`;
        r.write("access.log", [line(0)]);
        await vl.awaitStored("access", "cross", 1);
        await vl.pause();
        r.write("access.log", [line(1)]);
        const size = fs.statSync(r.file("access.log")).size;
        expect(size, "the second line crosses byte 512").to.be.above(512);
        await until(
            "imfile's record of the crossing line's end",
            30_000,
            () => r.deliveredOffset("access.log") === size,
        );
        await r.stop("SIGKILL");
        await vl.resume();
        r.start();
        r.write("access.log", [line(2)]);
        const counts = await vl.awaitStored("access", "cross", 3);
        report(
            `the line crossing byte 512, recorded before it was sent: stored ${counts[1]} time(s); all three: ${JSON.stringify(counts)}`,
        );
        expect(counts[1], "the crossing line after the restart").to.be.at.least(1);
        expect(counts.every((c) => c >= 1 && c <= 2)).to.equal(true);
    });

    it("wrong credentials: the agent stops before it reads a line, with one clear line; with the right ones every line once", async () => {
        const auth = { username: "shipper", password: "right" };
        vl = await VictoriaLogsProcess.start({ auth });
        const target = bulkTargetOf(vl, "es-credentials");
        const env = (password: string) => ({
            [AGENT.basicAuthEnv.username]: auth.username,
            [AGENT.basicAuthEnv.password]: password,
        });
        const wrong = (run = new AgentProcess(target, { env: env("wrong") }));
        const n = 500;
        wrong.write(
            "access.log",
            Array.from({ length: n }, (_, i) => `cred ${i} before the Secret was fixed`),
        );
        wrong.start();
        const code = await exitOrPosition(wrong, "access.log");
        expect(code, "the agent stopped, rather than reading lines and recording a position").to.not.equal(undefined);
        const said = wrong.err.trim().split("\n").pop();
        report(`wrong credentials: exit ${code}: ${said}`);
        expect(code).to.equal(1);
        expect(said).to.match(
            /^log-agent: the destination refused the credentials \(HTTP 401\) at http:\/\/127\.0\.0\.1:\d+\/insert\/elasticsearch\/_bulk: fix the Secret/,
        );
        expect(wrong.deliveredOffset("access.log"), "no position recorded: nothing read").to.equal(undefined);
        expect(await vl.query("_time:24h")).to.have.length(0);
        // The Secret fixed: Kubernetes starts the container again (same volume) with its new values.
        const errBefore = wrong.err.length;
        wrong.start(env(auth.password));
        const s = summarize(await vl.awaitStored("access", "cred", n));
        report(`after the fix: ${JSON.stringify(s)}`);
        expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        expect(wrong.err.slice(errBefore)).to.not.contain("refused");
    });

    describe("over https (VictoriaLogs with -tls)", () => {
        const { ca, otherCa, server, wrongName, remove } = testCertificates();
        after(remove);
        /** Waits until the agent said `pattern`; returns that line. */
        const said = async (r: AgentProcess, pattern: RegExp) => {
            await until(`the agent to say ${pattern}`, 60_000, () => pattern.test(r.err));
            return r.err.split("\n").find((l) => pattern.test(l))!;
        };

        it("a CA that did not sign the service's certificate: refused with a clear line, nothing read; once the CA is fixed every line once", async () => {
            vl = await VictoriaLogsProcess.start({ tls: { ...server, caFile: ca.certFile } });
            const r = (run = new AgentProcess(bulkTargetOf(vl, undefined, CA_FROM_CONFIGMAP)));
            r.setCa(otherCa.certFile);
            const n = 300;
            r.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `tls ${i} while the CA was wrong`),
            );
            r.start();
            const line = await said(r, /not ready .*certificate/);
            report(`wrong CA: ${line}`);
            expect(line).to.match(
                /^log-agent: the destination at https:\/\/127\.0\.0\.1:\d+\/insert\/elasticsearch\/_bulk is not ready \(curl: \(60\) SSL certificate problem/,
            );
            expect(r.deliveredOffset("access.log"), "nothing read").to.equal(undefined);
            // The ConfigMap fixed: the kubelet updates the mounted file in place.
            r.setCa(ca.certFile);
            const s = summarize(await vl.awaitStored("access", "tls", n));
            report(`the CA fixed: ${JSON.stringify(s)}`);
            expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        });

        it("a certificate for another name: refused with a clear line, nothing read; insecureSkipVerify (explicit) delivers", async () => {
            vl = await VictoriaLogsProcess.start({ tls: { ...wrongName, caFile: ca.certFile } });
            const r = (run = new AgentProcess(bulkTargetOf(vl, undefined, CA_FROM_CONFIGMAP)));
            r.setCa(ca.certFile);
            r.write("access.log", ["name 0 checked"]);
            r.start();
            const line = await said(r, /not ready .*(subject name|does not match)/);
            report(`wrong name: ${line}`);
            expect(line).to.match(
                /curl: \(60\) SSL: no alternative certificate subject name matches target host name '127\.0\.0\.1'/,
            );
            expect(r.deliveredOffset("access.log"), "nothing read").to.equal(undefined);
            await r.dispose();
            const unverified = (run = new AgentProcess(bulkTargetOf(vl, undefined, { insecureSkipVerify: true })));
            expect(fs.readFileSync(unverified.confFile, "utf8")).to.contain(
                'allowunsignedcerts="on" skipverifyhost="on"',
            );
            unverified.write("access.log", ["name 0 unchecked"]);
            unverified.start();
            const [c] = await vl.awaitStored("access", "name", 1);
            expect(c).to.equal(1);
        });
    });

    it("documents the service rejects inside an accepted request are said in the agent's output, not dropped silently", async () => {
        // An Elasticsearch that takes every request but refuses every document (a mapping conflict).
        const reason = "failed to parse field [status] of type [long]";
        const server = rejectingServer(reason);
        const destination = await fakeBulkApi(server);
        try {
            const r = (run = new AgentProcess(destination));
            r.write("access.log", ["rejected 0 by the mapping", "rejected 1 by the mapping"]);
            r.start();
            await until(
                "the agent to report the rejection",
                30_000,
                () => r.err.includes(reason),
                () => r.err.slice(-4000),
            );
            const said = r.err.split("\n").find((l) => l.includes("rejected documents"));
            report(
                `${said} ${r.err.slice(r.err.indexOf(said!) + said!.length, r.err.indexOf(said!) + said!.length + 200).trim()}`,
            );
            expect(said).to.match(/^log-agent: the destination rejected documents \(not sent again/);
            // Typeless bulk metadata, as Elasticsearch 8 and OpenSearch 2 require.
            expect(r.err).to.contain('{\\"index\\":{\\"_index\\": \\"nginx\\"}}');
            // Not retried: the agent went past them.
            await until("the agent's position past them", 30_000, () => (r.deliveredOffset("access.log") ?? 0) > 0);
        } finally {
            await new Promise((r) => server.close(r));
        }
    });

    it("rejected documents: each pass counts them on stderr, and the file is held to its newest 64 KiB", async () => {
        const reason = "failed to parse field [status] of type [long]";
        const server = rejectingServer(reason);
        const destination = await fakeBulkApi(server);
        try {
            const r = (run = new AgentProcess(destination));
            const n = 400;
            r.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `refused ${i} ${"x".repeat(300)}`),
            );
            r.start();
            const size = fs.statSync(r.file("access.log")).size;
            // rsyslog is done with every line (each rejected, written to the errorfile), and the agent said them.
            const counted = () =>
                [...r.err.matchAll(/^log-agent: the destination rejected documents .*?: (\d+) more;/gm)].reduce(
                    (sum, m) => sum + Number(m[1]),
                    0,
                );
            await until(
                "every rejection counted on stderr",
                60_000,
                () => r.deliveredOffset("access.log") === size && counted() >= n,
                () => r.err.slice(-2000),
            );
            const file = path.join(r.dir, ".agent", AGENT.rejectedFile);
            // A pass after the last report has freed what it said.
            await until(
                "the file held to its newest bytes",
                30_000,
                () => fs.statSync(file).blocks * 512 <= AGENT.rejectedKeepBytes + 2 * 4096,
            );
            const st = fs.statSync(file);
            const text = fs.readFileSync(file, "utf8");
            report(
                `${n} documents rejected: ${counted()} counted on stderr in ${[...r.err.matchAll(/rejected documents/g)].length} reports; ${AGENT.rejectedFile} ${st.size} bytes, ${st.blocks * 512} allocated (keep ${AGENT.rejectedKeepBytes})`,
            );
            expect(counted(), "documents counted on stderr").to.equal(n);
            expect(st.size, "the file took every rejection").to.be.above(AGENT.rejectedKeepBytes * 2);
            // The newest rejection is still in it; the oldest were freed (NUL bytes now).
            expect(text).to.contain(`refused ${n - 1} `);
            expect(text).to.not.contain("refused 0 ");
        } finally {
            await new Promise((r) => server.close(r));
        }
    });

    it("documents rejected right at the start are said too, however slow the agent's shell is to size what came before", async () => {
        // The agent says what the errorfile gained since its start. Sized after rsyslogd started, a
        // rejection written first (the shell slowed on a busy node: here its `stat` of that size
        // takes 2 s) counted as from before and was never said -- a failure of the suite under load.
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "slow-stat-"));
        fs.writeFileSync(
            path.join(bin, "stat"),
            '#!/bin/bash\n[ "$1 $2" = "-c %s" ] && sleep 2\nexec /usr/bin/stat "$@"\n',
            { mode: 0o755 },
        );
        const reason = "failed to parse field [status] of type [long]";
        const server = rejectingServer(reason);
        const destination = await fakeBulkApi(server);
        try {
            const r = (run = new AgentProcess(destination, { pathPrefix: bin }));
            r.write("access.log", ["rejected 0 at the start"]);
            r.start();
            // The position moving past the line is rsyslog done with it (rejected, written to the errorfile).
            await until("the agent's position past the line", 60_000, () => (r.deliveredOffset("access.log") ?? 0) > 0);
            // The agent's next pass (once a second) says it.
            await until(
                "the agent to report the rejection",
                30_000,
                () => r.err.includes(reason),
                () => r.err.slice(-4000),
            );
            expect(r.err).to.contain("rejected 0 at the start");
        } finally {
            await new Promise((r) => server.close(r));
            fs.rmSync(bin, { recursive: true, force: true });
        }
    });

    it("HTTP 429 and 503 with an error body drop the batch on rsyslog up to 8.2604, as docs/delivery.md says; each dropped line is said, none silently", async () => {
        // The service answers the first three bulk requests 429, the next two 503 (Elasticsearch's
        // error bodies, no items), then accepts. rsyslog up to 8.2604 writes such a batch off as
        // data it cannot deliver (omelasticsearch: "bulkmode insert does not return array").
        let posts = 0;
        const stored: string[] = [];
        const server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (d) => (body += d));
            req.on("end", () => {
                res.setHeader("content-type", "application/json");
                // The agent's preflight (an empty POST) is answered as the service would: not counted.
                if (req.method !== "POST" || !body.trim()) return void res.end("{}");
                posts++;
                if (posts <= 5) {
                    res.statusCode = posts <= 3 ? 429 : 503;
                    return void res.end(
                        JSON.stringify({ error: { type: "es_rejected_execution_exception" }, status: res.statusCode }),
                    );
                }
                const docs = body
                    .split("\n")
                    .filter(Boolean)
                    .filter((_, i) => i % 2 === 1);
                for (const d of docs) stored.push(JSON.parse(d).message);
                res.end(
                    JSON.stringify({ took: 1, errors: false, items: docs.map(() => ({ create: { status: 201 } })) }),
                );
            });
        });
        const destination = await fakeBulkApi(server);
        try {
            const r = (run = new AgentProcess(destination));
            const lines = Array.from({ length: 8 }, (_, i) => `pressure ${i} x`);
            r.write("access.log", lines);
            r.start();
            // Every line is answered once, one request each: five refused, three accepted.
            await until(
                "every line answered",
                60_000,
                () => posts >= 8,
                () => r.err.slice(-4000),
            );
            await until("the agent's position past them", 30_000, () => (r.deliveredOffset("access.log") ?? 0) > 0);
            const dropped = lines.filter((l) => !stored.includes(l));
            await until(
                "the agent to say the dropped ones",
                30_000,
                () => dropped.every((l) => r.err.includes(l)),
                () => r.err.slice(-4000),
            );
            report(
                `posts ${posts}: stored ${stored.length} of ${lines.length}; dropped and said on stderr: ${dropped.length}`,
            );
            expect(stored).to.deep.equal(lines.slice(5));
            expect(dropped).to.deep.equal(lines.slice(0, 5));
            expect(r.err).to.contain("log-agent: the destination rejected documents");
        } finally {
            await new Promise((r) => server.close(r));
        }
    });

    it("basic auth: the credentials come from the environment (the Secret's keys), never from the config", async () => {
        const auth = { username: "shipper", password: "s3cret-from-a-Secret" };
        vl = await VictoriaLogsProcess.start({ auth });
        run = new AgentProcess(bulkTargetOf(vl, "es-credentials"), {
            env: { [AGENT.basicAuthEnv.username]: auth.username, [AGENT.basicAuthEnv.password]: auth.password },
        }).start();
        expect(fs.readFileSync(run.confFile, "utf8")).to.not.contain(auth.password);
        run.write("access.log", ["auth 0 with credentials"]);
        const [c] = await vl.awaitStored("access", "auth", 1);
        expect(c).to.equal(1);
        // Without them VictoriaLogs refuses the request, so the check above can fail.
        const refused = await fetch(`http://127.0.0.1:${vl.httpPort}/insert/elasticsearch/_bulk`, {
            method: "POST",
            body: '{"create":{}}\n{"message":"x"}\n',
        });
        expect(refused.status).to.equal(401);
    });

    // `ps` shows every process's argv to every user of the node. The preflight is held (a service
    // that takes the connection and never answers), and meanwhile every process's argv is read:
    // neither the password nor the Authorization header's base64 of it may be in one.
    for (const how of ["curl", "bash's /dev/tcp (an image without curl)"] as const)
        it(`the preflight with credentials, through ${how}: no process's argv holds them`, async () => {
            // What shells and curl's config give a meaning to (rsyslog refuses whitespace in pwd).
            const auth = { username: "shipper", password: 'pa$$"w0rd\\`x`-from-a-Secret' };
            const secrets = [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString("base64")];
            const held: net.Socket[] = [];
            const server = net.createServer((s) => held.push(s));
            const destination = await fakeBulkApi(server);
            const noCurl = how !== "curl" ? pathWithout("curl") : undefined;
            try {
                run = new AgentProcess(
                    { ...destination, basicAuthSecret: "es-credentials" },
                    {
                        env: {
                            [AGENT.basicAuthEnv.username]: auth.username,
                            [AGENT.basicAuthEnv.password]: auth.password,
                        },
                    },
                );
                if (noCurl) run.setEnv("PATH", noCurl);
                run.start();
                await until("the agent's preflight connection", 60_000, () => held.length > 0);
                const argvs = processArgvs();
                const holding = argvs.filter((a) => secrets.some((x) => a.includes(x)));
                const probe = argvs.filter((a) => (noCurl ? a.startsWith("timeout 10 bash") : a.startsWith("curl")));
                report(
                    `preflight through ${how}: ${argvs.length} processes read, the probe's: ${JSON.stringify(probe)}`,
                );
                expect(
                    probe,
                    "the probe's process was running while its connection was held",
                ).to.have.length.greaterThan(0);
                expect(holding).to.deep.equal([]);
            } finally {
                // The agent first: it connects again after each held attempt.
                if (run) await run.dispose();
                run = undefined;
                for (const s of held) s.destroy();
                await new Promise((r) => server.close(r));
                if (noCurl) fs.rmSync(noCurl, { recursive: true, force: true });
            }
        });
});

/** Every process's argv as `ps` shows it, its arguments joined by spaces. */
function processArgvs(): string[] {
    const out: string[] = [];
    for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)))
        try {
            const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
            if (argv !== "") out.push(argv.replace(/\0/g, " ").trim());
        } catch {
            // The process ended between the listing and the read.
        }
    return out;
}

/** A PATH with every program of PATH_WITH_SBIN but `name` (symlinks in a temp dir): an image without it. */
function pathWithout(name: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `no-${name}-`));
    for (const d of PATH_WITH_SBIN.split(":"))
        for (const f of fs.existsSync(d) ? fs.readdirSync(d) : [])
            if (f !== name && !fs.existsSync(path.join(dir, f))) fs.symlinkSync(path.join(d, f), path.join(dir, f));
    return dir;
}
