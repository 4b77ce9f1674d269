// A closed LogService's access control, run for real: VictoriaLogs on the loopback and vmauth in
// front of it with the config and command line the LogService's pod runs (components/logService/
// access.ts), plain processes on this machine. Each refusal is checked twice: the status vmauth
// answers, and that nothing it refused is in VictoriaLogs (queried directly, not through vmauth).
import { expect } from "chai";
import { AGENT } from "../../components";
import { LOG_SERVICE_ACCESS } from "../../components/defaults";
import { accessNames } from "../../components/logService/access";
import { poll } from "../../scripts/lib/exec";
import { queryLogsQL, VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { VmauthProcess } from "../../scripts/lib/vmauth";
import { AgentProcess, bulkTargetOf, exitOrPosition, RECORD_ENV } from "./agentHarness";
import { report, summarize } from "./harness";

const PASSWORDS = { ingest: "ingest-Pa55word-!#&*", reader: "reader-Pa55word-$^~?" };

/** A bulk request of one record `message` through vmauth with `auth` (user:password) or none: its status and body. */
async function insert(at: VmauthProcess, message: string, auth?: string) {
    const url = new URL(at.bulkUrl());
    url.pathname += "/_bulk";
    const body = `${JSON.stringify({ create: {} })}\n${JSON.stringify({ "@timestamp": new Date().toISOString(), message })}\n`;
    const r = await fetch(url, {
        method: "POST",
        body,
        headers: {
            "content-type": "application/x-ndjson",
            ...(auth && { authorization: `Basic ${Buffer.from(auth).toString("base64")}` }),
        },
    });
    return { status: r.status, text: (await r.text()).trim() };
}

/** A GET of `p` through vmauth with `auth` or none: its status. */
async function get(at: VmauthProcess, p: string, auth?: string) {
    const r = await fetch(`http://127.0.0.1:${at.port}${p}`, {
        headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {},
    });
    await r.text();
    return r.status;
}

describe("a closed LogService: vmauth in front of VictoriaLogs (plain processes, no cluster)", function () {
    // A safety limit: each wait below ends when the work is done or stops progressing.
    this.timeout(5 * 60_000);
    let vl: VictoriaLogsProcess | undefined;
    let auth: VmauthProcess | undefined;
    let run: AgentProcess | undefined;
    beforeEach(async () => {
        vl = await VictoriaLogsProcess.start();
        auth = await VmauthProcess.start(vl, PASSWORDS);
    });
    afterEach(async () => {
        if (run) await run.dispose();
        if (auth) await auth.stop();
        if (vl) await vl.stop();
        run = auth = vl = undefined;
    });

    it("only the ingest user inserts, only the reader queries; without credentials only /health answers; nothing refused is stored", async () => {
        const ingest = `${LOG_SERVICE_ACCESS.ingestUser}:${PASSWORDS.ingest}`;
        const reader = `${LOG_SERVICE_ACCESS.readerUser}:${PASSWORDS.reader}`;
        const attempts = {
            "no credentials": await insert(auth!, "refused-none"),
            "a wrong password": await insert(
                auth!,
                "refused-wrong",
                `${LOG_SERVICE_ACCESS.ingestUser}:not-the-password`,
            ),
            "the reader's": await insert(auth!, "refused-reader", reader),
            "the ingest user's": await insert(auth!, "accepted-ingest", ingest),
        };
        report(
            `inserts: ${JSON.stringify(Object.fromEntries(Object.entries(attempts).map(([k, v]) => [k, v.status])))}`,
        );
        expect(attempts["no credentials"].status).to.equal(401);
        expect(attempts["a wrong password"].status).to.equal(401);
        expect(attempts["the reader's"]).to.deep.include({ status: 400 });
        expect(attempts["the reader's"].text).to.contain(`user ${LOG_SERVICE_ACCESS.readerUser} missing route`);
        expect(attempts["the ingest user's"].status).to.equal(200);

        // What VictoriaLogs holds, asked directly once the accepted record (sent last) is queryable:
        // that record, none of the refused ones.
        const held = await poll("the accepted record in VictoriaLogs", 30_000, async () => {
            const msgs = (await vl!.query("_time:24h")).map((r) => r._msg).sort();
            return msgs.includes("accepted-ingest") ? msgs : undefined;
        });
        report(`VictoriaLogs holds: ${JSON.stringify(held)}`);
        expect(held).to.deep.equal(["accepted-ingest"]);

        // Queries through vmauth: the reader reads; the ingest user, nobody and a wrong password do not.
        const asReader = await queryLogsQL(auth!.endpoint("reader"), "_time:24h");
        expect(asReader.map((r) => r._msg)).to.deep.equal(["accepted-ingest"]);
        for (const [who, at] of [
            ["the ingest user", auth!.endpoint("ingest")],
            ["no credentials", auth!.endpoint()],
            ["a wrong password", auth!.endpoint("reader", "not-the-password")],
        ] as const) {
            const err = await queryLogsQL(at, "_time:24h").then(
                () => "answered",
                (e: Error) => e.message,
            );
            report(`query as ${who}: ${err.trim()}`);
            expect(err, who).to.match(who === "the ingest user" ? /HTTP 400: user ingest missing route/ : /HTTP 401/);
        }
        // The web UI for the reader; vmauth's own API (metrics, flags, pprof, reload) served to nobody here.
        expect(await get(auth!, "/select/vmui/", reader)).to.equal(200);
        expect(await get(auth!, "/health")).to.equal(200);
        for (const p of ["/metrics", "/flags", "/debug/pprof/", "/-/reload", "/select/vmui/"])
            expect(await get(auth!, p), `${p} without credentials`).to.equal(401);
    });

    it("the agent with the ingest user's Secret delivers every line once through vmauth; with a wrong password it stops before reading", async () => {
        const target = bulkTargetOf(auth!, accessNames("logs").ingest);
        const env = (password: string) => ({
            [AGENT.basicAuthEnv.username]: LOG_SERVICE_ACCESS.ingestUser,
            [AGENT.basicAuthEnv.password]: password,
        });
        const wrong = (run = new AgentProcess(target, { env: env("not-the-password") }));
        wrong.write("access.log", ["closed 0 written before the agent started"]);
        wrong.start();
        const code = await exitOrPosition(wrong, "access.log");
        const said = wrong.err.trim().split("\n").pop();
        report(`a wrong password: exit ${code}: ${said}`);
        expect(code).to.equal(1);
        expect(said).to.match(/the destination refused the credentials \(HTTP 401\)/);
        expect(wrong.deliveredOffset("access.log"), "nothing read").to.equal(undefined);
        await wrong.dispose();

        const r = (run = new AgentProcess(target, { env: env(PASSWORDS.ingest) }).start());
        const n = 2000;
        await Promise.all([r.writeAt("access.log", "closed", n, 1000), r.writeAt("error.log", "closed-e", 100, 50)]);
        const a = summarize(await vl!.awaitStored("access", "closed", n));
        const e = summarize(await vl!.awaitStored("error", "closed-e", 100));
        // And read back as a developer would: through vmauth, as the reader.
        const read = await queryLogsQL(auth!.endpoint("reader"), `_time:24h log:access _msg:="closed"* | count() n`);
        report(
            `through vmauth: access ${JSON.stringify(a)}; error ${JSON.stringify(e)}; the reader counts ${read[0]?.n}`,
        );
        expect(a).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: 100, duplicated: 0, extra: 0 });
        expect(Number(read[0]?.n)).to.equal(n);
        expect((await vl!.query(`_time:24h pod:="${RECORD_ENV.POD_NAME}" | count() n`))[0].n).to.equal(String(n + 100));
    });
});
