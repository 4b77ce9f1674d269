// The policy pack (policy/): its policies evaluated directly on rendered objects, the same
// definitions as docs/policy.md's table, and configs that make the right policies mandatory.
import { expect } from "chai";
import { render, renderObjects } from "../helpers/render";
import * as fs from "fs";
import * as path from "path";
import { WebserverPodArgs } from "../../components";
import { checkObjects, enforcementLevel } from "../../policy/offline";
import { POLICIES, STACK_POLICIES } from "../../policy/policies";
import { evaluate, RULES, STACK_RULES, WORKLOADS } from "../../policy/rules";
import { validateLogService } from "../../components";
import { buildLogServiceStatefulSet, logServiceLabels } from "../../components/logService/manifest";
import { buildNetworkPolicy } from "../../components/logService/access";
import { seedPod } from "../helpers/fixtures";
import { configMapFindings } from "../helpers/policyFindings";

const ROOT = path.resolve(__dirname, "..", "..");
const objectsFor = (args: WebserverPodArgs) => renderObjects(args, "policy");
const podSpecFor = (args: WebserverPodArgs) => render(args, "policy").pod!.spec;
const failedPolicies = (objects: any[]) => [...new Set(checkObjects(objects).map((f) => f.policy))];
const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "policy", f), "utf8"));

/** docs/policy.md's table: rule id -> its cells. */
function readmeTable(): Map<string, string[]> {
    const readme = fs.readFileSync(path.join(ROOT, "docs", "policy.md"), "utf8");
    const rows = readme
        .split("\n")
        .filter(
            (l) => /^\| `[a-z-]+` \| /.test(l) && [...RULES, ...STACK_RULES].some((r) => l.startsWith(`| \`${r.id}\``)),
        );
    const all = readme
        .split("\n")
        .filter((l) => /^\| `[a-z0-9-]+` \| .* \| (fail|pass) \| (fail|pass) \| (fail|pass) \|$/.test(l));
    expect(all.length, "every row of the policy table is a rule").to.equal(rows.length);
    return new Map(
        rows.map((l) => [/^\| `([a-z-]+)`/.exec(l)![1], l.split(" | ").map((c) => c.replace(/\s*\|$/, "").trim())]),
    );
}

