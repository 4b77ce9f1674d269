// VictoriaLogs (built from its Go module by scripts/tools.sh: `npm run tools -- victorialogs`) as a
// plain process on this machine: a log-aggregation service with a syslog input, queried over its
// HTTP API in LogsQL. The e2e delivers a pod's logs into it and asks for the last 24 hours.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { basicAuthorization } from "./basicAuth";
import { awaitProgress, poll } from "./exec";
import { freePort } from "./syslogReceiver";
import { toolDir } from "./tools";
import { bulkUrlOf } from "../../components/logService/manifest";

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times (100 on every architecture it runs on). */
const CLOCK_TICKS = 100;

export class VictoriaLogsProcess {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "victorialogs-"));
    private child?: ChildProcess;
    out = "";
    /**
     * Its retention flags: the last 24 hours the task names and a day's margin, unless a test sets
     * the LogService's own (components/logService/manifest.ts victoriaLogsArgs) before a {@link resume}.
     */
    retentionFlags: string[] = ["-retentionPeriod=2d"];
    /** As a cluster's front node: its storage nodes (`host:port`); none for a single node. */
    storageNodes: string[] = [];
    /** More flags, as a component's command line gives them (e.g. a closed cluster's, with `%{ENV}` placeholders). */
    flags: string[] = [];
    /** Its environment beyond this process's (what those placeholders read). */
    env: Record<string, string> = {};

    private constructor(
        /** Port of the syslog TCP input, on every address (pods reach it through their network's gateway). */
        readonly syslogPort: number,
        /** Port of the HTTP API (LogsQL queries, the web UI at /select/vmui/, the bulk API at /insert/elasticsearch/), on `httpHost`. */
        readonly httpPort: number,
        /** Where the HTTP API listens: 127.0.0.1, or every address for pods. */
        readonly httpHost: string,
        /** Basic-auth credentials every HTTP request must carry (VictoriaLogs' -httpAuth.*), or none. */
        readonly auth?: { username: string; password: string },
        /** HTTPS instead of HTTP: the server's certificate and key (PEM files), and the CA queries trust. */
        readonly tls?: { certFile: string; keyFile: string; caFile: string },
        /** Syslog over TLS instead of plain TCP: the server's certificate and key. */
        readonly syslogTls?: { certFile: string; keyFile: string },
    ) {}

    static async start(
        o: {
            httpHost?: string;
            auth?: { username: string; password: string };
            tls?: { certFile: string; keyFile: string; caFile: string };
            syslogTls?: { certFile: string; keyFile: string };
            /** Retention flags instead of {@link retentionFlags}' default. */
            retentionFlags?: string[];
            /** A front node of a cluster: these storage nodes (`host:port`) hold its data (-storageNode). */
            storageNodes?: string[];
            /** More flags (the component's), and the environment they read. */
            flags?: string[];
            env?: Record<string, string>;
        } = {},
    ): Promise<VictoriaLogsProcess> {
        const vl = new VictoriaLogsProcess(
            await freePort(),
            await freePort(),
            o.httpHost ?? "127.0.0.1",
            o.auth,
            o.tls,
            o.syslogTls,
        );
        if (o.retentionFlags) vl.retentionFlags = o.retentionFlags;
        if (o.storageNodes) vl.storageNodes = o.storageNodes;
        if (o.flags) vl.flags = o.flags;
        if (o.env) vl.env = o.env;
        await vl.resume();
        return vl;
    }

    /** Starts it (again: same ports, same data) after {@link pause}. */
    async resume(): Promise<void> {
        this.out = "";
        const child = spawn(
            path.join(toolDir("victorialogs"), "victoria-logs"),
            [
                `-storageDataPath=${path.join(this.dir, "data")}`,
                `-httpListenAddr=${this.httpHost === "0.0.0.0" ? "" : this.httpHost}:${this.httpPort}`,
                `-syslog.listenAddr.tcp=:${this.syslogPort}`,
                ...this.retentionFlags,
                ...(this.storageNodes.length > 0 ? [`-storageNode=${this.storageNodes.join(",")}`] : []),
                ...(this.syslogTls
                    ? [
                          "-syslog.tls",
                          `-syslog.tlsCertFile=${this.syslogTls.certFile}`,
                          `-syslog.tlsKeyFile=${this.syslogTls.keyFile}`,
                      ]
                    : []),
                ...(this.tls ? ["-tls", `-tlsCertFile=${this.tls.certFile}`, `-tlsKeyFile=${this.tls.keyFile}`] : []),
                ...(this.auth
                    ? [`-httpAuth.username=${this.auth.username}`, `-httpAuth.password=${this.auth.password}`]
                    : []),
                ...this.flags,
            ],
            { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...this.env } },
        );
        child.stdout!.on("data", (d) => (this.out += d));
        child.stderr!.on("data", (d) => (this.out += d));
        this.child = child;
        await poll(
            "VictoriaLogs to accept syslog and serve HTTP",
            30_000,
            () =>
                this.out.includes("started accepting syslog messages") && this.out.includes("started server at")
                    ? true
                    : child.exitCode !== null
                      ? (() => {
                            throw new Error(`victoria-logs exited ${child.exitCode}: ${this.out.slice(-500)}`);
                        })()
                      : undefined,
            100,
        );
    }

    /** The process's CPU time so far, user and system, in seconds (from /proc). */
    cpuSeconds(): number {
        const stat = fs.readFileSync(`/proc/${this.child!.pid}/stat`, "utf8");
        // Fields after the command's closing parenthesis: utime and stime are the 14th and 15th of the line.
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
    }

    /** A counter of its own /metrics (summed over its labels that contain `labelPart`). */
    async metric(name: string, labelPart = ""): Promise<number> {
        const text = await (await fetch(`http://127.0.0.1:${this.httpPort}/metrics`)).text();
        let sum = 0;
        for (const line of text.split("\n")) {
            const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
            if (m && m[1] === name && (m[2] ?? "").includes(labelPart)) sum += Number(m[3]);
        }
        return sum;
    }

    /** Stops the process (SIGTERM: it flushes what it took), keeping its data for {@link resume}. */
    async pause(): Promise<void> {
        const child = this.child;
        if (child && child.exitCode === null && child.signalCode === null) {
            const ended = new Promise((r) => child.once("close", r));
            child.kill("SIGTERM");
            await ended;
        }
    }

    /** The bulk API's base URL as a destination takes it, with the query LogService's URL carries. */
    bulkUrl(host = "127.0.0.1"): string {
        return bulkUrlOf(host, this.httpPort, this.tls ? "https" : "http");
    }

    /**
     * Stores `records` (each a record as the agent sends it: `@timestamp`, `message`, the fields)
     * through the bulk API with the LogService's query, in one request; throws unless accepted.
     */
    async storeRecords(records: object[]): Promise<void> {
        const url = new URL(this.bulkUrl());
        url.pathname += "/_bulk";
        const body = records.map((r) => `${JSON.stringify({ create: {} })}\n${JSON.stringify(r)}\n`).join("");
        const r = await fetch(url, { method: "POST", body, headers: { "content-type": "application/x-ndjson" } });
        const text = await r.text();
        if (r.status !== 200) throw new Error(`the bulk API answered ${r.status}: ${text.slice(0, 500)}`);
    }

    /** The records a LogsQL query returns (the /select/logsql/query API, one JSON object a line). */
    async query(logsql: string): Promise<Array<Record<string, string>>> {
        return queryLogsQL(
            { host: "127.0.0.1", port: this.httpPort, auth: this.auth, caFile: this.tls?.caFile },
            logsql,
        );
    }

    /** How often each line `${tag} <i> ...` of `log` ("access" or "error") is stored: a LogsQL query over the last 24 hours. */
    async stored(log: string, tag: string, n: number): Promise<number[]> {
        const c = new Array<number>(n).fill(0);
        for (const r of await this.query(`_time:24h log:${log} _msg:="${tag}"* | fields _msg`)) {
            const [t, i] = r._msg.split(" ");
            const k = Number(i);
            if (t === tag && Number.isInteger(k) && k >= 0 && k < n) c[k]++;
        }
        return c;
    }

    /** Waits until every such line is stored, or the count stops growing for 30 s; returns the counts. */
    async awaitStored(log: string, tag: string, n: number): Promise<number[]> {
        const { last } = await awaitProgress(async () => {
            const counts = await this.stored(log, tag, n);
            const present = counts.filter((x) => x > 0).length;
            return { done: present === n, progress: present, counts };
        });
        return last.counts;
    }

    async stop(): Promise<void> {
        await this.pause();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Where a VictoriaLogs answers: its HTTP API (https when `caFile` is given), with basic auth or not. */
export interface VictoriaLogsEndpoint {
    host: string;
    port: number;
    auth?: { username: string; password: string };
    /** The CA of its https certificate; the chain is checked, not the name (some tests serve another name). */
    caFile?: string;
}

/** The records a LogsQL query returns (the /select/logsql/query API, one JSON object a line). */
export async function queryLogsQL(at: VictoriaLogsEndpoint, logsql: string): Promise<Array<Record<string, string>>> {
    const body = new URLSearchParams({ query: logsql }).toString();
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = (at.caFile ? https : http).request(
            {
                host: at.host,
                port: at.port,
                path: "/select/logsql/query",
                method: "POST",
                headers: {
                    "content-type": "application/x-www-form-urlencoded",
                    ...(at.auth && { authorization: basicAuthorization(at.auth) }),
                },
                ...(at.caFile && { ca: fs.readFileSync(at.caFile), checkServerIdentity: () => undefined }),
            },
            (res) => {
                let t = "";
                res.setEncoding("utf8");
                res.on("data", (d) => (t += d));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, text: t }));
            },
        );
        req.on("error", reject);
        req.end(body);
    });
    if (status !== 200) throw new Error(`LogsQL ${JSON.stringify(logsql)}: HTTP ${status}: ${text.slice(0, 300)}`);
    return text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
}
