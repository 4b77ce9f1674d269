// destination: the log agent (rsyslog) that delivers nginx's logs to a syslog receiver. What the
// args render to, the config the component generates (checked by rsyslogd itself), the ConfigMap
// it owns, and every way the args can be wrong.
import { registered, promiseOf, settle } from "../helpers/mocks";
import { render } from "../helpers/render";
import { retentionBudget } from "../../components/retention";
import { NOT_SHOWN } from "../../components/validate/checker";
import { expect } from "chai";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    AGENT,
    agentConf,
    VICTORIALOGS_BULK_QUERY,
    validateArgs,
    WebserverPod,
    WebserverPodArgError,
    WebserverPodArgs,
} from "../../components";
import { IMAGES } from "../../components/defaults";
import { AGENT_SCRIPT, AGENT_SCRIPT_FILE, RETENTION_SCRIPT_FILE } from "../../components/shippers";
import { evaluate } from "../../policy/rules";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { expectArgError } from "../helpers/argErrors";
import { cliCase, lateCase } from "../helpers/children";
import { parseAllDocuments } from "yaml";
import { rsyslogd } from "../../scripts/lib/syslogReceiver";
import { seedPod } from "../helpers/fixtures";
import { AgentDestination, SyslogTarget } from "../../components/model";

const DEST = { syslog: { address: "logs.example.com:2514" } };
const manifests = (args: WebserverPodArgs) => render(args, "dest");
const sidecarOf = (args: WebserverPodArgs) =>
    manifests(args).pod!.spec.containers.find((c) => c.name === "sidecar-container")!;

