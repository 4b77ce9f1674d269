// `npm run render` runs the program itself under the SDK's mock monitor in a process of its own
// (the runtime is global): these command lines run in the CLI batch child (tests/helpers/children.ts).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { seedPod } from "../helpers/fixtures";
import { cliCase } from "../helpers/children";
import { PROJECT_DIR, readStackConfig, RENDER_SECRET_KEYS, REPO_ROOT } from "../../scripts/lib/render";
import { RULES } from "../../policy/rules";
import { SchemaError, validateAgainstSchema } from "../../scripts/lib/schema";

const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-")), "dev.yaml");
const devStack = cliCase({ script: "render", argv: [] });
const toFile = cliCase({ script: "render", argv: ["--stack", "dev", "--out", outFile] });
const noStack = cliCase({ script: "render", argv: ["--stack", "no-such-stack"] });
const badFlag = cliCase({ script: "render", argv: ["--stak", "dev"] });
const prodStack = cliCase({ script: "render", argv: ["--stack", "prod"] });
const devPolicy = cliCase({ script: "render", argv: ["--policy"] });
const devPolicyRestricted = cliCase({
    script: "render",
    argv: ["--policy", "--policy-config", "policy/config/restricted-mandatory.json"],
});
const prodPolicy = cliCase({ script: "render", argv: ["--stack", "prod", "--policy"] });
const clusterPolicy = cliCase({ script: "render", argv: ["--stack", "cluster", "--policy"] });
const prodRestricted = cliCase({
    script: "render",
    argv: ["--stack", "prod", "--policy", "--policy-config", "policy/config/restricted-mandatory.json"],
});

describe("npm run render", function () {
    it("renders the dev stack as exactly the seed Pod", () => {
        const r = devStack();
        expect(r.code, r.stderr).to.equal(0);
        const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
        expect(docs).to.deep.equal([seedPod()]);
    });

    it("writes to --out and names the stack", () => {
        const r = toFile();
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.contain("stack dev");
        expect(parseAllDocuments(fs.readFileSync(outFile, "utf8")).map((d) => d.toJS())).to.deep.equal([seedPod()]);
    });

    it("fails in one line for a stack without config", () => {
        const r = noStack();
        expect(r.code).to.equal(1);
        expect(r.stderr.trim()).to.match(/^error: no stack config .*Pulumi\.no-such-stack\.yaml/);
        expect(r.stderr).to.not.contain("    at ");
    });

    it("rejects an unknown flag", () => {
        const r = badFlag();
        expect(r.code).to.equal(1);
        expect(r.stderr).to.contain("unknown argument --stak");
    });
});

describe("where the scripts find things", () => {
    it("the program in program/, the repository's root beside it (bench/ and scripts/ are the root's)", () => {
        expect(fs.existsSync(path.join(PROJECT_DIR, "Pulumi.yaml")), PROJECT_DIR).to.equal(true);
        expect(fs.existsSync(path.join(PROJECT_DIR, "index.ts"))).to.equal(true);
        for (const f of ["package.json", "PulumiPlugin.yaml", "bench/results.md", "scripts/tools.sh"])
            expect(fs.existsSync(path.join(REPO_ROOT, f)), f).to.equal(true);
        // Every script that writes under bench/ or runs scripts/ joins them to the root, not to the program's directory.
        for (const dir of ["bench", "scripts"])
            for (const f of fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true }) as string[]) {
                if (!f.endsWith(".ts")) continue;
                const text = fs.readFileSync(path.join(REPO_ROOT, dir, f), "utf8");
                expect(text, `${dir}/${f}`).to.not.match(/path\.join\(PROJECT_DIR, "(bench|scripts)"/);
            }
    });
});

