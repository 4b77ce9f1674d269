// The image RELP with TLS defaults to, running the agent as the sidecar does -- the component's
// command and config, uid 101, a read-only root, no capabilities -- on podman (host network),
// delivering to a receiver on this machine over RELP with TLS, verified. Where the registry is
// reachable (ci.yml: CI_REQUIRE_REAL_IMAGES=1) that is rsyslog/rsyslog-collector:2026-08 as
// pulled, so a missing tag, an rsyslog older than 8.2606, or no bash/openssl in it fails here;
// elsewhere the stand-in from Debian testing's rsyslog (scripts/tools.sh rsyslog-testing).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AGENT } from "../../components";
import { agentConf } from "../../components/agentConf";
import { IMAGES } from "../../components/defaults";
import { SyslogTarget } from "../../components/model";
import { agentCommand } from "../../components/shippers";
import { chooseImage } from "../../scripts/lib/images";
import { ensurePodman, podman } from "../../scripts/lib/podman";
import { awaitReceived, freePort, ReceiverProcess } from "../../scripts/lib/syslogReceiver";
import { summarize } from "../../scripts/lib/load";
import { APP, RECORD_ENV } from "../shipper/agentHarness";
import { CA_FROM_CONFIGMAP, testCertificates } from "../shipper/certificates";
import { report } from "./harness";

describe("e2e: the agent image for RELP with TLS on podman (uid 101, read-only root), verified delivery", function () {
    this.timeout(15 * 60_000);
    const certs = testCertificates();
    const dirs = ["logs", "tls", "conf"].map((d) => fs.mkdtempSync(path.join(os.tmpdir(), `relp-tls-${d}-`)));
    const [logDir, tlsDir, confDir] = dirs;
    const name = `relp-tls-agent-${process.pid}`;
    let receiver: ReceiverProcess | undefined;

    after(async () => {
        podman(["rm", "-f", "-t", "0", name], { allowFail: true });
        if (receiver) await receiver.dispose();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        certs.remove();
    });

    it("delivers every line once to a receiver whose certificate tls.ca signs and names the host", async () => {
        ensurePodman(report);
        const image = chooseImage(IMAGES.rsyslogRelpTls, "rsyslog-testing", report);
        report(`agent image: ${image.requested} -> ${image.used} (${image.how})`);
        const port = await freePort();
        receiver = new ReceiverProcess("relp", port, certs.server);
        await receiver.start();
        // As the pod has them: the emptyDir (0777 in Kubernetes), the CA mounted read-only, the config.
        fs.chmodSync(logDir, 0o777);
        for (const d of [tlsDir, confDir]) fs.chmodSync(d, 0o755);
        fs.copyFileSync(certs.ca.certFile, path.join(tlsDir, AGENT.tls.ca));
        fs.chmodSync(path.join(tlsDir, AGENT.tls.ca), 0o644);
        const target: SyslogTarget = {
            kind: "syslog",
            host: "localhost",
            port,
            protocol: "relp",
            tls: CA_FROM_CONFIGMAP,
        };
        const conf = path.join(confDir, AGENT.confFile);
        fs.writeFileSync(conf, agentConf(target, logDir, tlsDir));
        fs.chmodSync(conf, 0o644);
        const n = 500;
        fs.writeFileSync(
            path.join(logDir, "access.log"),
            Array.from({ length: n }, (_, i) => `image ${i} over RELP with TLS\n`).join(""),
            { mode: 0o644 },
        );
        const [cmd, ...args] = agentCommand(conf, undefined, { logDir });
        const env = Object.entries({ ...RECORD_ENV, [AGENT.tls.dirEnv]: tlsDir }).flatMap(([k, v]) => [
            "-e",
            `${k}=${v}`,
        ]);
        // The restricted profile's sidecar: uid/gid 101, read-only root, no capabilities, no privilege gain.
        podman([
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
            "--user",
            "101:101",
            "--read-only",
            "--cap-drop",
            "all",
            "--security-opt",
            "no-new-privileges",
            ...env,
            "-v",
            `${logDir}:${logDir}`,
            "-v",
            `${tlsDir}:${tlsDir}:ro`,
            "-v",
            `${confDir}:${confDir}:ro`,
            "--entrypoint",
            cmd,
            image.used,
            ...args,
        ]);
        const logs = () => podman(["logs", name], { allowFail: true });
        let counts: number[] = [];
        try {
            let checked = Date.now();
            counts = await awaitReceived(
                () => {
                    // An agent that stopped (a config its rsyslogd rejects, no openssl) fails at once.
                    if (Date.now() - checked > 2000) {
                        checked = Date.now();
                        const state = podman(["inspect", "-f", "{{.State.Running}}", name], { allowFail: true });
                        if (state.stdout.trim() !== "true")
                            throw new Error(`the agent's container stopped (${state.stdout.trim()})`);
                    }
                    return receiver!.messages();
                },
                APP["access.log"],
                "image",
                n,
            );
        } finally {
            const l = logs();
            report(`agent output: ${(l.stdout + l.stderr).trim().split("\n").slice(-5).join(" | ") || "(none)"}`);
        }
        const s = summarize(counts);
        const version = podman(["exec", name, "rsyslogd", "-v"], { allowFail: true }).stdout.split("\n")[0];
        report(`${version.trim()}: ${JSON.stringify(s)}`);
        expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        // The throwaway client certificate was made by uid 101 in the volume, its key private.
        const key = fs.statSync(path.join(logDir, ".agent", AGENT.tls.throwawayKey));
        expect([key.uid, key.mode & 0o777]).to.deep.equal([101, 0o600]);
        const record = receiver.messages().find((m) => m.msg.startsWith("image 0 "))!.record!;
        expect(record).to.include({ pod: RECORD_ENV.POD_NAME, namespace: RECORD_ENV.POD_NAMESPACE, log: "access" });
    });
});
