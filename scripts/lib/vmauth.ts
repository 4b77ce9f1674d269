// vmauth (built from VictoriaMetrics' Go module by scripts/tools.sh: `npm run tools -- vmauth`) as a
// plain process in front of a VictoriaLogsProcess, with the config and command line a closed
// LogService's pod runs (components/logService/access.ts), the passwords in its environment as the
// pod's Secrets put them: the LogService's access control without a cluster.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LOG_SERVICE_ACCESS } from "../../components/defaults";
import { vmauthArgs, vmauthConfigFile } from "../../components/logService/access";
import { bulkUrlOf } from "../../components/logService/manifest";
import { poll } from "./exec";
import { freePort } from "./syslogReceiver";
import { toolDir } from "./tools";
import { VictoriaLogsEndpoint, VictoriaLogsProcess } from "./victoriaLogs";

export class VmauthProcess {
    private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmauth-"));
    private child?: ChildProcess;
    out = "";

    private constructor(
        /** The port clients use (the LogService's Service port, in the pod). */
        readonly port: number,
        readonly passwords: { ingest: string; reader: string },
    ) {}

    /** Starts vmauth in front of `vl` (its HTTP API on the loopback, as in the pod). */
    static async start(vl: VictoriaLogsProcess, passwords: { ingest: string; reader: string }): Promise<VmauthProcess> {
        const v = new VmauthProcess(await freePort(), passwords);
        const config = path.join(v.dir, LOG_SERVICE_ACCESS.configFile);
        fs.writeFileSync(config, vmauthConfigFile(vl.httpPort));
        const child = spawn(path.join(toolDir("vmauth"), "vmauth"), vmauthArgs(config, v.port, await freePort()), {
            stdio: ["ignore", "pipe", "pipe"],
            env: {
                PATH: process.env.PATH,
                [LOG_SERVICE_ACCESS.ingestPasswordEnv]: passwords.ingest,
                [LOG_SERVICE_ACCESS.readerPasswordEnv]: passwords.reader,
            },
        });
        child.stdout!.on("data", (d) => (v.out += d));
        child.stderr!.on("data", (d) => (v.out += d));
        v.child = child;
        // Ready when its /health (VictoriaLogs', the one path served without credentials) answers.
        await poll(
            "vmauth to serve VictoriaLogs' /health",
            30_000,
            async () => {
                if (child.exitCode !== null) throw new Error(`vmauth exited ${child.exitCode}: ${v.out.slice(-500)}`);
                const r = await fetch(`http://127.0.0.1:${v.port}/health`).catch(() => undefined);
                return r?.status === 200 ? true : undefined;
            },
            100,
        );
        return v;
    }

    /** The bulk API's URL through vmauth, as the LogService's bulkUrl output gives it. */
    bulkUrl(): string {
        return bulkUrlOf("127.0.0.1", this.port);
    }

    /** Where to query through vmauth, as `user` (or with no credentials). */
    endpoint(user?: "ingest" | "reader", password?: string): VictoriaLogsEndpoint {
        return {
            host: "127.0.0.1",
            port: this.port,
            ...(user && {
                auth: {
                    username: user === "ingest" ? LOG_SERVICE_ACCESS.ingestUser : LOG_SERVICE_ACCESS.readerUser,
                    password: password ?? this.passwords[user],
                },
            }),
        };
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
