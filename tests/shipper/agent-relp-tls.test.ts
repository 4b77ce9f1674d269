// The log agent over RELP with TLS, as plain processes. Its rsyslogd is Debian testing's (8.2606 or
// later with librelp 1.13: `npm run tools -- rsyslog-testing`), run in that root, because the
// config needs omrelp's tls.permanentFailureDisablesAction, which Debian 12's 8.2302 lacks; the
// receiver is this machine's rsyslogd with imrelp over TLS. Every line once, verified; a CA that did
// not sign the receiver's certificate and a certificate for another name are refused with a clear
// line, nothing delivered and the position kept, and every line arrives once the CA is fixed (the
// agent restarts rsyslogd to take it) or the receiver has the right certificate. On Debian 12's
// rsyslog the agent stops before reading a line, naming the rsyslog it needs.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AGENT, agentConf } from "../../components";
import { SyslogTarget, TlsSettings } from "../../components/model";
import { awaitReceived, freePort, ReceiverProcess, ReceiverTls } from "../../scripts/lib/syslogReceiver";
import { toolDir } from "../../scripts/lib/tools";
import { AgentProcess, APP } from "./agentHarness";
import { CA_FROM_CONFIGMAP, testCertificates } from "./certificates";
import { report, summarize, until } from "./harness";

/** Runs a command in the Debian testing root (scripts/tools.sh rsyslog-testing); throws, saying how to build it, when it is not built. */
const runInRoot = (): string => path.join(toolDir("rsyslog-testing"), "run-in-root");

