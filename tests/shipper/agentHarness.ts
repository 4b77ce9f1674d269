// Runs the log agent as it runs in the sidecar -- the same script text (retention.sh + agent.sh),
// `bash -c`, the same arguments, the config the component generates -- as a plain process on this
// machine, with rsyslogd from Debian, against a temp directory a writer appends to as nginx does,
// delivering to a receiver (tests/helpers/syslogReceiver.ts). No podman needed.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AGENT, agentConf, SyslogProtocol } from "../../components";
import { bulkCheckUrl } from "../../components/agentConf";
import { ACCESS_LOG_FIELDS } from "../../components/nginxConf";
import { AgentDestination, ElasticsearchTarget, TlsSettings } from "../../components/model";
import { agentCommand } from "../../components/shippers";
import { recordOffset, ShipperOptions, ShipperRun, until } from "./harness";
import { countReceived, PATH_WITH_SBIN, ReceiverProcess } from "../../scripts/lib/syslogReceiver";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";

/** The app-name each log's messages carry (the imfile Tag of the generated config). */
export const APP = { "access.log": "nginx-access", "error.log": "nginx-error" } as const;

/** The agent with the config for any destination; the environment stands in for the downward API and the Secret. */
export class AgentProcess extends ShipperRun {
    /** Where the TLS material is, as the pod mounts it (AGENT.tls): ca.crt, client.crt, client.key. */
    readonly tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-tls-"));

    constructor(
        destination: AgentDestination,
        private readonly agentOptions: ShipperOptions = {},
        /** A change to the generated config, for the bench's profile only (bench/peer/profile.ts). */
        confEdit?: (conf: string) => string,
    ) {
        // agent.sh starts rsyslogd from PATH, as in the agent's image; the environment the pod's has.
        const env: NodeJS.ProcessEnv = { ...RECORD_ENV };
        if (destination.kind === "elasticsearch") env[AGENT.bulkCheckEnv] = bulkCheckUrl(destination);
        if (destination.tls?.insecureSkipVerify) env[AGENT.tls.verifyEnv] = "off";
        super({ ...agentOptions, env: { ...env, ...agentOptions.env, PATH: PATH_WITH_SBIN } });
        // As the pod mounts the TLS material (manifest.ts): when there is a CA or a client certificate.
        if (destination.tls?.ca || destination.tls?.clientCertSecret) this.setEnv(AGENT.tls.dirEnv, this.tlsDir);
        // Outside the log directory, as the ConfigMap is in the pod: the volume's bound is not its.
        const conf = agentConf(destination, this.dir, this.tlsDir);
        fs.writeFileSync(this.confFile, confEdit ? confEdit(conf) : conf);
    }
    private readonly confDir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-conf-"));

    get confFile(): string {
        return path.join(this.confDir, "rsyslog.conf");
    }

    override async dispose(): Promise<void> {
        await super.dispose();
        fs.rmSync(this.confDir, { recursive: true, force: true });
        fs.rmSync(this.tlsDir, { recursive: true, force: true });
    }

    /** argv as the component renders it, with the temp dir in place of /var/log/nginx and the config's path. */
    override argv(): string[] {
        const o = this.agentOptions;
        return agentCommand(
            this.confFile,
            o.maxBytes ? { maxBytes: o.maxBytes, maxAgeSeconds: o.maxAgeSeconds ?? 86_400 } : undefined,
            {
                logDir: this.dir,
                ageCheckpointSeconds: o.ageEverySeconds,
                terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
                volumeLimitBytes: o.volumeLimitBytes,
            },
        );
    }

    /** Puts `certFile` where the agent reads its CA, as the kubelet does when the ConfigMap changes. */
    setCa(certFile: string): void {
        fs.copyFileSync(certFile, path.join(this.tlsDir, AGENT.tls.ca));
    }

    /** imfile's recorded read offset of a log (what the agent has delivered), or undefined. */
    deliveredOffset(log: string): number | undefined {
        return deliveredOffset(this.dir, log);
    }
}

/**
 * destination.elasticsearch for a VictoriaLogs process (or vmauth in front of one: anything with
 * its bulk URL), parsed as validation would (`server`, `query`).
 */
export function bulkTargetOf(
    vl: Pick<VictoriaLogsProcess, "bulkUrl">,
    basicAuthSecret?: string,
    tls?: TlsSettings,
): ElasticsearchTarget {
    const u = new URL(vl.bulkUrl());
    return {
        kind: "elasticsearch",
        server: `${u.protocol}//${u.host}${u.pathname}`,
        query: u.search.slice(1),
        index: "nginx",
        ...(basicAuthSecret && { basicAuthSecret }),
        ...(tls && { tls }),
    };
}

/**
 * An access record as nginx's JSON format writes it (components/nginxConf.ts): every field of
 * ACCESS_LOG_FIELDS in its order, `values` over example ones; a name that is not a field throws.
 */