describe("policy pack: the stack rule log-service-network-policy", () => {
    const closed = validateLogService("logs", {
        namespace: "obs",
        access: { ingestPassword: "i".repeat(16), readerPassword: "r".repeat(16) },
    });
    const sts = buildLogServiceStatefulSet(closed);
    const np = buildNetworkPolicy("logs", "obs", logServiceLabels(closed), closed.access);
    const found = (objects: any[]) =>
        checkObjects(objects)
            .filter((f) => f.policy === "log-service-network-policy")
            .map((f) => `${f.resource}: ${f.message}`);

    it("log-service-closed: VictoriaLogs' HTTP API on any address but the loopback, wherever its flags are", () => {
        const vl = (flags: string[], where: "args" | "command" = "args") =>
            evaluate({ containers: [{ name: "vl", [where]: ["-storageDataPath=/storage", ...flags] }] })[
                "log-service-closed"
            ] ?? [];
        const open = (at: string) => [
            `vl: VictoriaLogs serves its HTTP API at ${JSON.stringify(at)} with no authentication: whoever reaches the pod reads and writes every record`,
        ];
        expect(vl([])).to.deep.equal(open(":9428")); // its default
        expect(vl(["-httpListenAddr=:9428"], "command")).to.deep.equal(open(":9428"));
        expect(vl(["-httpListenAddr=0.0.0.0:9428"])).to.deep.equal(open("0.0.0.0:9428"));
        expect(vl(["-httpListenAddr=127.0.0.10:9428"])).to.deep.equal(open("127.0.0.10:9428"));
        expect(vl(["-httpListenAddr=127.0.0.1:9429,:9430"])).to.deep.equal(open("127.0.0.1:9429,:9430"));
        for (const local of ["127.0.0.1:9429", "[::1]:9429", "localhost:9429", "127.0.0.1:9429,[::1]:9429"])
            expect(vl([`-httpListenAddr=${local}`]), local).to.deep.equal([]);
        // The whole address, not a part of it: a host that ends in "localhost", or a loopback address
        // followed by more than a port, is no address this rule can prove is the loopback.
        for (const at of ["notlocalhost:9428", "127.0.0.1:9428x"])
            expect(vl([`-httpListenAddr=${at}`]), at).to.deep.equal(open(at));
        // Its own basic auth on (a closed cluster's storage nodes): a user and a password, both non-empty.
        expect(vl(["-httpListenAddr=:9428", "-httpAuth.username=storage", "-httpAuth.password=%{P}"])).to.deep.equal(
            [],
        );
        for (const half of [
            ["-httpAuth.username=storage"],
            ["-httpAuth.password=%{P}"],
            ["-httpAuth.username=", "-httpAuth.password=%{P}"],
            ["-httpAuth.username=storage", "-httpAuth.password="],
            ["-httpAuth.usernameX=storage", "-httpAuth.password=%{P}"],
        ])
            expect(vl(["-httpListenAddr=:9428", ...half]), half.join(" ")).to.deep.equal(open(":9428"));
        // Not VictoriaLogs (no -storageDataPath or -storageNode): not this rule's.
        expect(evaluate({ containers: [{ name: "x", args: ["-httpListenAddr=:9428"] }] })).to.not.have.property(
            "log-service-closed",
        );
    });

    it("objects without the optional parts: a Pod without metadata, a NetworkPolicy without spec, checked without a crash", () => {
        const check = STACK_RULES.find((r) => r.id === "log-service-network-policy")!.check;
        const bare = {
            type: "kubernetes:core/v1:Pod",
            props: { spec: { containers: [{ name: "vl", args: ["-storageDataPath=/storage"] }] } },
        };
        // No labels, no namespace: an empty podSelector in the default namespace selects it.
        const all = { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", props: { spec: { podSelector: {} } } };
        expect(check([bare, all])).to.deep.equal([]);
        expect(check([bare])).to.deep.equal([
            {
                resource: 0,
                message:
                    "Pod ?: no NetworkPolicy of the stack selects its pods: every pod in the cluster reaches VictoriaLogs",
            },
        ]);
        // A NetworkPolicy without spec (the API server would refuse it) is read as its defaults:
        // Ingress, and an empty selector.
        const noSpec = { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", props: { metadata: { name: "x" } } };
        expect(check([bare, noSpec])).to.deep.equal([]);
    });

    it("a stack policy of the pack, advisory, remediated with the LogService", () => {
        expect(STACK_POLICIES.map((p) => p.name)).to.deep.equal(STACK_RULES.map((r) => r.id));
        for (const p of STACK_POLICIES) {
            expect(p.enforcementLevel).to.equal("advisory");
            expect(p.remediationSteps).to.match(/^With the LogService component: set `access`/);
        }
        const index = fs.readFileSync(path.join(ROOT, "policy", "index.ts"), "utf8");
        expect(index).to.contain("policies: [...POLICIES, ...STACK_POLICIES]");
    });

    it("fails a VictoriaLogs workload no NetworkPolicy of its namespace selects for ingress; passes it with the LogService's own", () => {
        const message =
            "StatefulSet logs: no NetworkPolicy of the stack selects its pods: every pod in the cluster reaches VictoriaLogs. Fix: set `access` on the LogService: it declares a NetworkPolicy admitting its agents and the readers named, and nothing else.";
        expect(found([sts])).to.deep.equal([message]);
        expect(found([sts, np])).to.deep.equal([]);
        // In another namespace, selecting other pods, or egress only: it does not count.
        expect(found([sts, { ...np, metadata: { ...np.metadata, namespace: "other" } }])).to.deep.equal([message]);
        expect(found([sts, { ...np, spec: { ...np.spec, podSelector: { matchLabels: { app: "x" } } } }])).to.deep.equal(
            [message],
        );
        expect(found([sts, { ...np, spec: { ...np.spec, policyTypes: ["Egress"] } }])).to.deep.equal([message]);
        // matchExpressions count as the API server reads them; an empty selector selects every pod.
        const byExpression = {
            matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["victoria-logs"] }],
        };
        expect(found([sts, { ...np, spec: { ...np.spec, podSelector: byExpression } }])).to.deep.equal([]);
        expect(found([sts, { ...np, spec: { ...np.spec, podSelector: {} } }])).to.deep.equal([]);
        const notIn = {
            matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["victoria-logs"] }],
        };
        expect(found([sts, { ...np, spec: { ...np.spec, podSelector: notIn } }])).to.deep.equal([message]);
        // A NetworkPolicy without policyTypes is an ingress policy (the API server's default); one
        // without metadata or podSelector, and a workload without metadata, are read, not thrown on.
        expect(found([sts, { ...np, spec: { ...np.spec, policyTypes: undefined } }])).to.deep.equal([]);
        const bare = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", spec: { podSelector: {} } };
        const noMeta = { ...sts, metadata: undefined };
        expect(found([noMeta, bare])).to.deep.equal([]);
        expect(found([noMeta, { ...bare, spec: {} }])).to.deep.equal([]);
        expect(found([noMeta])).to.deep.equal([
            "StatefulSet ?: no NetworkPolicy of the stack selects its pods: every pod in the cluster reaches VictoriaLogs. Fix: set `access` on the LogService: it declares a NetworkPolicy admitting its agents and the readers named, and nothing else.",
        ]);
        // A template without labels is selected by an empty selector only.
        const unlabelled = { ...sts, spec: { ...sts.spec, template: { spec: sts.spec.template.spec } } };
        expect(found([unlabelled, np])).to.have.length(1);
        expect(found([unlabelled, { ...np, spec: { ...np.spec, podSelector: {} } }])).to.deep.equal([]);
        // A bare Pod is selected by its own labels; a cluster's front node (-storageNode, no data) counts too.
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
                name: "vl",
                namespace: "obs",
                labels: { "app.kubernetes.io/name": "victoria-logs", "app.kubernetes.io/instance": "logs" },
            },
            spec: { containers: [{ name: "victoria-logs", args: ["-storageNode=logs-storage-0:9491"] }] },
        };
        expect(found([pod])).to.deep.equal([
            "Pod vl: no NetworkPolicy of the stack selects its pods: every pod in the cluster reaches VictoriaLogs. Fix: set `access` on the LogService: it declares a NetworkPolicy admitting its agents and the readers named, and nothing else.",
        ]);
        expect(found([pod, np])).to.deep.equal([]);
        // Each operator as the API server reads it; an unknown one selects nothing.
        const withExpr = (e: object) =>
            found([sts, { ...np, spec: { ...np.spec, podSelector: { matchExpressions: [e] } } }]).length;
        const key = "app.kubernetes.io/instance";
        expect(withExpr({ key, operator: "In", values: ["logs"] })).to.equal(0);
        expect(withExpr({ key, operator: "In", values: ["other"] })).to.equal(1);
        expect(withExpr({ key: "absent", operator: "In", values: ["logs"] })).to.equal(1);
        expect(withExpr({ key, operator: "NotIn", values: ["other"] })).to.equal(0);
        expect(withExpr({ key: "absent", operator: "NotIn", values: ["x"] })).to.equal(0);
        expect(withExpr({ key, operator: "NotIn", values: ["logs"] })).to.equal(1);
        expect(withExpr({ key, operator: "Exists" })).to.equal(0);
        expect(withExpr({ key: "absent", operator: "Exists" })).to.equal(1);
        expect(withExpr({ key: "absent", operator: "DoesNotExist" })).to.equal(0);
        expect(withExpr({ key, operator: "DoesNotExist" })).to.equal(1);
        expect(withExpr({ key, operator: "Gt", values: ["1"] })).to.equal(1);
        // Not VictoriaLogs: nothing to say (the seed's pod has no NetworkPolicy and needs none here).
        expect(found([{ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: seedPod().spec }])).to.deep.equal(
            [],
        );
    });
});

