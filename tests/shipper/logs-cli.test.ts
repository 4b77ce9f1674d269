// `npm run logs` against a real VictoriaLogs (a plain process; the cluster's LogService is asked the
// same way through kubectl port-forward in tests/integration/agent-baseline.test.ts): records put
// in with the fields the agent gives them, then each question answered with exactly the records
// it names -- values RainerScript, shells or LogsQL give a meaning to read back intact -- live
// tailing, and the service's own message for a wrong query.
import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as http from "http";
import * as path from "path";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { VmauthProcess } from "../../scripts/lib/vmauth";
import { report, until } from "./harness";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = ["-r", "sucrase/register/ts", path.join(ROOT, "scripts", "logs.ts")];

/** `npm run logs -- ARGS` against `url` (with `env` over this process's): exit code, stdout, stderr. */
function logsWith(env: Record<string, string>, url: string, ...args: string[]) {
    const r = spawnSync("node", [...CLI, "--url", url, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ...env },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
}
const logs = (url: string, ...args: string[]) => logsWith({}, url, ...args);

/** Records as the agent stores them (the access log's JSON fields, the pod's), through the jsonline API. */
function insert(vl: VictoriaLogsProcess, records: Array<Record<string, string | number | undefined>>): Promise<void> {
    const body = records.map((r) => JSON.stringify({ _time: new Date().toISOString(), ...r })).join("\n");
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: "127.0.0.1",
                port: vl.httpPort,
                path: "/insert/jsonline?_msg_field=message&_time_field=_time&_stream_fields=namespace,pod,log",
                method: "POST",
            },
            (res) => {
                res.resume();
                res.on("end", () =>
                    res.statusCode === 200 ? resolve() : reject(new Error(`insert: HTTP ${res.statusCode}`)),
                );
            },
        );
        req.on("error", reject);
        req.end(body);
    });
}

/** The requests the records stand for: one pod's 200s, 404s and 502s, another's with awkward names. */
const ODD_POD = 'web-"quoted"\\back $x `y` ü';
const RECORDS = [
    {
        pod: "web-a",
        log: "access",
        status: 200,
        method: "GET",
        path: "/",
        request_id: "r-200",
        message: "GET / HTTP/1.1 200",
    },
    {
        pod: "web-a",
        log: "access",
        status: 404,
        method: "GET",
        path: "/missing",
        request_id: "r-404",
        message: "GET /missing HTTP/1.1 404",
    },
    {
        pod: "web-a",
        log: "access",
        status: 502,
        method: "POST",
        path: "/checkout",
        request_id: "r-502a",
        message: "POST /checkout HTTP/1.1 502",
    },
    {
        pod: "web-b",
        log: "access",
        status: 503,
        method: "POST",
        path: "/checkout/pay",
        request_id: "r-503",
        message: "POST /checkout/pay HTTP/1.1 503",
    },
    {
        pod: ODD_POD,
        log: "access",
        status: 500,
        method: "GET",
        path: '/a"b\\c',
        request_id: 'id-"1"',
        message: "GET odd 500",
    },
    { pod: "web-b", log: "error", message: "connect() failed (111: Connection refused) while connecting to upstream" },
    // Ten minutes old: inside --since 1h, outside the live tail's window.
].map((r) => ({ namespace: "team-a", _time: new Date(Date.now() - 10 * 60_000).toISOString(), ...r }));

/** The request ids in a table's rows (the column named request_id). */
function idsOf(table: string): string[] {
    const [header, ...rows] = table.trimEnd().split("\n");
    const at = header.indexOf("request_id");
    expect(at, `a request_id column in ${JSON.stringify(header)}`).to.be.greaterThan(-1);
    return rows.map((r) => r.slice(at).split(/\s{2,}/)[0]).sort();
}