export function accessRecordOf(values: Record<string, string | number>): string {
    for (const k of Object.keys(values))
        if (!(k in ACCESS_LOG_FIELDS))
            throw new Error(`accessRecordOf: ${k} is not a field of nginx's JSON access log`);
    const example: Record<string, string | number> = {
        "@timestamp": new Date().toISOString().replace(/\.\d+Z$/, "+00:00"),
        message: "GET / HTTP/1.1 200",
        client: "10.244.0.17",
        method: "GET",
        path: "/",
        query: "",
        status: 200,
        bytes: 615,
        request_time: 0.002,
        referrer: "",
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) bench/1.0",
        request_id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    };
    return JSON.stringify(Object.fromEntries(Object.keys(ACCESS_LOG_FIELDS).map((k) => [k, values[k] ?? example[k]])));
}

/** What the downward API gives the agent in a pod (manifest.ts), here fixed values the records must carry. */
export const RECORD_ENV = { POD_NAMESPACE: "test-ns", POD_NAME: "webserver-test", NODE_NAME: "node-test" };

/** The agent delivering to a syslog receiver (rsyslogd) on this machine. */
export class AgentRun extends AgentProcess {
    constructor(
        readonly receiver: ReceiverProcess,
        protocol: SyslogProtocol,
        agentOptions: ShipperOptions = {},
    ) {
        super({ kind: "syslog", host: "127.0.0.1", port: receiver.port, protocol }, agentOptions);
    }

    /** How often each line `${tag} <i> ...` of `log` arrived at the receiver. */
    received(log: keyof typeof APP, tag: string, n: number): number[] {
        return countReceived(this.receiver.messages(), APP[log], tag, n);
    }

    private receiverMarks = 0;

    /**
     * Writes a marker line to `log` and waits until the receiver has it: the agent delivers each
     * log in order, so counts taken after this also see copies of earlier lines sent again after
     * the last first copy arrived.
     */
    async receivedAfter(log: keyof typeof APP, ms = 60_000): Promise<void> {
        const mark = `received-${++this.receiverMarks}`;
        this.write(log, [mark]);
        await until(`the marker line written after the lines (${mark} in ${log}) at the receiver`, ms, () =>
            this.receiver.messages().some((m) => m.app === APP[log] && m.msg.trimEnd() === mark),
        );
    }
}

/** agent.sh's copy of imfile's position of `log` in `dir` (DIR/.shipper/<log>.delivered), or undefined. */
export function deliveredCopy(dir: string, log = "access.log"): number | undefined {
    return recordOffset(dir, `${log}.delivered`);
}

/**
 * Waits (at most `timeoutMs`) until the agent's recorded position of `log` in `dir` has not moved
 * for `quietMs`, and returns it: the batch in flight when a receiver went may still be recorded,
 * then nothing more.
 */
export async function settledOffset(dir: string, log: string, quietMs: number, timeoutMs = 60_000) {
    let last = deliveredOffset(dir, log);
    let since = Date.now();
    await until(`the agent's position of ${log} to settle`, timeoutMs, () => {
        const now = deliveredOffset(dir, log);
        if (now !== last) {
            last = now;
            since = Date.now();
        }
        return Date.now() - since >= quietMs;
    });
    return last;
}

/**
 * How far the agent has delivered `log` in `dir`: the read offset imfile records after each batch
 * it handed on (curr_offs in dir/.agent/imfile-state:<inode>[:<hash>]), as agent.sh reads it.
 */
export function deliveredOffset(dir: string, log: string): number | undefined {
    const ino = fs.statSync(path.join(dir, log)).ino;
    const state = path.join(dir, ".agent");
    if (!fs.existsSync(state)) return undefined;
    // imfile renames its state file (imfile-state:<inode> -> imfile-state:<inode>:<hash>) when the
    // log reaches the 512 bytes its id hashes: a name listed may be gone when read. Then look again.
    for (let attempt = 0; attempt < 5; attempt++) {
        let renamed = false;
        for (const f of fs.readdirSync(state)) {
            if (f !== `imfile-state:${ino}` && !f.startsWith(`imfile-state:${ino}:`)) continue;
            let text: string;
            try {
                text = fs.readFileSync(path.join(state, f), "utf8");
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
                renamed = true;
                continue;
            }
            const m = /"curr_offs":\s*"?(\d+)/.exec(text);
            if (m) return Number(m[1]);
        }
        if (!renamed) return undefined;
    }
    return undefined;
}

/**
 * Waits until the agent `run` has exited, or -- the failure a refused start guards against -- has
 * read `log` and recorded a position; returns its exit code (undefined: it did not exit).
 */
export async function exitOrPosition(run: AgentProcess, log: string): Promise<number | null | undefined> {
    let code: number | null | undefined;
    void run.exited().then((c) => (code = c));
    await until(
        "the agent's exit, or a position it recorded",
        60_000,
        () => code !== undefined || run.deliveredOffset(log) !== undefined,
    );
    return code;
}