describe("policy pack", () => {
    it("has one policy per rule, described with its linters and remediated with a component option", () => {
        expect(POLICIES.map((p) => p.name)).to.deep.equal(RULES.map((r) => r.id));
        for (const [i, p] of POLICIES.entries()) {
            expect(p.enforcementLevel, p.name).to.equal("advisory");
            for (const l of RULES[i].linters) expect(p.description, p.name).to.contain(l);
            // An option to set, or (for what the component never sets) nothing to set.
            expect(p.remediationSteps, p.name).to.match(
                /With the (WebserverPod|LogService) component: set (`|nothing: )/,
            );
            expect(p.remediationSteps?.includes("LogService component"), p.name).to.equal(RULES[i].logService === true);
        }
    });

    it("says in docs/policy.md's table each rule's title, linters and fix, as the pack reports them", () => {
        const table = readmeTable();
        expect([...table.keys()]).to.deep.equal([...RULES, ...STACK_RULES].map((r) => r.id));
        for (const r of [...RULES, ...STACK_RULES]) {
            const [, title, linters, fix] = table.get(r.id)!;
            // The title opens the cell (a detail may follow it: "<title> (fails only with ...)").
            expect(title.slice(0, r.title.length), r.id).to.equal(r.title);
            expect(title.charAt(r.title.length), r.id).to.match(/^( |)$/);
            expect(linters, r.id).to.equal(r.linters.join(", "));
            expect(fix, r.id).to.equal(r.remediation);
            expect(r.title + r.remediation + r.linters.join(""), r.id).to.not.match(/\|/);
        }
    });

    it("reports on the seed render exactly the rules docs/policy.md's table marks fail for it", () => {
        const table = readmeTable();
        const expected = RULES.filter((r) => table.get(r.id)![4] === "fail").map((r) => r.id);
        expect(failedPolicies(objectsFor({}))).to.deep.equal(expected);
        // The seed fails them all but the log agent's TLS rule (it has no agent) and the baseline
        // profile's controls (it uses no host namespace, path or port, no privilege, no capability).
        expect(expected).to.deep.equal(
            RULES.filter((r) => !r.logAgent && !r.logService && !r.pssBaseline).map((r) => r.id),
        );
        const messages = checkObjects(objectsFor({})).filter((f) => f.policy === "image-tag-pinned");
        expect(messages.map((f) => `${f.resource}: ${f.message}`)).to.deep.equal([
            "Pod policy: nginx-container: image is :latest or untagged. Fix: set `nginxImage` / `sidecarImage` to a version or digest (or `production: true`).",
            "Pod policy: sidecar-container: image is :latest or untagged. Fix: set `nginxImage` / `sidecarImage` to a version or digest (or `production: true`).",
        ]);
    });

    it("matches docs/policy.md's table for security: restricted and production (Pod and Deployment)", () => {
        const table = readmeTable();
        const restricted = failedPolicies(objectsFor({ security: "restricted" }));
        for (const r of RULES) expect(table.get(r.id)![5], r.id).to.equal(restricted.includes(r.id) ? "fail" : "pass");
        expect(failedPolicies(objectsFor({ production: true }))).to.deep.equal([]);
        expect(failedPolicies(objectsFor({ production: true, workload: "Deployment" }))).to.deep.equal([]);
        // Verification off only when asked, and then reported.
        const insecure = { elasticsearch: { url: "https://es", tls: { insecureSkipVerify: true } } };
        expect(failedPolicies(objectsFor({ production: true, destination: insecure }))).to.deep.equal([
            "tls-verification-on",
        ]);
        const verified = { elasticsearch: { url: "https://es", tls: { ca: { configMap: "es-ca" } } } };
        expect(failedPolicies(objectsFor({ production: true, destination: verified }))).to.deep.equal([]);
        for (const r of RULES) expect(table.get(r.id)![6], r.id).to.equal("pass");
    });

    it("checks every workload kind that carries a pod spec the same way as the seed Pod", () => {
        const spec = seedPod().spec;
        const template = { metadata: { labels: { app: "x" } }, spec };
        const workloads = [
            { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template } },
            { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s" }, spec: { template } },
            { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ds" }, spec: { template } },
            { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template } },
            {
                apiVersion: "batch/v1",
                kind: "CronJob",
                metadata: { name: "c" },
                spec: { jobTemplate: { spec: { template } } },
            },
        ];
        const seedFailures = Object.keys(evaluate(spec));
        for (const w of workloads) expect(failedPolicies([w]), w.kind).to.deep.equal(seedFailures);
        expect(Object.keys(WORKLOADS)).to.include.members(workloads.map((w) => `kubernetes:${w.apiVersion}:${w.kind}`));
        expect(
            failedPolicies([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: {} }]),
        ).to.deep.equal([]);
    });

    it("flags what a production user turns back off, and accepts images pinned by digest", () => {
        const failed = evaluate(
            podSpecFor({ production: true, nginxImage: "nginx:latest", imagePullPolicy: "IfNotPresent" }),
        );
        expect(failed["image-tag-pinned"]).to.deep.equal(["nginx-container: image is :latest or untagged"]);
        expect(failed["image-pull-policy-always"]).to.have.length(2);
        expect(
            failedPolicies(objectsFor({ production: true, nginxImage: `nginx@sha256:${"0".repeat(64)}` })),
        ).to.deep.equal([]);
    });

    it("config/restricted-mandatory.json makes exactly the Pod Security Standards rules mandatory", () => {
        const config = readJson("config/restricted-mandatory.json");
        const mandatory = RULES.filter((r) => enforcementLevel(r.id, config) === "mandatory").map((r) => r.id);
        expect(mandatory).to.deep.equal(RULES.filter((r) => r.pssRestricted).map((r) => r.id));
        expect(mandatory).to.deep.equal([
            "run-as-non-root",
            "seccomp-runtime-default",
            "capabilities-drop-all",
            "no-privilege-escalation",
            "no-host-namespaces",
            "no-host-path",
            "no-host-port",
            "not-privileged",
            "capabilities-baseline",
        ]);
        const all = readJson("config/all-mandatory.json");
        expect(RULES.every((r) => enforcementLevel(r.id, all) === "mandatory")).to.equal(true);
        expect(
            checkObjects(objectsFor({}), config)
                .filter((f) => f.enforcementLevel === "mandatory")
                .map((f) => f.policy),
        ).to.include("run-as-non-root");
    });

    it("is a pack the Pulumi CLI can load: PulumiPolicy.yaml, index.ts starting it, its own package.json and lock", () => {
        expect(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8")).to.match(/^runtime: nodejs$/m);
        const index = fs.readFileSync(path.join(ROOT, "policy", "index.ts"), "utf8");
        expect(index)
            .to.contain('new PolicyPack("webserver-sidecar"')
            .and.contain("policies: [...POLICIES, ...STACK_POLICIES]");
        const pkg = readJson("package.json");
        const lock = readJson("package-lock.json");
        expect(pkg.dependencies).to.have.keys("@pulumi/policy", "@pulumi/pulumi", "ts-node", "typescript");
        expect(lock.packages[""].dependencies).to.deep.equal(pkg.dependencies);
        // The pack must stand alone (pulumi policy publish ships only this folder): no imports from outside it.
        for (const f of ["index.ts", "policies.ts", "rules.ts", "offline.ts"]) {
            const text = fs.readFileSync(path.join(ROOT, "policy", f), "utf8");
            expect(text, f).to.not.match(/from "\.\.\//);
        }
    });
});

describe("the Pod Security Standards' baseline rules: each fails on what it forbids, and only on that", () => {
    const seed = () => JSON.parse(JSON.stringify(seedPod().spec));
    const CASES: Array<[string, (spec: any) => void, string]> = [
        ["no-host-namespaces", (s) => (s.hostNetwork = true), "pod: hostNetwork is true"],
        ["no-host-namespaces", (s) => (s.hostPID = true), "pod: hostPID is true"],
        ["no-host-namespaces", (s) => (s.hostIPC = true), "pod: hostIPC is true"],
        [
            "no-host-path",
            (s) => s.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }),
            "volume docker: hostPath /var/run/docker.sock",
        ],
        [
            "no-host-port",
            (s) => (s.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }]),
            "nginx-container: port 80 bound on the host's 8080",
        ],
        [
            "not-privileged",
            (s) => (s.containers[1].securityContext = { privileged: true }),
            "sidecar-container: privileged",
        ],
        [
            "capabilities-baseline",
            (s) => (s.containers[1].securityContext = { capabilities: { add: ["SYS_ADMIN", "CHOWN"] } }),
            "sidecar-container: adds SYS_ADMIN",
        ],
    ];
    for (const [id, spoil, violation] of CASES)
        it(`${id}: ${violation}`, () => {
            const rule = RULES.find((r) => r.id === id)!;
            expect(rule.check(seed()), "the seed passes").to.deep.equal([]);
            const spec = seed();
            spoil(spec);
            expect(rule.check(spec)).to.deep.equal([violation]);
            // No other baseline rule fires on it.
            for (const other of RULES.filter((r) => r.pssBaseline && r.id !== id))
                expect(other.check(spec), other.id).to.deep.equal([]);
        });

    it("passes what the baseline allows: hostNetwork false, a containerPort without hostPort, NET_BIND_SERVICE, CAP_-prefixed baseline names", () => {
        const spec = seed();
        spec.hostNetwork = false;
        spec.containers[0].ports = [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }];
        spec.containers[0].securityContext = {
            privileged: false,
            capabilities: { add: ["NET_BIND_SERVICE", "CAP_CHOWN"] },
        };
        for (const r of RULES.filter((x) => x.pssBaseline)) expect(r.check(spec), r.id).to.deep.equal([]);
    });
});

describe("tls-verification-on reads the agent's config itself", () => {
    const findings = configMapFindings("tls-verification-on");

    it("flags each way rsyslog.conf turns verification off, whatever wrote it (the environment says nothing)", () => {
        expect(findings('action(type="omelasticsearch" server="https://x" allowunsignedcerts="on")')).to.deep.equal([
            'rsyslog.conf: omelasticsearch accepts an unsigned certificate (allowunsignedcerts="on")',
        ]);
        expect(findings('action(type="omelasticsearch" server="https://x" skipverifyhost = "on")')).to.deep.equal([
            'rsyslog.conf: omelasticsearch does not check the host name (skipverifyhost="on")',
        ]);
        expect(findings('action(type="omfwd" StreamDriverAuthMode="anon")')).to.deep.equal([
            'rsyslog.conf: syslog over TLS does not verify the receiver (StreamDriverAuthMode="anon")',
        ]);
    });

    it("passes the configs the component writes with verification on, and flags the one it writes with it off", () => {
        const rendered = (destination: object) =>
            objectsFor({ production: true, destination } as never).filter(
                (o: any) => o.kind === "ConfigMap" && o.data["rsyslog.conf"],
            );
        const verified = rendered({ elasticsearch: { url: "https://es", tls: { ca: { configMap: "es-ca" } } } });
        expect(checkObjects(verified).filter((f) => f.policy === "tls-verification-on")).to.deep.equal([]);
        const insecure = rendered({ elasticsearch: { url: "https://es", tls: { insecureSkipVerify: true } } });
        expect(checkObjects(insecure).map((f) => f.message.split(". Fix:")[0])).to.deep.equal([
            'rsyslog.conf: omelasticsearch accepts an unsigned certificate (allowunsignedcerts="on")',
            'rsyslog.conf: omelasticsearch does not check the host name (skipverifyhost="on")',
        ]);
    });
});

describe("credentials-over-tls reads the agent's config itself", () => {
    const findings = configMapFindings("credentials-over-tls");

    it("flags omelasticsearch sending uid/pwd to an http:// server, whatever wrote it; https or no credentials pass", () => {
        expect(findings('action(type="omelasticsearch" server="http://es:9200" uid="u" pwd="p")')).to.deep.equal([
            "rsyslog.conf: omelasticsearch sends basic-auth credentials over plain http (http://es:9200)",
        ]);
        expect(findings('action(type="omelasticsearch" server="https://es:9200" uid="u" pwd="p")')).to.deep.equal([]);
        expect(findings('action(type="omelasticsearch" server="http://es:9200")')).to.deep.equal([]);
        // One action's credentials are not another's.
        expect(
            findings(
                'action(type="omelasticsearch" server="https://a" uid="u")\naction(type="omelasticsearch" server="http://b")',
            ),
        ).to.deep.equal([]);
    });

    it("passes the component's config over https, flags the one allowPlainHttp renders (production otherwise clean)", () => {
        const withAuth = (url: string, allowPlainHttp?: boolean) =>
            objectsFor({
                production: true,
                destination: {
                    elasticsearch: {
                        url,
                        auth: { basicAuthSecret: "es-writer", ...(allowPlainHttp && { allowPlainHttp }) },
                    },
                },
            });
        expect(failedPolicies(withAuth("https://es:9200"))).to.deep.equal([]);
        expect(failedPolicies(withAuth("http://es:9200", true))).to.deep.equal(["credentials-over-tls"]);
    });
});