describe("log agent over RELP with TLS (plain processes: Debian testing's rsyslogd 8.2606+, no podman)", function () {
    this.timeout(10 * 60_000);
    // The agent connects to "localhost": the right certificate names it.
    const { ca, otherCa, server, wrongName, remove } = testCertificates();
    const target = (port: number, tls: TlsSettings = CA_FROM_CONFIGMAP): SyslogTarget => ({
        kind: "syslog",
        host: "localhost",
        port,
        protocol: "relp",
        tls,
    });
    /** The agent as the sidecar runs it, its rsyslogd Debian testing's. */
    const agentFor = (port: number, tls?: TlsSettings) =>
        new AgentProcess(target(port, tls), { launcher: (argv) => [runInRoot(), ...argv] });
    const receivers: ReceiverProcess[] = [];
    const receiverOn = async (port: number, cert: ReceiverTls) => {
        const r = new ReceiverProcess("relp", port, cert);
        receivers.push(r);
        await r.start();
        return r;
    };
    let run: AgentProcess | undefined;
    afterEach(async () => {
        if (run) await run.dispose();
        for (const r of receivers.splice(0)) await r.dispose();
        run = undefined;
    });
    after(remove);

    it("rsyslogd 8.2606+ accepts the generated configs (-N1); on Debian 12's 8.2302 the agent stops before reading, naming the rsyslog it needs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relp-tls-conf-"));
        try {
            fs.mkdirSync(path.join(dir, ".agent"));
            for (const f of [
                AGENT.tls.ca,
                AGENT.tls.cert,
                AGENT.tls.key,
                `.agent/${AGENT.tls.throwawayCert}`,
                `.agent/${AGENT.tls.throwawayKey}`,
            ])
                fs.writeFileSync(path.join(dir, f), "");
            const withCert = { ...CA_FROM_CONFIGMAP, clientCertSecret: "agent-cert" };
            for (const tls of [CA_FROM_CONFIGMAP, withCert]) {
                const file = path.join(dir, "rsyslog.conf");
                fs.writeFileSync(file, agentConf(target(2514, tls), dir, dir));
                const r = spawnSync(runInRoot(), ["rsyslogd", "-N1", "-f", file], { encoding: "utf8" });
                report(`rsyslogd -N1 (${tls === withCert ? "CA and client certificate" : "CA"}): exit ${r.status}`);
                expect(r.status, r.stderr + r.stdout).to.equal(0);
                expect(r.stderr + r.stdout)
                    .to.contain("version 8.26")
                    .and.not.match(/error/i);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        // This machine's rsyslogd (Debian 12): no launcher.
        const old = (run = new AgentProcess(target(await freePort())));
        old.write("access.log", ["old 0 never read"]);
        old.start();
        expect(await old.exited()).to.equal(1);
        const line = old.err.split("\n").find((l) => l.includes("needs rsyslog"));
        report(`Debian 12's rsyslogd: ${line}`);
        expect(line).to.match(
            /^log-agent: RELP with TLS needs rsyslog 8\.2606 or later \(rsyslog\/rsyslog-collector:2026-08 and later\); this image has rsyslogd\s+8\.2302/,
        );
        expect(old.deliveredOffset("access.log")).to.equal(undefined);
    });

    it("every line of both logs once over RELP with TLS, verified, with the agent's throwaway client certificate", async () => {
        const port = await freePort();
        const receiver = await receiverOn(port, server);
        const r = (run = agentFor(port));
        r.setCa(ca.certFile);
        r.start();
        await Promise.all([r.writeAt("access.log", "a", 2000, 1000), r.writeAt("error.log", "e", 100, 50)]);
        const a = summarize(await receiver.awaitReceived(APP["access.log"], "a", 2000));
        const e = summarize(await receiver.awaitReceived(APP["error.log"], "e", 100));
        report(`RELP over TLS: access ${JSON.stringify(a)}, error ${JSON.stringify(e)}`);
        expect(a).to.deep.equal({ missing: 0, once: 2000, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: 100, duplicated: 0, extra: 0 });
        // The throwaway certificate: made at start, its key readable by the agent alone.
        const key = fs.statSync(path.join(r.dir, ".agent", AGENT.tls.throwawayKey));
        expect(key.mode & 0o777).to.equal(0o600);
        const subject = spawnSync(
            "openssl",
            ["x509", "-noout", "-subject", "-in", path.join(r.dir, ".agent", AGENT.tls.throwawayCert)],
            {
                encoding: "utf8",
            },
        ).stdout;
        expect(subject).to.contain("CN = webserver-log-agent");
    });

    it("a CA that did not sign the receiver's certificate: said, nothing read before it verifies; the CA fixed, every line once", async () => {
        const port = await freePort();
        const receiver = await receiverOn(port, server);
        const r = (run = agentFor(port));
        r.setCa(otherCa.certFile);
        const n = 300;
        r.write(
            "access.log",
            Array.from({ length: n }, (_, i) => `ca ${i} while the CA was wrong`),
        );
        r.start();
        await until("the agent to say the receiver is not verified", 60_000, () => r.err.includes("is not verified"));
        const line = r.err.split("\n").find((l) => l.includes("is not verified"));
        report(`wrong CA: ${line}`);
        expect(line).to.match(
            /^log-agent: the receiver at localhost:\d+ is not verified \(.*unable to get local issuer certificate.*\): its certificate must be signed by tls\.ca and name localhost; nothing is read until it is/,
        );
        // agent.sh holds rsyslogd back until the receiver verifies: none runs, so nothing can be sent.
        expect(rsyslogdUnder(r.pid), "no rsyslogd started").to.deep.equal([]);
        expect(receiver.messages()).to.have.length(0);
        expect(r.deliveredOffset("access.log")).to.equal(undefined);
        // The ConfigMap fixed: the kubelet replaces the mounted file.
        r.setCa(ca.certFile);
        const s = summarize(await receiver.awaitReceived(APP["access.log"], "ca", n));
        report(`the CA fixed: ${JSON.stringify(s)}`);
        expect(r.err).to.contain("verifies: reading");
        expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        // The probe above sees an rsyslogd that runs: its "none" meant none.
        expect(rsyslogdUnder(r.pid)).to.have.length(1);
    });

    it("a certificate for another name: said at start; mid-run, rsyslog refuses it and suspends (nothing sent, nothing dropped); the right receiver back, every line once", async () => {
        const port = await freePort();
        let impostor = await receiverOn(port, wrongName);
        const r = (run = agentFor(port));
        r.setCa(ca.certFile);
        r.start();
        await until("the agent to say the receiver is not verified", 60_000, () => r.err.includes("is not verified"));
        report(`wrong name at start: ${r.err.split("\n").find((l) => l.includes("is not verified"))}`);
        expect(r.err).to.match(/is not verified \(.*hostname mismatch.*\)/);
        await impostor.stop();
        const receiver = await receiverOn(port, server);
        const before = 100;
        await r.writeAt("access.log", "name", before, 200);
        expect(summarize(await receiver.awaitReceived(APP["access.log"], "name", before)).missing).to.equal(0);
        // The receiver replaced by one whose certificate names another host, while the agent runs.
        await receiver.stop();
        impostor = await receiverOn(port, wrongName);
        const n = 200;
        const more = Array.from({ length: n - before }, (_, i) => `name ${before + i} checked`);
        r.write("access.log", more);
        // The whole line: stderr arrives in chunks, and one may end inside it.
        await until("rsyslog to refuse the certificate", 60_000, () => /no permited name[^\n]*\n/.test(r.err));
        report(`wrong name mid-run: ${r.err.split("\n").find((l) => l.includes("no permited name"))}`);
        expect(r.err).to.match(
            /authentication error 'no permited name found', peer is 'DNSname: logs\.example\.com; ' - suspending action/,
        );
        expect(r.err).to.not.contain("DISABLING");
        // Refused again on rsyslog's own retries (not a clock): still nothing at the impostor.
        const refusals = () => r.err.split("no permited name").length - 1;
        const refusedOnce = refusals();
        await until("two more refusals on rsyslog's retries", 120_000, () => refusals() >= refusedOnce + 2);
        expect(impostor.messages()).to.have.length(0);
        await impostor.stop();
        const back = await receiverOn(port, server);
        const both = () => [...receiver.messages(), ...back.messages()];
        const s = summarize(await awaitReceived(both, APP["access.log"], "name", n));
        report(`the right receiver back: ${JSON.stringify(s)}`);
        expect(impostor.messages()).to.have.length(0);
        expect(s.missing).to.equal(0);
        // A line the first receiver took but had not acknowledged when it stopped may arrive twice (the window).
        expect(s.duplicated).to.be.at.most(AGENT.relpWindowSize);
    });
});

/** The rsyslogd processes in the agent's process group (the run's pid leads it). */
function rsyslogdUnder(pgid: number): string[] {
    const r = spawnSync("pgrep", ["-g", String(pgid), "-x", "rsyslogd"], { encoding: "utf8" });
    return r.stdout.trim().split("\n").filter(Boolean);
}
