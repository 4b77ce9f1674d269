// The log agent over syslog with TLS (protocol "tcp": rsyslog's OpenSSL driver) into a real
// VictoriaLogs with its syslog TLS input, both plain processes: every line once; a CA that did not
// sign the receiver's certificate, and a certificate for another name, are refused with a clear
// line in the agent's output and nothing lost -- delivered once the CA is fixed.
import { expect } from "chai";
import * as fs from "fs";
import { AGENT } from "../../components";
import { SyslogTarget, TlsSettings } from "../../components/model";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { AgentProcess } from "./agentHarness";
import { CA_FROM_CONFIGMAP, testCertificates } from "./certificates";
import { report, summarize, until } from "./harness";

describe("log agent over syslog with TLS into VictoriaLogs (plain processes, no podman)", function () {
    this.timeout(10 * 60_000);
    // The agent connects to "localhost": the certificate names it.
    const { ca, otherCa, server, wrongName, remove } = testCertificates();
    const VERIFIED: TlsSettings = CA_FROM_CONFIGMAP;
    const target = (vl: VictoriaLogsProcess, tls: TlsSettings): SyslogTarget => ({
        kind: "syslog",
        host: "localhost",
        port: vl.syslogPort,
        protocol: "tcp",
        tls,
    });
    let vl: VictoriaLogsProcess | undefined;
    let run: AgentProcess | undefined;
    afterEach(async () => {
        if (run) await run.dispose();
        if (vl) await vl.stop();
        run = vl = undefined;
    });
    after(remove);

    it("every line of both logs once, over TLS verified with tls.ca", async () => {
        vl = await VictoriaLogsProcess.start({ syslogTls: server });
        const r = (run = new AgentProcess(target(vl, VERIFIED)));
        r.setCa(ca.certFile);
        r.start();
        await Promise.all([r.writeAt("access.log", "a", 2000, 1000), r.writeAt("error.log", "e", 100, 50)]);
        const a = summarize(await vl.awaitStored("access", "a", 2000));
        const e = summarize(await vl.awaitStored("error", "e", 100));
        report(`syslog over TLS: access ${JSON.stringify(a)}, error ${JSON.stringify(e)}`);
        expect(a).to.deep.equal({ missing: 0, once: 2000, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: 100, duplicated: 0, extra: 0 });
    });

    it("a CA that did not sign the receiver's certificate: refused, said so, nothing delivered; once the CA is fixed every line once", async () => {
        vl = await VictoriaLogsProcess.start({ syslogTls: server });
        const r = (run = new AgentProcess(target(vl, VERIFIED)));
        r.setCa(otherCa.certFile);
        const n = 300;
        r.write(
            "access.log",
            Array.from({ length: n }, (_, i) => `ca ${i} while the CA was wrong`),
        );
        r.start();
        await until("the agent to report the stall", (AGENT.stallReportSeconds + 30) * 1000, () =>
            r.err.includes("nothing delivered for"),
        );
        const lines = r.err.split("\n");
        report(
            `wrong CA: ${lines.find((l) => l.includes("certificate verify failed"))} | ${lines.find((l) => l.includes("nothing delivered"))}`,
        );
        expect(r.err).to.contain("certificate verify failed");
        expect(r.err).to.match(
            /log-agent: access\.log: nothing delivered for 30s while it grew \(position \d+ of \d+ bytes\): the destination is down, or refuses the connection or its certificate/,
        );
        expect(await vl.query("_time:24h")).to.have.length(0);
        // The ConfigMap fixed: the kubelet updates the mounted file in place.
        r.setCa(ca.certFile);
        const s = summarize(await vl.awaitStored("access", "ca", n));
        await until("the agent to say it delivers again", 30_000, () => r.err.includes("access.log: delivering again"));
        report(`the CA fixed: ${JSON.stringify(s)}`);
        expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
    });

    it("a certificate for another name: refused, said so, nothing delivered; insecureSkipVerify (explicit) delivers", async () => {
        vl = await VictoriaLogsProcess.start({ syslogTls: wrongName });
        const r = (run = new AgentProcess(target(vl, VERIFIED)));
        r.setCa(ca.certFile);
        r.write("access.log", ["name 0 checked"]);
        r.start();
        await until("the agent to report the stall", (AGENT.stallReportSeconds + 30) * 1000, () =>
            r.err.includes("nothing delivered for"),
        );
        report(`wrong name: ${r.err.split("\n").find((l) => l.includes("nothing delivered"))}`);
        expect(await vl.query("_time:24h")).to.have.length(0);
        await r.dispose();
        const unverified = (run = new AgentProcess(target(vl, { insecureSkipVerify: true })));
        expect(fs.readFileSync(unverified.confFile, "utf8")).to.contain('StreamDriverAuthMode="anon"');
        unverified.write("access.log", ["name 0 unchecked"]);
        unverified.start();
        const [c] = await vl.awaitStored("access", "name", 1);
        expect(c).to.equal(1);
    });
});