describe("npm run logs (against a real VictoriaLogs)", function () {
    this.timeout(5 * 60_000);
    let vl: VictoriaLogsProcess | undefined;
    let url = "";
    let tail: ChildProcess | undefined;

    before(async () => {
        vl = await VictoriaLogsProcess.start();
        url = `http://127.0.0.1:${vl.httpPort}`;
        await insert(vl, RECORDS);
        // Stored once every record is queryable.
        await until(
            "the records queryable",
            60_000,
            () => logs(url, "--json").out.trim().split("\n").length === RECORDS.length,
        );
    });
    after(async () => {
        tail?.kill();
        await vl?.stop();
    });

    it("--status 5xx: exactly the failed requests, with their pods, as a table", () => {
        const r = logs(url, "--status", "5xx", "--since", "1h");
        report(`--status 5xx:\n${r.out}`);
        expect(r.code, r.err).to.equal(0);
        expect(idsOf(r.out)).to.deep.equal(['id-"1"', "r-502a", "r-503"].sort());
        expect(r.out).to.contain("web-b").and.contain(ODD_POD);
        expect(r.err).to.match(/logs: 3 record\(s\)$/m);
    });

    it("each option narrows to what it names: a status, a comparison, a pod, a path prefix, a request id, a log", () => {
        expect(idsOf(logs(url, "--status", "404").out)).to.deep.equal(["r-404"]);
        expect(idsOf(logs(url, "--status", "4xx").out)).to.deep.equal(["r-404"]);
        expect(idsOf(logs(url, "--status", ">=404").out)).to.deep.equal(['id-"1"', "r-404", "r-502a", "r-503"].sort());
        expect(idsOf(logs(url, "--status", "<300").out)).to.deep.equal(["r-200"]);
        expect(idsOf(logs(url, "--pod", "web-a").out)).to.deep.equal(["r-200", "r-404", "r-502a"]);
        expect(idsOf(logs(url, "--path", "/checkout*").out)).to.deep.equal(["r-502a", "r-503"]);
        expect(idsOf(logs(url, "--path", "/checkout").out)).to.deep.equal(["r-502a"]);
        expect(idsOf(logs(url, "--request-id", "r-503").out)).to.deep.equal(["r-503"]);
        const errors = logs(url, "--log", "error", "--json");
        expect(
            errors.out
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l)._msg),
        ).to.deep.equal([RECORDS[5].message]);
        // Free LogsQL after the options: a word of the message.
        expect(logs(url, "--json", "refused").out.trim().split("\n")).to.have.length(1);
        // A pipe's results in the table: its own columns.
        const stats = logs(url, "--status", "5xx", "| stats by (pod) count() as n | sort by (pod)")
            .out.trim()
            .split("\n");
        expect(stats.map((l) => l.split(/\s{2,}/))).to.deep.equal([
            ["pod", "n"],
            [ODD_POD, "1"],
            ["web-a", "1"],
            ["web-b", "1"],
        ]);
    });

    it("values with quotes, backslashes, $, backticks and non-ASCII read back intact (one quoting function)", () => {
        const byPod = logs(url, "--pod", ODD_POD, "--json");
        expect(byPod.code, byPod.err).to.equal(0);
        const found = byPod.out
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
        expect(found.map((r) => [r.pod, r.path, r.request_id])).to.deep.equal([[ODD_POD, '/a"b\\c', 'id-"1"']]);
        expect(logs(url, "--path", '/a"b\\c', "--json").out.trim().split("\n")).to.have.length(1);
        expect(logs(url, "--request-id", 'id-"1"', "--json").out.trim().split("\n")).to.have.length(1);
    });

    it("a wrong option is refused naming it and its value, before anything is asked", () => {
        for (const [args, said] of [
            [["--status", "5x"], '--status "5x": must be a class ("5xx"), a status ("404") or a comparison'],
            [["--since", "yesterday"], '--since "yesterday": must be a duration such as "24h"'],
            [["--path", "checkout"], '--path "checkout": must start with "/"'],
            [["--log", "debug"], '--log "debug": must be "access" or "error"'],
            [["--limit", "0"], '--limit "0": must be a number from 1'],
        ] as const) {
            const r = spawnSync("node", [...CLI, "--url", "http://127.0.0.1:1", ...args], {
                cwd: ROOT,
                encoding: "utf8",
            });
            expect(r.status, args.join(" ")).to.equal(1);
            expect(r.stderr).to.contain(`error: ${said}`);
            expect(r.stderr, "nothing asked").to.not.contain("cannot reach");
        }
    });

    it("a wrong query: the service's own message; an unreachable service: said so", () => {
        const wrong = logs(url, "status:>");
        expect(wrong.code).to.equal(1);
        expect(wrong.err).to.match(
            /^error: the LogService answered HTTP 400: cannot parse `query` arg \[_time:24h status:>\]/m,
        );
        const down = spawnSync("node", [...CLI, "--url", "http://127.0.0.1:9", "--since", "1h"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        expect(down.status).to.equal(1);
        expect(down.stderr).to.match(/^error: cannot reach the LogService at 127\.0\.0\.1:9: .*ECONNREFUSED/m);
    });

    it("--follow prints a record stored after it started, and only the new ones", async () => {
        let out = "";
        let err = "";
        tail = spawn("node", [...CLI, "--url", url, "--follow", "--status", "5xx", "--json"], { cwd: ROOT });
        tail.stdout!.on("data", (d) => (out += d));
        tail.stderr!.on("data", (d) => (err += d));
        // Started: it said what it asks.
        await until("the tail's start", 30_000, () => err.includes("logs: "));
        await insert(vl!, [
            {
                namespace: "team-a",
                pod: "web-c",
                log: "access",
                status: 504,
                path: "/live",
                request_id: "r-live",
                message: "GET /live HTTP/1.1 504",
            },
            {
                namespace: "team-a",
                pod: "web-c",
                log: "access",
                status: 200,
                path: "/ok",
                request_id: "r-ok",
                message: "GET /ok HTTP/1.1 200",
            },
        ]);
        const waited = await until("the new 5xx on the tail", 60_000, () => out.includes("r-live"));
        report(`--follow: the new record after ${waited.toFixed(1)} s: ${out.trim()}`);
        const got = out
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l).request_id);
        expect(got).to.deep.equal(["r-live"]);
        tail.kill("SIGINT");
        await new Promise((r) => tail!.once("exit", r));
        tail = undefined;
    });
});