describe("destination (the log agent)", () => {
    it("no destination: the render is still exactly the seed spec, and no agent ConfigMap", () => {
        const m = manifests({});
        expect(m.pod!.spec).to.deep.equal(seedPod().spec);
        expect(m.agentConfig).to.equal(undefined);
    });

    it("relp is the default protocol; host and port land in the agent's config", () => {
        expect(validateArgs("d", { destination: DEST }).destination).to.deep.equal({
            kind: "syslog",
            host: "logs.example.com",
            port: 2514,
            protocol: "relp",
        });
        const conf = manifests({ destination: DEST }).agentConfig!.data["rsyslog.conf"];
        expect(conf).to.contain('type="omrelp" target="logs.example.com" port="2514" windowSize="128"');
        expect(conf).to.contain('module(load="omrelp")');
        const tcp = agentConf({ kind: "syslog", host: "10.0.0.7", port: 514, protocol: "tcp" });
        expect(tcp).to.contain('type="omfwd" target="10.0.0.7" port="514" protocol="tcp" TCP_Framing="octet-counted"');
        expect(tcp).to.not.contain("omrelp");
        // An IPv6 address loses its brackets: rsyslog takes the bare address as target.
        expect(
            (validateArgs("d", { destination: { syslog: { address: "[fd00::1]:2514" } } }).destination as SyslogTarget)
                .host,
        ).to.equal("fd00::1");
    });

    it("the agent follows both logs from their start, records positions in the shared volume, and has no queue", () => {
        const conf = agentConf({ kind: "syslog", host: "h", port: 1, protocol: "relp" });
        expect(conf).to.contain('workDirectory="/var/log/nginx/.agent"');
        for (const f of ["access.log", "error.log"]) expect(conf).to.contain(`File="/var/log/nginx/${f}"`);
        expect(conf.match(/persistStateAfterSubmission="on"/g)).to.have.length(2);
        expect(conf.match(/freshStartTail="off"/g)).to.have.length(2);
        // rsyslog takes retention's punched holes for a truncation and sends the file again
        // (tests/shipper/agent.test.ts counts duplicates with retention).
        expect(conf.match(/reopenOnTruncate="off"/g)).to.have.length(2);
        // Direct queues: imfile's offset moves only once the action has sent the batch.
        expect(conf.match(/queue\.type="Direct"/g)).to.have.length(2);
        expect(conf).to.contain('action.resumeRetryCount="-1"');
        // A receiver that is back waits at most 5 s, however long it was away.
        expect(conf).to.contain('action.resumeInterval="1" action.resumeIntervalMax="5"');
        // RFC 5424 as rsyslog's RSYSLOG_SyslogProtocol23Format, with the JSON record as the message.
        expect(conf).to.contain(
            'string="<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% @cee: %$!%\\n"',
        );
    });

    it("each record carries nginx's JSON fields (or the line as message), the log and where it came from", () => {
        const conf = agentConf({ kind: "syslog", host: "h", port: 1, protocol: "relp" });
        expect(conf).to.contain('if $syslogtag == "nginx-access" then action(type="mmjsonparse" cookie="")');
        expect(conf).to.contain("set $!message = $msg;");
        for (const [field, env] of Object.entries(AGENT.recordFields))
            expect(conf).to.contain(`set $!${field} = getenv("${env}");`);
        expect(conf).to.contain('set $!container = "nginx-container";');
        // The downward API fills those variables in the sidecar.
        const env = sidecarOf({ destination: DEST }).env!;
        expect(env).to.deep.equal([
            { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        ]);
    });

    it("with a destination nginx writes its access log as JSON (a managed nginx.conf, in either profile)", () => {
        for (const security of ["baseline", "restricted"] as const) {
            const m = manifests({ destination: DEST, security });
            const conf = m.nginxConfig!.data["nginx.conf"];
            expect(conf).to.contain('log_format  json  escape=json \'{"@timestamp":"$time_iso8601"');
            for (const f of [
                "status",
                "path",
                "method",
                "client",
                "bytes",
                "request_time",
                "referrer",
                "user_agent",
                "request_id",
            ])
                expect(conf).to.contain(`"${f}":`);
            expect(conf).to.contain("access_log  /var/log/nginx/access.log  json;");
            const nginx = m.pod!.spec.containers[0];
            expect(nginx.args).to.deep.equal(["nginx", "-c", "/etc/nginx/webserver/nginx.conf", "-g", "daemon off;"]);
            // baseline: the image's root master drops to the nginx user on port 80, as its own config does.
            expect(conf).to.contain(security === "baseline" ? "user  nginx;\n" : "listen       8080;");
        }
        // Without a destination the seed's format stays (and baseline manages no config).
        expect(manifests({}).nginxConfig).to.equal(undefined);
        expect(manifests({ security: "restricted" }).nginxConfig!.data["nginx.conf"]).to.contain("access.log  main;");
    });

    it("destination.elasticsearch: omelasticsearch in bulk mode to <url>/_bulk, the url's query kept, no queue", () => {
        const d = validateArgs("d", {
            destination: { elasticsearch: { url: "http://vl.logs:9428/insert/elasticsearch/?_msg_field=message" } },
        }).destination;
        expect(d).to.deep.equal({
            kind: "elasticsearch",
            server: "http://vl.logs:9428/insert/elasticsearch",
            query: "_msg_field=message",
            index: "nginx",
        });
        const conf = agentConf(d!);
        expect(conf).to.contain('module(load="omelasticsearch")');
        expect(conf).to.contain(
            'type="omelasticsearch" server="http://vl.logs:9428/insert/elasticsearch" searchIndex="nginx" bulkmode="on" esVersion.major="8" template="record"',
        );
        expect(conf).to.contain(`timeout="${AGENT.bulkTimeout}&_msg_field=message"`);
        expect(conf).to.contain('errorfile="/var/log/nginx/.agent/rejected.json"');
        expect(conf.match(/queue\.type="Direct"/g)).to.have.length(2);
        expect(conf).to.contain('action.resumeRetryCount="-1"');
        expect(conf).to.not.contain("uid=");
        // A url without a port is port 80 (omelasticsearch alone would take 9200).
        expect(validateArgs("d", { destination: { elasticsearch: { url: "http://es.logs" } } }).destination).to.include(
            {
                server: "http://es.logs:80",
                query: "",
            },
        );
    });

    it("https: verified with the image's CAs by default; tls.ca and a client certificate mounted from the objects named; verification off only explicitly", () => {
        const plain = validateArgs("d", {
            destination: { elasticsearch: { url: "https://es.example.com" } },
        }).destination;
        expect(plain).to.deep.include({ server: "https://es.example.com:443", tls: { insecureSkipVerify: false } });
        const conf = agentConf(plain!);
        expect(conf).to.contain('server="https://es.example.com:443"');
        expect(conf).to.not.match(/tls\.cacert|allowunsignedcerts|skipverifyhost/);
        expect(
            sidecarOf({ destination: { elasticsearch: { url: "https://es.example.com" } } }).volumeMounts,
        ).to.have.length(2);

        const args = {
            destination: {
                elasticsearch: {
                    url: "https://es.logging:9200",
                    tls: { ca: { configMap: "logging-ca", key: "bundle.pem" }, clientCertSecret: "agent-cert" },
                },
            },
        };
        const m = manifests(args);
        expect(m.agentConfig!.data["rsyslog.conf"]).to.contain(
            'tls.cacert="/etc/webserver-agent-tls/ca.crt" tls.mycert="/etc/webserver-agent-tls/client.crt" tls.myprivkey="/etc/webserver-agent-tls/client.key"',
        );
        expect(m.pod!.spec.volumes.find((v) => v.name === "agent-tls")).to.deep.equal({
            name: "agent-tls",
            projected: {
                defaultMode: 0o440,
                sources: [
                    { configMap: { name: "logging-ca", items: [{ key: "bundle.pem", path: "ca.crt" }] } },
                    {
                        secret: {
                            name: "agent-cert",
                            items: [
                                { key: "tls.crt", path: "client.crt" },
                                { key: "tls.key", path: "client.key" },
                            ],
                        },
                    },
                ],
            },
        });
        const c = m.pod!.spec.containers[1];
        expect(c.volumeMounts).to.deep.include({
            name: "agent-tls",
            mountPath: "/etc/webserver-agent-tls",
            readOnly: true,
        });
        expect(c.env).to.deep.include({ name: "AGENT_TLS_DIR", value: "/etc/webserver-agent-tls" });
        validateAgainstSchema(m.pod as any);

        const off = manifests({
            destination: { elasticsearch: { url: "https://es", tls: { insecureSkipVerify: true } } },
        });
        expect(off.agentConfig!.data["rsyslog.conf"]).to.contain('allowunsignedcerts="on" skipverifyhost="on"');
        expect(off.pod!.spec.containers[1].env).to.deep.include({ name: "AGENT_TLS_VERIFY", value: "off" });
    });

    it("syslog over TCP with TLS: rsyslog's OpenSSL driver, the chain and the host's name checked; anon only explicitly", () => {
        const args = {
            destination: {
                syslog: {
                    address: "logs.example.com:6514",
                    protocol: "tcp" as const,
                    tls: { ca: { secret: "logs-ca" } },
                },
            },
        };
        const m = manifests(args);
        expect(m.agentConfig!.data["rsyslog.conf"]).to.contain(
            'StreamDriver="ossl" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="logs.example.com" streamdriver.CAFile="/etc/webserver-agent-tls/ca.crt"',
        );
        expect(m.pod!.spec.volumes.find((v) => v.name === "agent-tls")!.projected!.sources).to.deep.equal([
            { secret: { name: "logs-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        ]);
        const off = manifests({
            destination: { syslog: { address: "l:6514", protocol: "tcp", tls: { insecureSkipVerify: true } } },
        });
        expect(off.agentConfig!.data["rsyslog.conf"]).to.contain('StreamDriverAuthMode="anon"');
        expect(off.pod!.spec.containers[1].env).to.deep.include({ name: "AGENT_TLS_VERIFY", value: "off" });
        expect(evaluate(off.pod!.spec)).to.have.property("tls-verification-on");
    });

    it("syslog over RELP with TLS: librelp's OpenSSL driver checks chain and name, suspends on a refusal, runs on rsyslog 8.2606+", () => {
        const args = {
            destination: { syslog: { address: "logs.example.com:2514", tls: { ca: { configMap: "logs-ca" } } } },
        };
        expect(validateArgs("d", args).destination).to.deep.equal({
            kind: "syslog",
            host: "logs.example.com",
            port: 2514,
            protocol: "relp",
            tls: { ca: { kind: "configMap", name: "logs-ca", key: "ca.crt" }, insecureSkipVerify: false },
        });
        const m = manifests(args);
        const conf = m.agentConfig!.data["rsyslog.conf"];
        expect(conf).to.contain('module(load="omrelp" tls.tlslib="openssl")');
        expect(conf).to.contain(
            'tls="on" tls.authMode="name" tls.permittedPeer=["logs.example.com"] tls.caCert="/etc/webserver-agent-tls/ca.crt"',
        );
        // No clientCertSecret: agent.sh's throwaway certificate, without which librelp checks nothing.
        expect(conf).to.contain(
            'tls.myCert="/var/log/nginx/.agent/relp-client.crt" tls.myPrivKey="/var/log/nginx/.agent/relp-client.key"',
        );
        // A refused certificate suspends the action (retried, the lines wait) instead of disabling it.
        expect(conf).to.contain('tls.permanentFailureDisablesAction="off"');
        // The parameter is rsyslog 8.2606's: the default image is that release's, not the pin.
        expect(m.pod!.spec.containers[1].image).to.equal(IMAGES.rsyslogRelpTls);
        expect(sidecarOf({ destination: DEST }).image).to.equal(IMAGES.rsyslog);
        expect(sidecarOf({ ...args, sidecarImage: "my/rsyslog:8.2610" }).image).to.equal("my/rsyslog:8.2610");
        expect(m.pod!.spec.volumes.find((v) => v.name === "agent-tls")!.projected!.sources).to.deep.equal([
            { configMap: { name: "logs-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        ]);
        const mutual = agentConf(
            validateArgs("d", {
                destination: {
                    syslog: {
                        ...args.destination.syslog,
                        tls: { ca: { secret: "ca" }, clientCertSecret: "agent-cert" },
                    },
                },
            }).destination!,
        );
        expect(mutual).to.contain(
            'tls.myCert="/etc/webserver-agent-tls/client.crt" tls.myPrivKey="/etc/webserver-agent-tls/client.key"',
        );
        expect(mutual).to.not.contain("relp-client");
        // Plain RELP keeps the pinned image and no TLS parameter.
        expect(agentConf({ kind: "syslog", host: "h", port: 1, protocol: "relp" })).to.not.match(/tls/);
        validateAgainstSchema(m.pod as any);
    });

    it("destination.elasticsearch.auth: the Secret's username and password reach the agent's environment, not its config", () => {
        const args = {
            destination: { elasticsearch: { url: "https://es:9200", auth: { basicAuthSecret: "es-writer" } } },
        };
        const conf = manifests(args).agentConfig!.data["rsyslog.conf"];
        expect(conf).to.contain("uid=`echo $ES_USERNAME` pwd=`echo $ES_PASSWORD`");
        expect(sidecarOf(args).env!.slice(3)).to.deep.equal([
            { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: "es-writer", key: "username" } } },
            { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: "es-writer", key: "password" } } },
            // agent.sh's preflight: the credentials must be taken before a line is read.
            { name: "BULK_CHECK_URL", value: "https://es:9200/_bulk" },
        ]);
        validateAgainstSchema(manifests(args).pod as any);
    });

    it("destination.elasticsearch.auth over http://: refused unless allowPlainHttp says the network is trusted", () => {
        const plain = (allowPlainHttp?: boolean): WebserverPodArgs => ({
            destination: {
                elasticsearch: {
                    url: "http://es:9200",
                    auth: { basicAuthSecret: "es-writer", ...(allowPlainHttp !== undefined && { allowPlainHttp }) },
                },
            },
        });
        for (const refused of [plain(), plain(false)])
            expectArgError(
                "dest",
                refused,
                "destination.elasticsearch.auth",
                (refused.destination as any).elasticsearch.auth,
                "sends the credentials in the clear: the url is http:// (http://es:9200); use an https:// url, or set auth.allowPlainHttp: true",
            );
        expect(manifests(plain(true)).agentConfig!.data["rsyslog.conf"]).to.contain("uid=`echo $ES_USERNAME`");
    });

    const EVERY_DESTINATION: Array<[string, AgentDestination]> = [
        ["syslog relp", { kind: "syslog", host: "127.0.0.1", port: 2514, protocol: "relp" }],
        ["syslog tcp", { kind: "syslog", host: "127.0.0.1", port: 2514, protocol: "tcp" }],
        [
            "syslog tcp with TLS and a client certificate",
            {
                kind: "syslog",
                host: "logs.example.com",
                port: 6514,
                protocol: "tcp",
                tls: {
                    ca: { kind: "configMap", name: "ca", key: "ca.crt" },
                    clientCertSecret: "c",
                    insecureSkipVerify: false,
                },
            },
        ],
        [
            "syslog tcp with TLS, verification off",
            {
                kind: "syslog",
                host: "logs.example.com",
                port: 6514,
                protocol: "tcp",
                tls: { insecureSkipVerify: true },
            },
        ],
        ["elasticsearch", { kind: "elasticsearch", server: "http://127.0.0.1:9200", query: "", index: "nginx" }],
        [
            "elasticsearch over https with a CA and a client certificate",
            {
                kind: "elasticsearch",
                server: "https://127.0.0.1:9200",
                query: "",
                index: "nginx",
                tls: {
                    ca: { kind: "secret", name: "ca", key: "ca.crt" },
                    clientCertSecret: "c",
                    insecureSkipVerify: false,
                },
            },
        ],
        [
            "elasticsearch over https, verification off",
            {
                kind: "elasticsearch",
                server: "https://127.0.0.1:9200",
                query: "",
                index: "nginx",
                tls: { insecureSkipVerify: true },
            },
        ],
        [
            "elasticsearch with a query and basic auth",
            {
                kind: "elasticsearch",
                server: "http://vl:9428/insert/elasticsearch",
                query: VICTORIALOGS_BULK_QUERY,
                index: "nginx",
                basicAuthSecret: "s",
            },
        ],
    ];
    for (const [name, d] of EVERY_DESTINATION) {
        it(`rsyslogd -N1 accepts the generated config (${name})`, function () {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentconf-"));
            try {
                const file = path.join(dir, "rsyslog.conf");
                fs.mkdirSync(path.join(dir, ".agent"));
                // rsyslogd checks the TLS files exist: the pod mounts them (AGENT.tls) before it starts.
                for (const f of [AGENT.tls.ca, AGENT.tls.cert, AGENT.tls.key]) fs.writeFileSync(path.join(dir, f), "");
                fs.writeFileSync(file, agentConf(d, dir, dir));
                const r = spawnSync(rsyslogd(), ["-N1", "-f", file], { encoding: "utf8" });
                expect(r.status, r.stderr + r.stdout).to.equal(0);
                expect(r.stderr + r.stdout).to.not.match(/error|warning/i);
                // ... and rejects a broken one, so the check above can fail.
                fs.writeFileSync(file, agentConf(d, dir, dir).replace("Direct", "Dirct"));
                expect(spawnSync(rsyslogd(), ["-N1", "-f", file], { encoding: "utf8" }).status).to.not.equal(0);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }

    it("the sidecar runs retention.sh + agent.sh with the config path, and mounts the config read-only", () => {
        const c = sidecarOf({ destination: DEST });
        expect(c.image).to.equal(AGENT.image);
        expect(c.command!.slice(0, 2)).to.deep.equal(["bash", "-c"]);
        expect(c.command![2]).to.equal(AGENT_SCRIPT);
        expect(c.command![2].split("\n")[0]).to.equal(
            `# webserver-sidecar: ${path.relative(path.resolve(__dirname, "../.."), RETENTION_SCRIPT_FILE)} + ${path.relative(path.resolve(__dirname, "../.."), AGENT_SCRIPT_FILE)} (comments stripped)`,
        );
        expect(c.command!.slice(3)).to.deep.equal([
            "log-agent",
            "/var/log/nginx",
            `${AGENT.confDir}/${AGENT.confFile}`,
            "0",
            "0",
            "60",
            "4096",
            "65536",
            "4096",
            // A log that grew with nothing delivered for 30 s is reported.
            "30",
            // On TERM: deliver to the end for at most Kubernetes' default 30 s grace less 2 s, and
            // until neither log grew for a pass.
            "28",
            "1",
            // No logVolume.sizeLimit to show beside the volume used; the metrics every 5 s; no bound.
            "0",
            "5",
            "0",
            // The rejected documents' file keeps its newest 64 KiB.
            "65536",
        ]);
        expect(c.volumeMounts).to.deep.equal([
            { name: "shared-logs", mountPath: "/var/log/nginx" },
            { name: AGENT.confVolume, mountPath: AGENT.confDir, readOnly: true },
        ]);
        const p = manifests({ destination: DEST }).pod!;
        const cm = manifests({ destination: DEST }).agentConfig!;
        expect(p.spec.volumes.find((v) => v.name === AGENT.confVolume)).to.deep.equal({
            name: AGENT.confVolume,
            configMap: { name: cm.metadata.name },
        });
        validateAgainstSchema(p as any);
        validateAgainstSchema(cm as any);
    });

    it("the ConfigMap's name carries the config's hash: a new address is a new ConfigMap (and a new Pod)", () => {
        const a = manifests({ destination: DEST }).agentConfig!;
        const hash = createHash("sha256").update(a.data["rsyslog.conf"]).digest("hex").slice(0, 8);
        expect(a.metadata.name).to.equal(`dest-agent-conf-${hash}`);
        const b = manifests({ destination: { syslog: { address: "logs.example.com:2515" } } }).agentConfig!;
        expect(b.metadata.name).to.not.equal(a.metadata.name);
    });

    it("with retention, the agent frees only behind what it delivered: the bound in bytes and seconds", () => {
        const c = sidecarOf({
            security: "restricted",
            destination: DEST,
            retention: { maxAge: "1h", maxSize: "100Mi" },
        });
        // Each log's share: besides 64Ki of state, each log's first 4Ki and 24Ki of the agent's state files.
        expect(c.command!.slice(6, 8)).to.deep.equal([String((100 * 2 ** 20 - 96 * 1024) / 2), "3600"]);
        expect(c.command!.slice(6, 8)[0]).to.equal(String(retentionBudget(100 * 2 ** 20, "agent").keepBytesPerLog));
    });

    it("the agent runs hardened in every profile (it holds the credentials): restricted's container context, its own uid under baseline", () => {
        const restricted = {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        };
        const baseline = manifests({ destination: DEST }).pod!;
        expect(sidecarOf({ destination: DEST }).securityContext).to.deep.equal({
            ...restricted,
            runAsUser: 101,
            runAsGroup: 101,
        });
        // nginx and the pod stay the seed's under baseline; the restricted pod gives both containers uid 101.
        expect(baseline.spec.containers.find((c) => c.name === "nginx-container")!.securityContext).to.equal(undefined);
        expect(baseline.spec.securityContext).to.equal(undefined);
        expect(sidecarOf({ security: "restricted", destination: DEST }).securityContext).to.deep.equal(restricted);
        // Without a destination the sidecar is the seed's (cat-loop) or the profile's.
        expect(sidecarOf({}).securityContext).to.equal(undefined);
        // The restricted policy rules pass on the agent under baseline; nginx still fails them.
        const findings = evaluate(baseline.spec as any);
        for (const rule of [
            "run-as-non-root",
            "capabilities-drop-all",
            "no-privilege-escalation",
            "read-only-root-filesystem",
        ])
            expect(findings[rule], rule).to.satisfy((f: string[]) => f.every((x) => x.startsWith("nginx-container:")));
        validateAgainstSchema(baseline as any);
    });

    it("retention with a destination under baseline is refused: the hardened agent cannot free root's files", () => {
        const retention = { maxAge: "1h", maxSize: "100Mi" };
        expectArgError(
            "dest",
            { destination: DEST, retention },
            "retention",
            retention,
            'cannot free space in nginx\'s logs with a destination under security "baseline": the log agent runs as uid 101 without capabilities',
        );
        expect(sidecarOf({ production: true, destination: DEST, retention }).command).to.include(String(3600));
    });

    it("production with a destination: the agent's image, retention, restricted, every policy rule passes", () => {
        const m = manifests({ production: true, destination: DEST });
        const c = m.pod!.spec.containers[1];
        expect(c.image).to.equal(AGENT.image);
        expect(c.command![5]).to.equal(`${AGENT.confDir}/${AGENT.confFile}`);
        expect(c.command!.slice(6, 8)).to.deep.equal([String((200 * 2 ** 20 - 96 * 1024) / 2), "86400"]);
        expect(c.securityContext).to.include({ runAsNonRoot: true, readOnlyRootFilesystem: true });
        expect(c.resources?.limits).to.have.property("memory");
        expect(c.livenessProbe).to.not.equal(undefined);
        expect(evaluate(m.pod!.spec)).to.deep.equal({});
    });

    it("a sidecarImage the user wrote wins over the agent's default", () => {
        expect(sidecarOf({ destination: DEST, sidecarImage: "registry.example.com/rsyslog:8" }).image).to.equal(
            "registry.example.com/rsyslog:8",
        );
    });

    it("the agent's shell code passes ShellCheck", function () {
        const r = spawnSync("shellcheck", ["-s", "bash", "-"], { input: AGENT_SCRIPT, encoding: "utf8" });
        if (r.error) throw new Error(`shellcheck is needed: ${r.error}`);
        expect(r.stdout, "shellcheck findings").to.equal("");
        expect(r.status).to.equal(0);
    });

    describe("delivery you can watch: the agent's metrics", () => {
        const nginxOf = (args: WebserverPodArgs) =>
            manifests(args).pod!.spec.containers.find((c) => c.name === "nginx-container")!;

        it("nginx serves the metrics file agent.sh writes, on a named port, logging nothing; only with a destination", () => {
            const m = manifests({ destination: DEST });
            const conf = m.nginxConfig!.data["nginx.conf"];
            const server = conf.slice(conf.indexOf(`listen       ${AGENT.metrics.port};`));
            expect(server).to.contain("access_log   off;");
            expect(server).to.contain(`location = ${AGENT.metrics.path} {`);
            expect(server).to.contain(`alias /var/log/nginx/${AGENT.metrics.file};`);
            expect(server).to.contain('default_type "text/plain; version=0.0.4; charset=utf-8";');
            expect(nginxOf({ destination: DEST }).ports).to.deep.include({
                name: "metrics",
                containerPort: AGENT.metrics.port,
                protocol: "TCP",
            });
            // Without a destination there is no agent: no metrics server, no port (restricted manages nginx.conf too).
            const without = manifests({ security: "restricted" });
            expect(without.nginxConfig!.data["nginx.conf"]).to.not.contain(String(AGENT.metrics.port));
            expect(nginxOf({ security: "restricted" }).ports!.map((p) => p.name)).to.deep.equal(["http"]);
        });

        it("loads no impstats: with it a kill -9 while catching up sent more than recordEveryLines lines twice", () => {
            const conf = agentConf({ kind: "syslog", host: "logs.example.com", port: 2514, protocol: "relp" });
            expect(conf).to.not.contain("impstats");
        });

        it("agent.sh gets the volume's sizeLimit in bytes, the metrics' period, the volume's bound and the rejected documents' keep as its last arguments", () => {
            const c = sidecarOf({ destination: DEST, logVolume: { sizeLimit: "256Mi" } });
            expect(c.command!.slice(-4)).to.deep.equal([
                String(256 * 2 ** 20),
                String(AGENT.metrics.everySeconds),
                "0",
                String(AGENT.rejectedKeepBytes),
            ]);
            // With retention the bound is 90% of the sizeLimit.
            const r = sidecarOf({
                destination: DEST,
                security: "restricted",
                logVolume: { sizeLimit: "256Mi" },
                retention: {},
            });
            expect(r.command!.slice(-4, -1)).to.deep.equal([
                String(256 * 2 ** 20),
                String(AGENT.metrics.everySeconds),
                String(Math.floor(256 * 2 ** 20 * 0.9)),
            ]);
        });

        describe("the sidecar's liveness with a destination: the metrics file is fresh", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liveness-"));
            after(() => fs.rmSync(dir, { recursive: true, force: true }));
            const probe = sidecarOf({ destination: DEST, probes: { sidecarLiveness: {} } }).livenessProbe!;
            // The probe's own command, run by bash as the kubelet runs it in the container, on a file here.
            const alive = () => {
                const [cmd, ...rest] = probe.exec!.command.map((a) => a.replaceAll("/var/log/nginx/", `${dir}/`));
                return spawnSync(cmd, rest, { encoding: "utf8" }).status;
            };
            const file = path.join(dir, AGENT.metrics.file);

            it("fails while there is no metrics file", () => {
                expect(probe.exec!.command[0]).to.equal("bash");
                expect(alive()).to.not.equal(0);
            });
            it("passes when it was written within staleSeconds, fails once it is older", () => {
                fs.mkdirSync(path.dirname(file), { recursive: true });
                fs.writeFileSync(file, "");
                const now = Date.now() / 1000;
                fs.utimesSync(file, now - AGENT.metrics.staleSeconds + 5, now - AGENT.metrics.staleSeconds + 5);
                expect(alive()).to.equal(0);
                fs.utimesSync(file, now - AGENT.metrics.staleSeconds - 1, now - AGENT.metrics.staleSeconds - 1);
                expect(alive()).to.not.equal(0);
            });
            it("without a destination it stays the volume check", () => {
                expect(
                    sidecarOf({ shipper: "stream", probes: { sidecarLiveness: {} } }).livenessProbe!.exec!.command,
                ).to.deep.equal(["test", "-d", "/var/log/nginx"]);
            });
        });
    });

    describe("the component", () => {
        it("registers the agent's ConfigMap as its child, and the Pod mounts it", async () => {
            const c = new WebserverPod("dest", { destination: DEST });
            await promiseOf(c.readyContainers);
            const cm = registered("dest-agent-conf");
            expect(cm).to.have.length(1);
            expect(cm[0].type).to.equal("kubernetes:core/v1:ConfigMap");
            expect(cm[0].inputs.data["rsyslog.conf"]).to.contain('target="logs.example.com"');
            const volumes = registered("dest-pod")[0].inputs.spec.volumes;
            expect(volumes.find((v: any) => v.name === AGENT.confVolume).configMap.name).to.equal(
                cm[0].inputs.metadata.name,
            );
        });

        it("an address that arrives as an Output is used when it resolves", async () => {
            const c = new WebserverPod("dest-late", {
                destination: { syslog: { address: pulumi.output("relay.logging.svc:2514") } },
            });
            await promiseOf(c.readyContainers);
            expect(registered("dest-late-agent-conf")[0].inputs.data["rsyslog.conf"]).to.contain(
                'target="relay.logging.svc" port="2514"',
            );
        });

        it("destination itself as an Output (what a Java program sends when it depends on a resource) is present, and used when it resolves", async () => {
            const c = new WebserverPod("dest-output", {
                destination: pulumi.output({ syslog: { address: "relay.logging.svc:2514" } }) as any,
            });
            await promiseOf(c.readyContainers);
            expect(registered("dest-output-agent-conf")[0].inputs.data["rsyslog.conf"]).to.contain(
                'target="relay.logging.svc" port="2514"',
            );
        });
    });

    const lateNone = lateCase({ name: "dest-output-none", args: {}, outputs: ["destination"] });

    it("destination as an Output that resolves to nothing fails naming it when it resolves (the agent was declared)", () => {
        const r = lateNone();
        expect(r.thrown).to.equal(undefined);
        expect(r.rejected).to.contain('invalid args.destination "<Output>": resolved to nothing');
        expect(r.registered).to.not.include("kubernetes:core/v1:Pod");
    });

    const lateBad = lateCase({
        name: "dest-late-bad",
        args: { destination: { syslog: { address: "logs.example.com" } } },
        outputs: ["destination.syslog.address"],
    });

    it("a bad address that arrives as an Output fails with the same message when it resolves", () => {
        const r = lateBad();
        expect(r.thrown).to.equal(undefined);
        expect(r.rejected).to.contain(
            'invalid args.destination.syslog.address "logs.example.com": must be "host:port"',
        );
        expect(r.registered).to.not.include("kubernetes:core/v1:Pod");
    });

    const fromStack = (() => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dest-stack-")), "Pulumi.dest.yaml");
        fs.writeFileSync(
            file,
            "config:\n  webserver-sidecar:destination:\n    syslog:\n      address: relay.logging:2514\n      protocol: tcp\n",
        );
        return cliCase({ script: "render", argv: ["--config-file", file] });
    })();

    const devWithDestination = (() => {
        const dev = fs.readFileSync(path.resolve(__dirname, "../../program/Pulumi.dev.yaml"), "utf8");
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dest-dev-")), "Pulumi.dev.yaml");
        fs.writeFileSync(
            file,
            `${dev}  webserver-sidecar:destination:\n    syslog:\n      address: relay.logging:2514\n`,
        );
        return cliCase({ script: "render", argv: ["--config-file", file] });
    })();

    it("the dev stack with a destination added runs the agent's image (the stack does not pin ubuntu)", () => {
        const r = devWithDestination();
        expect(r.code, r.stderr).to.equal(0);
        const pod = parseAllDocuments(r.stdout)
            .map((d) => d.toJS())
            .find((d) => d.kind === "Pod");
        expect(pod.spec.containers[1].image).to.equal(AGENT.image);
        expect(pod.spec.containers[1].command[3]).to.equal("log-agent");
    });

    it("a stack file's destination renders the agent's ConfigMap and the Pod that mounts it", () => {
        const r = fromStack();
        expect(r.code, r.stderr).to.equal(0);
        const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
        expect(docs.map((d) => d.kind)).to.deep.equal(["ConfigMap", "ConfigMap", "Pod"]);
        const byName = (prefix: string) => docs.find((d) => d.metadata.name.startsWith(prefix));
        const [nginxConf, agentConfMap, pod] = [
            byName("webserver-nginx-conf"),
            byName("webserver-agent-conf"),
            docs[2],
        ];
        expect(nginxConf.data["nginx.conf"]).to.contain("access.log  json;");
        expect(agentConfMap.data["rsyslog.conf"]).to.contain('type="omfwd" target="relay.logging" port="2514"');
        expect(pod.spec.volumes.find((v: any) => v.name === AGENT.confVolume).configMap.name).to.equal(
            agentConfMap.metadata.name,
        );
        expect(pod.spec.containers[1].image).to.equal(AGENT.image);
    });

    describe("bad values", () => {
        const BAD: Array<[WebserverPodArgs, string, unknown, string]> = [
            [{ destination: {} as any }, "destination", {}, "must name where the logs go"],
            // The agent's own state and each log's first block come out of maxSize first.
            [
                { destination: DEST, retention: { maxSize: "200Ki" } },
                "retention.maxSize",
                "200Ki",
                "must be at least 224Ki: 96Ki of it hold the log agent's state and each log's first block",
            ],
            // An unknown key's value under destination is never shown: it may be a credential.
            [{ destination: { syslg: {} } as any }, "destination.syslg", NOT_SHOWN, 'did you mean "syslog"?'],
            [
                { destination: { syslog: { address: "logs.example.com" } } },
                "destination.syslog.address",
                "logs.example.com",
                'must be "host:port"',
            ],
            [
                { destination: { syslog: { address: "logs.example.com:0" } } },
                "destination.syslog.address",
                "logs.example.com:0",
                "a port from 1 to 65535",
            ],
            [
                { destination: { syslog: { address: "logs.example.com:65536" } } },
                "destination.syslog.address",
                "logs.example.com:65536",
                'must be "host:port"',
            ],
            [
                { destination: { syslog: { address: 'x" type="omfile:514' } } },
                "destination.syslog.address",
                'x" type="omfile:514',
                'must be "host:port"',
            ],
            [
                { destination: { syslog: { address: "300.1.1.1:514" } } },
                "destination.syslog.address",
                "300.1.1.1:514",
                "an IPv4 address",
            ],
            [
                { destination: { syslog: { address: "[fd00::zz]:514" } } },
                "destination.syslog.address",
                "[fd00::zz]:514",
                "[IPv6]",
            ],
            [{ destination: { syslog: { address: "" } } }, "destination.syslog.address", "", "must be"],
            [
                { destination: { syslog: { address: "h:514", protocol: "tls" as any } } },
                "destination.syslog.protocol",
                "tls",
                'is the transport, "relp" or "tcp"; TLS over either is destination.syslog.tls',
            ],
            [
                { destination: { syslog: { address: "h:514", tls: { insecureSkipVerify: true } } } },
                "destination.syslog.tls.insecureSkipVerify",
                true,
                "cannot be used over RELP: librelp refuses a certificate it cannot verify whatever it is told",
            ],
            [
                { destination: { syslog: { address: "h:514", tls: {} } } },
                "destination.syslog.tls",
                {},
                "needs ca for syslog over TLS",
            ],
            [
                { destination: { syslog: { address: "10.0.0.7:2514", tls: { ca: { configMap: "ca" } } } } },
                "destination.syslog.address",
                "10.0.0.7:2514",
                "must name the receiver by a DNS name over RELP with TLS: librelp matches the certificate's DNS names",
            ],
            [
                { destination: { syslog: { address: "h:514", protocol: "tcp", tls: {} } } },
                "destination.syslog.tls",
                {},
                "needs ca for syslog over TLS: rsyslog's TLS driver takes no system CAs",
            ],
            [
                { destination: { syslog: { address: "h:514", protocol: "udp" as any } } },
                "destination.syslog.protocol",
                "udp",
                'must be one of "relp", "tcp"',
            ],
            [{ destination: DEST, shipper: "stream" }, "shipper", "stream", "does not apply with a destination"],
            [
                { destination: { ...DEST, elasticsearch: { url: "http://es:9200" } } },
                "destination",
                { ...DEST, elasticsearch: { url: "http://es:9200" } },
                "must name one destination: syslog or elasticsearch, not both",
            ],
            [
                { destination: { elasticsearch: { url: "es:9200" } } },
                "destination.elasticsearch.url",
                "es:9200",
                "must be an http:// or https:// URL",
            ],
            [
                { destination: { elasticsearch: { url: "not a url" } } },
                "destination.elasticsearch.url",
                "not a url",
                "must be a URL",
            ],
            [
                { destination: { elasticsearch: { url: "http://es:9200", tls: { insecureSkipVerify: true } } } },
                "destination.elasticsearch.tls",
                { insecureSkipVerify: true },
                "applies to an https:// url only",
            ],
            [
                { destination: { elasticsearch: { url: "https://es", tls: { ca: { configMap: "a", secret: "b" } } } } },
                "destination.elasticsearch.tls.ca",
                { configMap: "a", secret: "b" },
                "must name one source",
            ],
            [
                {
                    destination: {
                        elasticsearch: { url: "https://es", tls: { ca: { secret: "ca" }, insecureSkipVerify: true } },
                    },
                },
                "destination.elasticsearch.tls.insecureSkipVerify",
                true,
                "contradicts tls.ca",
            ],
            [
                { destination: { elasticsearch: { url: "https://es", tls: { clientCertSecret: "Client_Cert" } } } },
                "destination.elasticsearch.tls.clientCertSecret",
                "Client_Cert",
                "must be the name of a Secret of type kubernetes.io/tls",
            ],
            [
                { destination: { elasticsearch: { url: "https://es", tls: { insecureSkipVerify: "yes" as any } } } },
                "destination.elasticsearch.tls.insecureSkipVerify",
                "yes",
                "must be",
            ],
            [
                { destination: { elasticsearch: { url: "http://writer:hunter2@es:9200" } } },
                "destination.elasticsearch.url",
                "http://***@es:9200",
                "must not carry credentials: they would be stored in plain text in the agent's ConfigMap and the stack's config; name a Secret in auth.basicAuthSecret",
            ],
            [
                { destination: { elasticsearch: { url: "http://es:9200/_bulk" } } },
                "destination.elasticsearch.url",
                "http://es:9200/_bulk",
                'without /_bulk (the agent appends it): "http://es:9200"',
            ],
            [
                { destination: { elasticsearch: { url: "http://es:9200", index: "Nginx" } } },
                "destination.elasticsearch.index",
                "Nginx",
                "must be an index name",
            ],
            [
                { destination: { elasticsearch: { url: "https://es:9200", auth: { basicAuthSecret: "Bad_Name" } } } },
                "destination.elasticsearch.auth.basicAuthSecret",
                "Bad_Name",
                "must be the name of a Secret",
            ],
            [
                {
                    destination: {
                        elasticsearch: { url: "https://es:9200", auth: { basicAuthSecret: "s", allowPlainHttp: true } },
                    },
                },
                "destination.elasticsearch.auth.allowPlainHttp",
                true,
                "applies to an http:// url only",
            ],
            [
                {
                    destination: {
                        elasticsearch: {
                            url: "http://es:9200",
                            auth: { basicAuthSecret: "s", allowPlainHttp: "yes" as any },
                        },
                    },
                },
                "destination.elasticsearch.auth.allowPlainHttp",
                "yes",
                "must be",
            ],
            [
                { destination: { elasticsearch: { url: "http://es:9200", auth: { basicAuthSecrets: "x" } as any } } },
                "destination.elasticsearch.auth.basicAuthSecrets",
                NOT_SHOWN,
                'did you mean "basicAuthSecret"?',
            ],
            [
                { destination: DEST, catLoopPeriodSeconds: 5 },
                "catLoopPeriodSeconds",
                5,
                "does not apply with a destination",
            ],
        ];
        BAD.forEach(([args, arg, value, rule], i) => {
            it(`${arg} ${JSON.stringify(value)}`, () => {
                expectArgError(`bad-dest-${i}`, args, arg, value, rule);
            });
        });

        it("a bad address registers nothing", async () => {
            expect(() => new WebserverPod("dest-none", { destination: { syslog: { address: "nope" } } })).to.throw(
                WebserverPodArgError,
            );
            await settle();
            expect(registered("dest-none")).to.have.length(0);
            expect(registered("dest-none-agent-conf")).to.have.length(0);
        });
    });
});
