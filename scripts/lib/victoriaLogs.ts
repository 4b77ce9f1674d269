// VictoriaLogs (built from its Go module by scripts/tools.sh: `npm run tools -- victorialogs`) as a
// plain process on this machine: a log-aggregation service with a syslog input, queried over its
// HTTP API in LogsQL. The e2e delivers a pod's logs into it and asks for the last 24 hours.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { poll } from "./exec";
import { freePort } from "./syslogReceiver";
import { toolDir } from "./tools";

export class VictoriaLogsProcess {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "victorialogs-"));
    private child?: ChildProcess;
    out = "";

    private constructor(
        /** Port of the syslog TCP input, on every address (pods reach it through their network's gateway). */
        readonly syslogPort: number,
        /** Port of the HTTP API (LogsQL queries, the web UI at /select/vmui/), on 127.0.0.1. */
        readonly httpPort: number,
    ) {}

    static async start(): Promise<VictoriaLogsProcess> {
        const vl = new VictoriaLogsProcess(await freePort(), await freePort());
        const child = spawn(
            path.join(toolDir("victorialogs"), "victoria-logs"),
            [
                `-storageDataPath=${path.join(vl.dir, "data")}`,
                `-httpListenAddr=127.0.0.1:${vl.httpPort}`,
                `-syslog.listenAddr.tcp=:${vl.syslogPort}`,
                // The last 24 hours the task names, and a day's margin.
                "-retentionPeriod=2d",
            ],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        child.stdout!.on("data", (d) => (vl.out += d));
        child.stderr!.on("data", (d) => (vl.out += d));
        vl.child = child;
        await poll(
            "VictoriaLogs to accept syslog and serve HTTP",
            30_000,
            () =>
                vl.out.includes("started accepting syslog messages") && vl.out.includes("started server at")
                    ? true
                    : child.exitCode !== null
                      ? (() => {
                            throw new Error(`victoria-logs exited ${child.exitCode}: ${vl.out.slice(-500)}`);
                        })()
                      : undefined,
            100,
        );
        return vl;
    }

    /** The records a LogsQL query returns (the /select/logsql/query API, one JSON object a line). */
    async query(logsql: string): Promise<Array<Record<string, string>>> {
        const res = await fetch(`http://127.0.0.1:${this.httpPort}/select/logsql/query`, {
            method: "POST",
            body: new URLSearchParams({ query: logsql }),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`LogsQL ${JSON.stringify(logsql)}: HTTP ${res.status}: ${text.slice(0, 300)}`);
        return text
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l));
    }

    async stop(): Promise<void> {
        const child = this.child;
        if (child && child.exitCode === null && child.signalCode === null) {
            const ended = new Promise((r) => child.once("close", r));
            child.kill("SIGTERM");
            await ended;
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
