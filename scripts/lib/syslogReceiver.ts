// The receiving end for the log agent's tests and benchmark: rsyslog in receiver mode (imrelp or imtcp), as a
// log-aggregation service's syslog input would be, writing each message it accepted to a file as
// "<reception time> <app-name> <message>". The same config runs as a plain process
// (tests/shipper/agent.test.ts) and as a pod on podman (receiverPod.ts: the e2e test and the bench).
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { SyslogProtocol } from "../../components";
import { CEE_COOKIE } from "../../components/agentConf";
import { awaitProgress } from "./exec";

/**
 * PATH with the system directories rsyslogd is installed in (/usr/sbin on Debian and Ubuntu),
 * which an unprivileged user's PATH often lacks.
 */
export const PATH_WITH_SBIN = [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"]
    .filter(Boolean)
    .join(":");

/** Where rsyslogd is, or throws naming the packages to install. */
export function rsyslogd(): string {
    for (const dir of PATH_WITH_SBIN.split(":")) {
        const file = path.join(dir, "rsyslogd");
        if (fs.existsSync(file)) return file;
    }
    throw new Error(
        "rsyslogd is needed: sudo apt-get install -y rsyslog rsyslog-relp rsyslog-elasticsearch rsyslog-openssl (Debian/Ubuntu)",
    );
}

/** The received messages' file, under the receiver's directory. */
export const RECEIVED_FILE = "received.log";

/** A receiver's own certificate (PEM files), for RELP over TLS; it asks no certificate of the agent. */
export interface ReceiverTls {
    certFile: string;
    keyFile: string;
}

/** rsyslog.conf of a receiver listening on `port` that writes to `dir`/received.log. */
export function receiverConf(protocol: SyslogProtocol, port: number, dir: string, tls?: ReceiverTls): string {
    if (tls && protocol !== "relp") throw new Error("receiverConf: TLS is for the RELP receiver only");
    const relpTls = tls
        ? ` tls="on" tls.myCert="${tls.certFile}" tls.myPrivKey="${tls.keyFile}" tls.caCert="${tls.certFile}"`
        : "";
    const input =
        protocol === "relp"
            ? `module(load="imrelp"${tls ? ' tls.tlslib="openssl"' : ""})\ninput(type="imrelp" port="${port}" ruleset="store"${relpTls})`
            : `module(load="imtcp")\ninput(type="imtcp" port="${port}" ruleset="store")`;
    return `global(workDirectory="${dir}")
${input}
template(name="received" type="string" string="%timegenerated:::date-rfc3339% %app-name% %msg%\\n")
ruleset(name="store") {
    action(type="omfile" file="${dir}/${RECEIVED_FILE}" template="received" flushOnTXEnd="on" asyncWriting="off")
}
`;
}

export interface Received {
    /** When the receiver accepted it, ms since the epoch. */
    at: number;
    app: string;
    /** The line as nginx wrote it: the record's `message` (components/agentConf.ts). */
    msg: string;
    /** The record the agent sent (JSON), when it is one. */
    record?: Record<string, unknown>;
}

/** The agent's JSON record in a syslog message, or undefined. */
function recordOf(msg: string): Record<string, unknown> | undefined {
    if (!msg.startsWith(CEE_COOKIE)) return undefined;
    try {
        const r: unknown = JSON.parse(msg.slice(CEE_COOKIE.length));
        return r !== null && typeof r === "object" && !Array.isArray(r) ? (r as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/** The receiver's file as messages. */
export function parseReceived(text: string): Received[] {
    const out: Received[] = [];
    for (const line of text.split("\n")) {
        const m = /^(\S+) (\S+) ?(.*)$/.exec(line);
        if (!m) continue;
        // rsyslog writes microseconds; Date takes milliseconds.
        const at = Date.parse(m[1].replace(/(\.\d{3})\d+/, "$1"));
        const msg = m[3].trimStart();
        const record = recordOf(msg);
        out.push({
            at,
            app: m[2],
            msg: typeof record?.message === "string" ? record.message : msg,
            ...(record && { record }),
        });
    }
    return out;
}

/** How often each message `${tag} <i> ...` (i < n) from `app` arrived: index i holds message i's count. */
export function countReceived(messages: Received[], app: string, tag: string, n: number): number[] {
    const c = new Array<number>(n).fill(0);
    for (const r of messages) {
        if (r.app !== app || !r.msg.startsWith(`${tag} `)) continue;
        const i = Number(r.msg.split(" ")[1]);
        if (Number.isInteger(i) && i >= 0 && i < n) c[i]++;
    }
    return c;
}

/**
 * Waits until every message `${tag} <i>` (i < n) from `app` is among `messages()`, or none more
 * arrived for awaitProgress' stall time; returns how often each arrived (countReceived).
 */
export async function awaitReceived(
    messages: () => Received[],
    app: string,
    tag: string,
    n: number,
): Promise<number[]> {
    const { last } = await awaitProgress(() => {
        const counts = countReceived(messages(), app, tag, n);
        const present = counts.filter((x) => x > 0).length;
        return { done: present === n, progress: present, counts };
    });
    return last.counts;
}

/** A TCP port nothing listens on now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/** A receiver as a plain rsyslogd process on this machine. */
export class ReceiverProcess {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "receiver-"));
    err = "";
    private child?: ChildProcess;

    constructor(
        readonly protocol: SyslogProtocol,
        readonly port: number,
        tls?: ReceiverTls,
    ) {
        fs.writeFileSync(path.join(this.dir, "rsyslog.conf"), receiverConf(protocol, port, this.dir, tls));
    }

    /** Starts rsyslogd and waits until it accepts connections. */
    async start(): Promise<void> {
        const child = spawn(rsyslogd(), ["-n", "-iNONE", "-f", path.join(this.dir, "rsyslog.conf")], {
            stdio: ["ignore", "ignore", "pipe"],
        });
        child.stderr!.on("data", (d) => (this.err += d));
        this.child = child;
        const start = Date.now();
        while (!(await accepts(this.port))) {
            if (child.exitCode !== null) throw new Error(`receiver rsyslogd exited ${child.exitCode}: ${this.err}`);
            if (Date.now() - start > 10_000) throw new Error(`receiver not listening on ${this.port} after 10 s`);
            await new Promise((r) => setTimeout(r, 50));
        }
    }

    /** Stops rsyslogd (TERM: it writes what it accepted) and waits for its end. */
    async stop(): Promise<void> {
        const child = this.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const ended = new Promise((r) => child.once("close", r));
        child.kill("SIGTERM");
        await ended;
    }

    /** awaitReceived at this receiver. */
    awaitReceived(app: string, tag: string, n: number): Promise<number[]> {
        return awaitReceived(() => this.messages(), app, tag, n);
    }

    messages(): Received[] {
        const f = path.join(this.dir, RECEIVED_FILE);
        return fs.existsSync(f) ? parseReceived(fs.readFileSync(f, "utf8")) : [];
    }

    async dispose(): Promise<void> {
        if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect(port, "127.0.0.1");
        s.once("connect", () => {
            s.destroy();
            resolve(true);
        });
        s.once("error", () => resolve(false));
    });
}