describe("npm run logs against a closed LogService (vmauth in front of VictoriaLogs, as its pod runs them)", function () {
    this.timeout(5 * 60_000);
    const passwords = { ingest: "ingest-password-for-logs-cli", reader: "reader-password-for-logs-cli" };
    let vl: VictoriaLogsProcess | undefined;
    let auth: VmauthProcess | undefined;
    let url = "";
    before(async () => {
        vl = await VictoriaLogsProcess.start();
        auth = await VmauthProcess.start(vl, passwords);
        url = `http://127.0.0.1:${auth.port}`;
        await insert(vl, RECORDS);
        await until(
            "the records queryable",
            60_000,
            () => logs(`http://127.0.0.1:${vl!.httpPort}`, "--json").out.trim().split("\n").length === RECORDS.length,
        );
    });
    after(async () => {
        await auth?.stop();
        await vl?.stop();
    });

    it("as the reader (LOGS_PASSWORD, never an argument) it answers; without it, or with a wrong one, it says the LogService is closed and how to ask", () => {
        const asReader = logsWith({ LOGS_PASSWORD: passwords.reader }, url, "--status", "5xx", "--json");
        expect(asReader.code, asReader.err).to.equal(0);
        const ids = asReader.out
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l).request_id)
            .sort();
        report(`as the reader: ${JSON.stringify(ids)}`);
        expect(ids).to.deep.equal(
            RECORDS.filter((r) => Number(r.status) >= 500)
                .map((r) => r.request_id)
                .sort(),
        );
        const none = logs(url, "--json");
        report(`without credentials: ${none.err.trim().split("\n").pop()}`);
        expect(none.code).to.equal(1);
        expect(none.err).to.match(
            /^error: the LogService asked for credentials \(HTTP 401\): it is closed; with --service give --reader-secret/m,
        );
        const wrong = logsWith({ LOGS_PASSWORD: "not-the-password" }, url, "--json");
        expect(wrong.code).to.equal(1);
        expect(wrong.err).to.match(/^error: the LogService asked for credentials \(HTTP 401: they were refused\)/m);
        // The ingest user's password is not a reader's.
        const ingest = logsWith({ LOGS_USERNAME: "ingest", LOGS_PASSWORD: passwords.ingest }, url, "--json");
        expect(ingest.code).to.equal(1);
        expect(ingest.err).to.match(/HTTP 400: user ingest missing route/);
        for (const r of [asReader, none, wrong, ingest]) expect(r.err + r.out).to.not.contain(passwords.reader);
    });
});