describe("stack config for the render", () => {
    it("qualifies keys with the project's name and JSON-encodes objects, as the engine does", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
        fs.writeFileSync(
            path.join(dir, "Pulumi.test.yaml"),
            "config:\n  demo:podName: web\n  labels:\n    tier: web\n  kubernetes:context: kind-x\n  demo:replicas: 2\n",
        );
        expect(readStackConfig("test", dir)).to.deep.equal({
            "demo:podName": "web",
            "demo:labels": '{"tier":"web"}',
            "kubernetes:context": "kind-x",
            "demo:replicas": "2",
        });
    });

    it("refuses secrets it cannot decrypt", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\n");
        fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), "config:\n  demo:token:\n    secure: AAAB\n");
        expect(() => readStackConfig("s", dir)).to.throw("demo:token is a secret");
    });

    it("leaves out the program's secret keys given encrypted (the render stands in passwords of its own), and only those", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\n");
        const secure = (k: string) => `  demo:${k}:\n    secure: v1:AAAB\n`;
        fs.writeFileSync(
            path.join(dir, "Pulumi.s.yaml"),
            `config:\n  demo:podName: web\n${RENDER_SECRET_KEYS.map(secure).join("")}`,
        );
        expect(readStackConfig("s", dir)).to.deep.equal({ "demo:podName": "web" });
        expect(RENDER_SECRET_KEYS).to.deep.equal(["logsIngestPassword", "logsReaderPassword"]);
        // Another project's key of that name is no password of this program's.
        fs.writeFileSync(
            path.join(dir, "Pulumi.o.yaml"),
            "config:\n  other:logsIngestPassword:\n    secure: v1:AAAB\n",
        );
        expect(() => readStackConfig("o", dir)).to.throw("other:logsIngestPassword is a secret");
    });
});

describe("schema validation of rendered objects", () => {
    it("accepts the seed Pod", () => {
        expect(() => validateAgainstSchema(seedPod())).to.not.throw();
    });

    it("names the schema path of a violation", () => {
        const pod = seedPod();
        pod.spec.containers[1].volumeMounts[0].readOnly = "yes";
        expect(() => validateAgainstSchema(pod)).to.throw(
            SchemaError,
            "/spec/containers/1/volumeMounts/0/readOnly must be boolean",
        );
    });

    it("rejects a container without a name", () => {
        const pod = seedPod();
        delete pod.spec.containers[0].name;
        expect(() => validateAgainstSchema(pod)).to.throw(
            SchemaError,
            "/spec/containers/0 must have required property name",
        );
    });

    it("refuses kinds it has no schema for", () => {
        expect(() => validateAgainstSchema({ apiVersion: "v1", kind: "Nope", metadata: { name: "x" } })).to.throw(
            "no schema known",
        );
    });
});

describe("npm run render -- --stack prod", function () {
    it("renders nginx's and the agent's ConfigMaps, the Services, the 2-replica restricted Deployment, its PodDisruptionBudget and the closed LogService (its Secrets, vmauth's config, its StatefulSet, its NetworkPolicy), all schema-valid", () => {
        const r = prodStack();
        expect(r.code, r.stderr).to.equal(0);
        const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
        expect(docs.map((d) => `${d.kind}/${d.metadata.name.replace(/-[0-9a-f]{8}$/, "")}`)).to.deep.equal([
            "Secret/logs-ingest",
            "Secret/logs-reader",
            "ConfigMap/logs-auth",
            "ConfigMap/webserver-agent-conf",
            "ConfigMap/webserver-nginx-conf",
            "Service/logs",
            "Service/webserver",
            "Deployment/webserver",
            "StatefulSet/logs",
            "PodDisruptionBudget/webserver",
            "NetworkPolicy/logs",
        ]);
        docs.forEach((d) => validateAgainstSchema(d));
        // Closed by default: the stack sets no password (it would be a secret the offline render
        // cannot read), so each Secret holds one made for this render, different every time.
        const passwords = docs.slice(0, 2).map((d) => d.stringData.password);
        for (const p of passwords) expect(p).to.match(/^[A-Za-z0-9_-]{32}$/);
        expect(passwords[0]).to.not.equal(passwords[1]);
        expect(r.stdout.split(passwords[0]).length - 1, "a password only in its Secret").to.equal(1);
        // The agents deliver to the LogService the stack deploys, as its ingest user.
        const agentConf = docs[3].data["rsyslog.conf"];
        expect(agentConf).to.contain('server="http://logs:9428/insert/elasticsearch"');
        expect(agentConf).to.contain("uid=`echo $");
        const deployment = docs[7];
        expect(deployment.spec.replicas).to.equal(2);
        expect(deployment.spec.template.spec.securityContext.runAsNonRoot).to.equal(true);
        expect(deployment.metadata.labels).to.deep.equal({
            "app.kubernetes.io/component": "web",
            "app.kubernetes.io/name": "webserver",
            "app.kubernetes.io/instance": "webserver",
        });
        expect(docs[9].spec.minAvailable).to.equal(1);
    });
});

