// Who reaches the LogService (LogServiceArgs.access): closed, vmauth in front of VictoriaLogs with an
// ingest and a reader user, their basic-auth Secrets, a NetworkPolicy; open as before without it.
// vmauth's config runs for real in tests/shipper/logservice-access.test.ts.
import { promiseOf, registered, registrations, settle } from "../helpers/mocks";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    LOG_SERVICE,
    LOG_SERVICE_ACCESS,
    LogService,
    LogServiceArgError,
    validateLogService,
    WebserverPod,
} from "../../components";
import {
    accessNames,
    buildNetworkPolicy,
    checkPassword,
    isPassword,
    vmauthConfig,
    vmauthConfigFile,
} from "../../components/logService/access";
import { buildLogServicePodSpec, buildLogServiceStatefulSet } from "../../components/logService/manifest";
import { buildAlertingObjects } from "../../components/logService/alerting";
import { evaluate } from "../../policy/rules";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { NODE_IMAGES } from "../../scripts/lib/nodeImages";
import { qualified } from "../../scripts/lib/images";

const INGEST = "ingest-0123456789-abcdef";
const READER = "reader-0123456789-abcdef";
const CLOSED = { ingestPassword: INGEST, readerPassword: READER };

/** The args' problems, as LogServiceArgError lists them: "arg value: rule" per problem. */
function problems(args: unknown): string[] {
    try {
        new LogService("logs", args as any);
    } catch (e) {
        if (!(e instanceof LogServiceArgError)) throw e;
        return e.message.split("\n");
    }
    return [];
}

/** Every registration of a component named `prefix`, by its name. */
const registeredUnder = (prefix: string) => registrations.filter((r) => r.name.startsWith(`${prefix}-`));