describe("npm run render -- --policy", () => {
    it("prints the policy pack's findings on the dev stack (the seed fails every rule but the log agent's), advisory: exit 0", () => {
        const r = devPolicy();
        expect(r.code, r.stderr).to.equal(0);
        for (const rule of RULES.filter((x) => !x.logAgent && !x.logService && !x.pssBaseline))
            expect(r.stdout, rule.id).to.match(new RegExp(`^advisory +${rule.id} +Pod webserver: `, "m"));
        expect(r.stdout.trim().split("\n").pop()).to.match(/^\d+ finding\(s\), 0 mandatory, on Pod webserver/);
    });

    it("with a pack config making rules mandatory: they say so, and it exits 1", () => {
        const r = devPolicyRestricted();
        expect(r.code).to.equal(1);
        expect(r.stdout).to.match(/^mandatory +run-as-non-root +Pod webserver: nginx-container: may run as root/m);
        expect(r.stdout).to.match(/^advisory +cpu-requests-limits /m);
    });

    it("finds on the prod stack's Deployment and its closed LogService only the agents' credentials over the in-cluster plain HTTP (advisory)", () => {
        const r = prodPolicy();
        expect(r.code, r.stderr).to.equal(0);
        // The ConfigMap's name ends in its content's hash.
        expect(
            r.stdout
                .trim()
                .replace(/-[0-9a-f]{8}:/, ":")
                .split("\n"),
        ).to.deep.equal([
            "advisory   credentials-over-tls               ConfigMap webserver-agent-conf: rsyslog.conf: omelasticsearch sends basic-auth credentials over plain http (http://logs:9428/insert/elasticsearch). Fix: set `destination.elasticsearch.url` to an https:// url (with `tls.ca` if a private CA signs it), instead of `auth.allowPlainHttp`.",
            "1 finding(s), 0 mandatory, on Deployment webserver, StatefulSet logs (policy pack: policy/)",
        ]);
    });

    it("passes the prod stack with the restricted rules mandatory, as up.yml and deploy.yml deploy it: exit 0, none mandatory", () => {
        const r = prodRestricted();
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        expect(r.stdout.trim().split("\n").pop()).to.match(/^1 finding\(s\), 0 mandatory, /);
    });

    it("finds on the cluster stack's closed LogService only the agents' plain HTTP: its storage and front nodes authenticated, each selected by a NetworkPolicy", () => {
        const r = clusterPolicy();
        expect(r.code, r.stderr).to.equal(0);
        const rules = r.stdout
            .trim()
            .split("\n")
            .map((l) =>
                l
                    .split(/ +/)
                    .slice(0, 4)
                    .join(" ")
                    .replace(/-[0-9a-f]{8}:$/, ":"),
            );
        expect(rules).to.deep.equal([
            "advisory credentials-over-tls ConfigMap webserver-agent-conf:",
            "1 finding(s), 0 mandatory,",
        ]);
        expect(r.stdout).to.contain("on Deployment logs, Deployment webserver, StatefulSet logs-storage");
    });
});