describe("LogService access: closed (vmauth, two users, a NetworkPolicy) or open", () => {
    it("closed by default: without access refused before anything is registered, the message naming both ways (passwords, or open said)", () => {
        for (const args of [{}, { retentionPeriod: "3d" }, { access: undefined }]) {
            const before = registrations.length;
            let err: unknown;
            try {
                new LogService("noaccess", args as any);
            } catch (e) {
                err = e;
            }
            expect(err, JSON.stringify(args)).to.be.instanceOf(LogServiceArgError);
            const message = (err as Error).message;
            expect(message).to.contain(
                'LogService "noaccess": invalid args.access (unset): must be set: a LogService is closed by default',
            );
            expect(message).to.contain("access.ingestPassword and access.readerPassword");
            expect(message).to.contain("access: { open: true }");
            expect(registrations.length, "nothing registered").to.equal(before);
        }
        // The pure validation says the same (what Outputs resolve through).
        expect(() => validateLogService("logs", {} as any)).to.throw(
            LogServiceArgError,
            "args.access (unset): must be set",
        );
    });

    it("access: { open: true }: no vmauth, no Secret, no NetworkPolicy; VictoriaLogs on the Service's port", async () => {
        const v = validateLogService("logs", { access: { open: true } });
        expect(v.access).to.deep.equal({ open: true, image: LOG_SERVICE_ACCESS.image });
        const spec = buildLogServicePodSpec(v);
        expect(spec.containers.map((c) => c.name)).to.deep.equal(["victoria-logs"]);
        expect(spec.containers[0].args).to.include(`-httpListenAddr=:${LOG_SERVICE.httpPort}`);
        const logs = new LogService("opendefault", { access: { open: true } });
        await settle();
        const types = registeredUnder("opendefault").map((r) => r.type);
        expect(types).to.not.include("kubernetes:core/v1:Secret");
        expect(types).to.not.include("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        expect(await promiseOf(logs.access)).to.equal("open");
        expect(await promiseOf(logs.readerSecretName)).to.equal("");
        expect(await promiseOf(logs.ingestSecretName)).to.equal("");
        expect(await promiseOf(logs.uiLogin)).to.equal("");
        expect(await promiseOf(logs.destination)).to.deep.equal({
            elasticsearch: { url: await promiseOf(logs.bulkUrl) },
        });
    });

    it("closed: VictoriaLogs on the pod's loopback, vmauth on the Service's port reading the passwords from the users' Secrets", () => {
        const v = validateLogService("logs", { namespace: "observability", access: CLOSED });
        const spec = buildLogServicePodSpec(v);
        const [auth, vl] = spec.containers as any[];
        expect(auth.name).to.equal("vmauth");
        expect(auth.image).to.equal(LOG_SERVICE_ACCESS.image);
        expect(auth.args).to.deep.equal([
            "-auth.config=/etc/vmauth/auth.json",
            "-httpListenAddr=:9428",
            "-httpInternalListenAddr=127.0.0.1:8426",
        ]);
        expect(auth.ports).to.deep.equal([{ name: "http", containerPort: 9428, protocol: "TCP" }]);
        expect(auth.env).to.deep.equal([
            { name: "LOGS_INGEST_PASSWORD", valueFrom: { secretKeyRef: { name: "logs-ingest", key: "password" } } },
            { name: "LOGS_READER_PASSWORD", valueFrom: { secretKeyRef: { name: "logs-reader", key: "password" } } },
        ]);
        expect(spec.volumes).to.deep.equal([{ name: "auth", configMap: { name: accessNames("logs").configMap } }]);
        expect(vl.args).to.include("-httpListenAddr=127.0.0.1:9429").and.not.include("-httpListenAddr=:9428");
        expect(vl.ports.map((p: any) => p.name)).to.deep.equal(["syslog"]);
        // Readiness through vmauth's one unauthenticated path; VictoriaLogs' liveness its own listener.
        expect(vl.readinessProbe.httpGet).to.deep.equal({ path: "/health", port: 9428 });
        expect(vl.livenessProbe.tcpSocket).to.deep.equal({ port: 5140 });
        expect(auth.livenessProbe.tcpSocket).to.deep.equal({ port: 9428 });
        expect(evaluate(spec as any)).to.deep.equal({});
        validateAgainstSchema(buildLogServiceStatefulSet(v) as any);
    });

    it("vmauth's config: ingest may only /insert/, reader only /select/, the unauthenticated only /health; no secret in it", () => {
        expect(vmauthConfig()).to.deep.equal({
            users: [
                {
                    username: "ingest",
                    password: "%{LOGS_INGEST_PASSWORD}",
                    url_map: [{ src_paths: ["/insert/.+"], url_prefix: "http://127.0.0.1:9429" }],
                },
                {
                    username: "reader",
                    password: "%{LOGS_READER_PASSWORD}",
                    url_map: [{ src_paths: ["/select/.+"], url_prefix: "http://127.0.0.1:9429" }],
                },
            ],
            unauthorized_user: { url_map: [{ src_paths: ["/health"], url_prefix: "http://127.0.0.1:9429" }] },
        });
        expect(JSON.parse(vmauthConfigFile())).to.deep.equal(vmauthConfig());
        expect(accessNames("logs").configMap).to.match(/^logs-auth-[0-9a-f]{8}$/);
    });

    it("the component registers the Secrets, the config and the NetworkPolicy before the StatefulSet; the passwords are secrets and nowhere else", async () => {
        const ingest = pulumi.secret("from-config-ingest-password");
        const reader = pulumi.secret("from-config-reader-password");
        const logs = new LogService("closed", {
            name: "logs",
            namespace: "observability",
            access: { ingestPassword: ingest, readerPassword: reader, agentNamespaces: ["web", "observability"] },
        });
        await settle();
        const secrets = registeredUnder("closed").filter((r) => r.type === "kubernetes:core/v1:Secret");
        expect(
            secrets.map((s) => [s.name, s.inputs.metadata.name, s.inputs.metadata.namespace, s.inputs.type]),
        ).to.deep.equal([
            ["closed-ingest", "logs-ingest", "observability", "kubernetes.io/basic-auth"],
            ["closed-ingest-web", "logs-ingest", "web", "kubernetes.io/basic-auth"],
            ["closed-reader", "logs-reader", "observability", "kubernetes.io/basic-auth"],
        ]);
        // stringData reaches the engine as a secret (the mocks see its signature and value).
        for (const sec of secrets)
            expect(sec.inputs.stringData, sec.name).to.have.property(
                pulumi.runtime.specialSigKey,
                pulumi.runtime.specialSecretSig,
            );
        expect(secrets.map((s) => s.inputs.stringData.value.username)).to.deep.equal(["ingest", "ingest", "reader"]);
        expect(secrets.map((s) => s.inputs.stringData.value.password)).to.deep.equal([
            "from-config-ingest-password",
            "from-config-ingest-password",
            "from-config-reader-password",
        ]);
        // Every other object, as registered: neither password anywhere.
        const others = JSON.stringify(registeredUnder("closed").filter((r) => r.type !== "kubernetes:core/v1:Secret"));
        expect(others).to.not.contain("from-config-ingest-password").and.not.contain("from-config-reader-password");
        const [cm] = registered("closed-auth");
        expect(cm.inputs.metadata.name).to.equal(accessNames("logs").configMap);
        expect(JSON.parse(cm.inputs.data["auth.json"])).to.deep.equal(vmauthConfig());
        const [np] = registered("closed-network-policy");
        expect(np.type).to.equal("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        const [sts] = registered("closed-statefulset");
        expect(sts.inputs.spec.template.spec.containers.map((c: any) => c.name)).to.deep.equal([
            "vmauth",
            "victoria-logs",
        ]);
        expect(await promiseOf(logs.access)).to.equal("closed");
        expect(await promiseOf(logs.readerSecretName)).to.equal("logs-reader");
        expect(await promiseOf(logs.ingestSecretName)).to.equal("logs-ingest");
        expect(await promiseOf(logs.uiLogin)).to.equal(
            "user reader; password: kubectl get secret logs-reader -n observability -o jsonpath='{.data.password}' | base64 -d",
        );
        expect(await promiseOf(logs.destination)).to.deep.equal({
            elasticsearch: {
                url: await promiseOf(logs.bulkUrl),
                auth: { basicAuthSecret: "logs-ingest", allowPlainHttp: true },
            },
        });
    });

    it("the NetworkPolicy: agents (the log-agent label, in agentNamespaces) insert and send syslog; readers and vmalert query; nothing else", () => {
        const v = validateLogService("logs", {
            namespace: "observability",
            access: {
                ...CLOSED,
                agentNamespaces: ["web"],
                readers: { namespaces: ["dev"], podLabels: { team: "web" } },
            },
        });
        const labels = { "app.kubernetes.io/name": "victoria-logs", "app.kubernetes.io/instance": "logs" };
        const np = buildNetworkPolicy("logs", "observability", labels, v.access, {
            "app.kubernetes.io/name": "vmalert",
        });
        expect(np.spec).to.deep.equal({
            podSelector: { matchLabels: labels },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        {
                            podSelector: { matchLabels: { "webserver-sidecar/log-agent": "true" } },
                            namespaceSelector: {
                                matchExpressions: [
                                    { key: "kubernetes.io/metadata.name", operator: "In", values: ["web"] },
                                ],
                            },
                        },
                    ],
                    ports: [
                        { port: "http", protocol: "TCP" },
                        { port: "syslog", protocol: "TCP" },
                    ],
                },
                {
                    from: [
                        {
                            podSelector: { matchLabels: { team: "web" } },
                            namespaceSelector: {
                                matchExpressions: [
                                    { key: "kubernetes.io/metadata.name", operator: "In", values: ["dev"] },
                                ],
                            },
                        },
                        { podSelector: { matchLabels: { "app.kubernetes.io/name": "vmalert" } } },
                    ],
                    ports: [{ port: "http", protocol: "TCP" }],
                },
            ],
        });
        validateAgainstSchema(np as any);
        // Without agentNamespaces and readers: the agents of its own namespace, nobody querying.
        const own = buildNetworkPolicy(
            "logs",
            undefined,
            labels,
            validateLogService("logs", { access: CLOSED }).access,
        );
        expect(own.spec.ingress).to.deep.equal([
            {
                from: [{ podSelector: { matchLabels: { "webserver-sidecar/log-agent": "true" } } }],
                ports: [
                    { port: "http", protocol: "TCP" },
                    { port: "syslog", protocol: "TCP" },
                ],
            },
        ]);
    });

    it("a WebserverPod's pods carry the log-agent label when they run an agent, and take the LogService's destination as it is", async () => {
        const logs = new LogService("dest", { name: "logs", access: CLOSED });
        new WebserverPod("agent-pod", { destination: logs.destination });
        new WebserverPod("plain-pod", {});
        await settle();
        const [pod] = registered("agent-pod-pod");
        expect(pod.inputs.metadata.labels).to.deep.include({ "webserver-sidecar/log-agent": "true" });
        const env = pod.inputs.spec.containers[1].env as any[];
        expect(env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.valueFrom.secretKeyRef)).to.deep.include({
            name: "logs-ingest",
            key: "password",
        });
        const [plain] = registered("plain-pod-pod");
        expect(plain.inputs.metadata.labels ?? {}).to.not.have.property("webserver-sidecar/log-agent");
    });

    it("with alerting, vmalert queries as the reader, its password read from the reader's Secret as a file", () => {
        const v = validateLogService("logs", { access: CLOSED, alerting: { notifierUrl: "http://am:9093" } });
        const { deployment } = buildAlertingObjects("logs", undefined, v.alerting!, accessNames("logs").reader);
        const c = deployment.spec.template.spec.containers[0] as any;
        expect(c.args).to.include.members([
            "-datasource.basicAuth.username=reader",
            "-datasource.basicAuth.passwordFile=/etc/vmalert-reader/password",
        ]);
        expect(c.volumeMounts).to.deep.include({ name: "reader", mountPath: "/etc/vmalert-reader", readOnly: true });
        expect(deployment.spec.template.spec.volumes).to.deep.include({
            name: "reader",
            secret: { secretName: "logs-reader", items: [{ key: "password", path: "password" }] },
        });
    });

    it("its image is the vmauth release tools/versions.env pins, and the real node serves it", () => {
        const env = fs.readFileSync(path.join(__dirname, "..", "..", "tools", "versions.env"), "utf8");
        const version = /^VMAUTH_VERSION=(\S+)$/m.exec(env)![1];
        expect(LOG_SERVICE_ACCESS.image).to.equal(`victoriametrics/vmauth:v${version}`);
        expect(Object.keys(NODE_IMAGES)).to.include(qualified(LOG_SERVICE_ACCESS.image));
    });

    describe("mistakes, before anything is registered, naming the argument and never a password", () => {
        const cases: Array<[unknown, RegExp]> = [
            [
                { access: {} },
                /access\.ingestPassword \(unset\): must be set: the LogService is closed.*pulumi config set --secret logsIngestPassword/,
            ],
            [{ access: {} }, /access\.readerPassword \(unset\): must be set/],
            [
                { access: { ...CLOSED, open: true } },
                /access\.ingestPassword \(value not shown: it may be a credential\): has no effect with access\.open: true/,
            ],
            [{ access: { open: "yes" } }, /access\.open "yes": must be true or false/],
            [{ access: { ...CLOSED, agentNamespaces: ["web"] } }, /access\.agentNamespaces \["web"\]: needs namespace/],
            [
                { namespace: "o", access: { ...CLOSED, agentNamespaces: [] } },
                /access\.agentNamespaces \[\]: must be a list of one or more namespaces/,
            ],
            [{ namespace: "o", access: { ...CLOSED, agentNamespaces: ["Web"] } }, /access\.agentNamespaces\[0\] "Web"/],
            [
                { namespace: "o", access: { ...CLOSED, agentNamespaces: ["a", "a"] } },
                /access\.agentNamespaces\[1\] "a": is named twice/,
            ],
            [{ access: { ...CLOSED, readers: {} } }, /access\.readers \{\}: must name namespaces, podLabels or both/],
            [
                { access: { ...CLOSED, readers: { podLabels: { team: "-x" } } } },
                /access\.readers\.podLabels\["team"\] "-x"/,
            ],
            [
                { access: { ...CLOSED, passwd: "hunter2" } },
                /access\.passwd \(value not shown: it may be a credential\): is not an option/,
            ],
            [
                { access: { ...CLOSED, ingestPassword: 'short"' } },
                /access\.ingestPassword \(value not shown: it may be a credential\): must be 16 to 256 printable ASCII/,
            ],
        ];
        for (const [args, want] of cases)
            it(`${JSON.stringify(args).slice(0, 90)}`, () => {
                const said = problems(args);
                expect(said.join("\n")).to.match(want);
                for (const p of [INGEST, READER, "hunter2", 'short"']) expect(said.join("\n")).to.not.contain(p);
            });

        it("a password that arrives as a secret Output is checked when it resolves (checkPassword), its value never in the message", () => {
            const bad = "with a space and % sign!";
            expect(() => checkPassword("logs", "ingestPassword", bad))
                .to.throw(LogServiceArgError)
                .with.property("message")
                .that.matches(/access\.ingestPassword \(value not shown: it may be a credential\): must be 16 to 256/)
                .and.not.contain(bad);
            expect(checkPassword("logs", "readerPassword", READER)).to.equal(READER);
        });

        it("the password rule: 16 to 256 printable ASCII, no space, '\"', '\\\\' or '%' (vmauth's %{ENV} and its JSON config)", () => {
            expect(isPassword("a".repeat(16))).to.equal(true);
            expect(isPassword("!#$&'()*+,-./:;<=>?@[]^_`{|}~Az09".slice(0, 30))).to.equal(true);
            expect(isPassword("a".repeat(256))).to.equal(true);
            for (const bad of [
                "a".repeat(15),
                "a".repeat(257),
                `${"a".repeat(16)} `,
                `${"a".repeat(16)}"`,
                `${"a".repeat(16)}\\`,
                `${"a".repeat(16)}%{HOME}`,
                `${"a".repeat(16)}\n`,
                `${"a".repeat(16)}é`,
            ])
                expect(isPassword(bad), JSON.stringify(bad)).to.equal(false);
        });
    });
});
