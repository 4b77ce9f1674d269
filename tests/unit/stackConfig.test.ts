// Stack config as the program and `npm run render` read it: project-level declarations in
// Pulumi.yaml that agree with the program, values checked as the Pulumi CLI checks them, and
// keys nobody reads rejected with the key that was meant.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { validateArgs } from "../../components";
import { isClosed, programConfig, readStackArgs, STACK_KEYS, StackConfigError } from "../../program/stackConfig";
import { readStackConfig } from "../../scripts/lib/render";
import { bulkUrlOf } from "../../components/logService/manifest";
import { seedPod } from "../helpers/fixtures";
import { cliCase } from "../helpers/children";
import { parseAllDocuments } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const PROJECT = "webserver-sidecar";

/** A project directory with this Pulumi.yaml and one stack file. */
function project(stackYaml: string): { dir: string; stack: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackcfg-"));
    fs.copyFileSync(path.join(ROOT, "program", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), stackYaml);
    return { dir, stack: "t" };
}

const emptyConfig = (() => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "empty-")), "Pulumi.empty.yaml");
    fs.writeFileSync(file, "config:\n");
    return cliCase({ script: "render", argv: ["--config-file", file] });
})();

describe("Pulumi.yaml's project-level config", () => {
    const declared: Record<string, any> = parse(
        fs.readFileSync(path.join(ROOT, "program", "Pulumi.yaml"), "utf8"),
    ).config;

    it("declares only options of the program, with the program's type", () => {
        const asProjectType = { string: "string", integer: "integer", boolean: "boolean" } as Record<string, string>;
        for (const [key, decl] of Object.entries(declared)) {
            expect(STACK_KEYS, key).to.have.property(key);
            expect(decl.type, key).to.equal(asProjectType[STACK_KEYS[key as keyof typeof STACK_KEYS]]);
            expect(decl.description, `${key} is described`).to.be.a("string");
        }
    });

    it("gives each declared key the component's own default, so declaring it changes nothing", () => {
        const defaults = validateArgs("webserver");
        expect(declared.podName.default).to.equal(defaults.podName);
        expect(declared.nativeSidecar.default).to.equal(defaults.nativeSidecar);
        expect(declared.production.default).to.equal(false);
    });

    it("the render applies those defaults where the stack sets none, as the CLI does", () => {
        const p = project("config:\n  webserver-sidecar:shipper: stream\n");
        expect(readStackConfig(p.stack, p.dir)).to.deep.equal({
            [`${PROJECT}:shipper`]: "stream",
            [`${PROJECT}:podName`]: "webserver",
            [`${PROJECT}:nativeSidecar`]: "false",
            [`${PROJECT}:production`]: "false",
        });
    });

    it("the render takes a declared key as the text `pulumi config set` writes, as the CLI does", () => {
        // `pulumi config set webserver-sidecar:nativeSidecar true` writes "true" (quoted).
        const p = project(
            'config:\n  webserver-sidecar:nativeSidecar: "true"\n  webserver-sidecar:production: "false"\n',
        );
        expect(readStackConfig(p.stack, p.dir)).to.deep.include({
            [`${PROJECT}:nativeSidecar`]: "true",
            [`${PROJECT}:production`]: "false",
        });
    });

    it("the render rejects a value of the wrong type for a declared key, as the CLI does", () => {
        const p = project('config:\n  webserver-sidecar:production: "yes"\n');
        expect(() => readStackConfig(p.stack, p.dir)).to.throw(
            `${PROJECT}:production "yes" must be of type 'boolean' (Pulumi.yaml)`,
        );
    });
});

describe("stack files the render refuses", () => {
    it("a key with no value (YAML null), naming the key", () => {
        const p = project("config:\n  webserver-sidecar:podName:\n");
        expect(() => readStackConfig(p.stack, p.dir)).to.throw(`${PROJECT}:podName has no value (YAML null)`);
    });

    it("a config: that is not a mapping", () => {
        const p = project("config:\n  - podName\n");
        expect(() => readStackConfig(p.stack, p.dir)).to.throw("config: must be a mapping of keys to values");
    });

    it("an empty config: renders the defaults, and says so", () => {
        const r = emptyConfig();
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.contain(`sets no ${PROJECT} option: every option at its default`);
        expect(parseAllDocuments(r.stdout).map((d) => d.toJS())).to.deep.equal([seedPod()]);
    });
});

describe("the program's reading of stack config", () => {
    const read = (config: Record<string, string>) => readStackArgs(PROJECT, config);

    it("leaves other packages' keys alone", () => {
        expect(read({ "kubernetes:context": "kind-webserver", "pulumi:tags": "{}" })).to.deep.equal({
            args: {},
            problems: [],
        });
    });

    it("rejects an option under another namespace, with the key meant", () => {
        expect(read({ "webserver:podName": "web" }).problems).to.deep.equal([
            `webserver:podName is under the namespace "webserver", which nothing reads; did you mean ${PROJECT}:podName?`,
        ]);
    });

    it("rejects a value of the wrong type, naming key and value", () => {
        expect(
            read({
                [`${PROJECT}:catLoopPeriodSeconds`]: "soon",
                [`${PROJECT}:nativeSidecar`]: "yes",
                [`${PROJECT}:labels`]: "tier=web",
            }).problems,
        ).to.have.members([
            `${PROJECT}:catLoopPeriodSeconds "soon": must be an integer`,
            `${PROJECT}:labels "tier=web": must be a mapping (YAML object)`,
            `${PROJECT}:nativeSidecar "yes": must be true or false`,
        ]);
    });

    it("reads numbers, booleans and objects as the engine encodes them", () => {
        expect(
            read({
                [`${PROJECT}:catLoopPeriodSeconds`]: "5",
                [`${PROJECT}:production`]: "true",
                [`${PROJECT}:logVolume`]: '{"sizeLimit":"1Gi"}',
            }),
        ).to.deep.equal({
            args: { catLoopPeriodSeconds: 5, production: true, logVolume: { sizeLimit: "1Gi" } },
            problems: [],
        });
    });
});

describe("the program's own key logService", () => {
    // Closed by default: its two passwords set (as secrets) unless a test says otherwise.
    const SECRETS = {
        [`${PROJECT}:logsIngestPassword`]: "ingest-0123456789-abcdef",
        [`${PROJECT}:logsReaderPassword`]: "reader-0123456789-abcdef",
    };
    const config = (raw?: string, more: Record<string, string> = {}) =>
        programConfig(
            "webserver",
            "logs",
            PROJECT,
            { ...(raw === undefined ? {} : { [`${PROJECT}:logService`]: raw }), ...SECRETS, ...more },
            (k) => k in SECRETS,
        );
    const INGEST = { basicAuthSecret: "logs-ingest", allowPlainHttp: true };
    const problemsOf = (raw: string, more: Record<string, string> = {}): string[] => {
        try {
            config(raw, more);
        } catch (e) {
            expect(e).to.be.instanceOf(StackConfigError);
            return (e as StackConfigError).problems;
        }
        throw new Error(`logService ${raw} was accepted`);
    };

    it("unset or false: no LogService; true: one with its defaults, closed, the webserver's destination its bulk API as the ingest user", () => {
        expect(config()).to.deep.equal({ args: {} });
        expect(config("false")).to.deep.equal({ args: {} });
        const c = config("true");
        expect(c).to.deep.equal({
            args: { destination: { elasticsearch: { url: bulkUrlOf("logs"), auth: INGEST } } },
            logService: {},
        });
        expect(isClosed(c.logService), "closed by default").to.equal(true);
        // In a namespace: its URL names it; a destination the stack sets wins.
        const syslog = { syslog: { address: "logs.example.com:2514" } };
        expect(config("true", { [`${PROJECT}:namespace`]: "web" }).args.destination).to.deep.equal({
            elasticsearch: { url: bulkUrlOf("logs.web.svc"), auth: INGEST },
        });
        expect(config("true", { [`${PROJECT}:destination`]: JSON.stringify(syslog) }).args.destination).to.deep.equal(
            syslog,
        );
    });

    it("checks the webserver's args with that destination: retention needs no shipper then", () => {
        const retention = { [`${PROJECT}:retention`]: '{"maxAge":"12h"}', [`${PROJECT}:security`]: "restricted" };
        expect(config("true", retention).args.retention).to.deep.equal({ maxAge: "12h" });
        expect(problemsOf("false", retention)[0]).to.contain('needs shipper "stream" or a destination');
    });

    it("a mapping: the LogService's args, as written", () => {
        const args = { retentionPeriod: "3d", storageSize: "20Gi", resources: { limits: { memory: "2Gi" } } };
        expect(config(JSON.stringify(args)).logService).to.deep.equal(args);
    });

    describe("closed (logService.access): its passwords the program's secret keys", () => {
        const secrets = {
            [`${PROJECT}:logsIngestPassword`]: "ingest-0123456789-abcdef",
            [`${PROJECT}:logsReaderPassword`]: "reader-0123456789-abcdef",
        };
        const secretKeys = (k: string) => k in secrets;
        const closed = (raw: string, more: Record<string, string> = {}, isSecret = secretKeys) =>
            programConfig("webserver", "logs", PROJECT, { [`${PROJECT}:logService`]: raw, ...more }, isSecret);
        const problemsClosed = (raw: string, more: Record<string, string> = {}, isSecret = secretKeys) => {
            try {
                closed(raw, more, isSecret);
            } catch (e) {
                expect(e).to.be.instanceOf(StackConfigError);
                return (e as StackConfigError).problems;
            }
            throw new Error(`logService ${raw} was accepted`);
        };

        it("with both secrets set: the webserver delivers as the ingest user, from the LogService's Secret, over its NetworkPolicy's plain HTTP", () => {
            const c = closed('{"access":{"readers":{"podLabels":{"team":"web"}}}}', secrets);
            expect(c.logService).to.deep.equal({ access: { readers: { podLabels: { team: "web" } } } });
            expect(c.args.destination).to.deep.equal({
                elasticsearch: {
                    url: bulkUrlOf("logs"),
                    auth: { basicAuthSecret: "logs-ingest", allowPlainHttp: true },
                },
            });
            expect(isClosed(c.logService)).to.equal(true);
            // Open: no credentials.
            const open = closed('{"access":{"open":true}}');
            expect(isClosed(open.logService)).to.equal(false);
            expect(open.args.destination).to.deep.equal({ elasticsearch: { url: bulkUrlOf("logs") } });
        });

        it("without the secrets: each named with the command that sets it; passwords in the mapping or in plain text refused, never shown", () => {
            const missing = problemsClosed('{"access":{}}', {});
            // true, and a mapping without access, are closed too (the default): the same two problems.
            expect(problemsClosed("true", {})).to.deep.equal(missing);
            expect(problemsClosed('{"storageSize":"20Gi"}', {})).to.deep.equal(missing);
            expect(missing).to.have.members([
                `${PROJECT}:logsIngestPassword: must be set (pulumi config set --secret logsIngestPassword <password>): the LogService is closed (its default), and its agents insert with it; or open it with logService.access.open: true`,
                `${PROJECT}:logsReaderPassword: must be set (pulumi config set --secret logsReaderPassword <password>): the LogService is closed (its default), and developers query with it; or open it with logService.access.open: true`,
            ]);
            const said = problemsClosed('{"access":{"ingestPassword":"typed-in-the-yaml-0000"}}', secrets);
            expect(said).to.deep.equal([
                `${PROJECT}:logService: access.ingestPassword is the program's secret key: remove it here and run pulumi config set --secret logsIngestPassword <password>`,
            ]);
            const plain = problemsClosed('{"access":{}}', secrets, () => false);
            expect(plain).to.have.members([
                `${PROJECT}:logsIngestPassword is a password in plain text in the stack's file: set it with pulumi config set --secret logsIngestPassword <password>`,
                `${PROJECT}:logsReaderPassword is a password in plain text in the stack's file: set it with pulumi config set --secret logsReaderPassword <password>`,
            ]);
            for (const p of [...said, ...plain])
                expect(p).to.not.contain("0123456789").and.not.contain("typed-in-the-yaml");
        });
    });

    it("refuses what is not true, false or a mapping, naming the key and the value", () => {
        expect(problemsOf("yes")).to.deep.equal([
            `${PROJECT}:logService "yes": must be true, false or a mapping of the LogService's args`,
        ]);
    });

    it("refuses the LogService's own mistakes and the keys the program decides, with the webserver's, all at once", () => {
        expect(
            problemsOf(JSON.stringify({ name: "x", namespace: "y", storageSize: "512Mi" }), {
                [`${PROJECT}:catLoopPeriodSeconds`]: "0",
            }),
        ).to.have.members([
            `${PROJECT}:logService: name is the program's (the LogService is named "logs", in the webserver's namespace); remove it`,
            `${PROJECT}:logService: namespace is the program's (the LogService is named "logs", in the webserver's namespace); remove it`,
            `${PROJECT}:logService: invalid args.storageSize "512Mi": must be at least 1Gi (512Mi holds no day of logs)`,
            `${PROJECT}:catLoopPeriodSeconds: invalid args.catLoopPeriodSeconds 0: does not apply with a destination: the log agent delivers the logs instead of a shipper`,
        ]);
        expect(problemsOf(JSON.stringify({ retention: "3d" }))).to.deep.equal([
            `${PROJECT}:logService: invalid args.retention "3d": is not an option (known: name, namespace, image, retentionPeriod, storageSize, storageClassName, resources, alerting, cluster, access)`,
        ]);
    });
});

describe("a list option in stack config (tolerations)", () => {
    it("reads a YAML list as the engine encodes it, and names the key when it is not one", () => {
        const tolerations = [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }];
        expect(readStackArgs(PROJECT, { [`${PROJECT}:tolerations`]: JSON.stringify(tolerations) })).to.deep.equal({
            args: { tolerations },
            problems: [],
        });
        expect(readStackArgs(PROJECT, { [`${PROJECT}:tolerations`]: '{"key":"dedicated"}' }).problems).to.deep.equal([
            `${PROJECT}:tolerations "{\\"key\\":\\"dedicated\\"}": must be a list (YAML sequence)`,
        ]);
    });
});

describe("secret config values (pulumi config set --secret)", () => {
    const token = "tok-91b7e2c4";
    const problemsOf = (config: Record<string, string>, secret: string[]): string[] => {
        try {
            programConfig("webserver", "logs", PROJECT, config, (k) => secret.includes(k));
        } catch (e) {
            expect(e).to.be.instanceOf(StackConfigError);
            expect((e as Error).message, "the message never shows the secret").to.not.contain(token);
            return (e as StackConfigError).problems;
        }
        throw new Error("accepted");
    };
    const destination = JSON.stringify({ elasticsearch: { url: `https://es:9200/?api_key=${token}` } });

    it("refuses a secret destination, naming the key and the fix, never the value", () => {
        expect(problemsOf({ [`${PROJECT}:destination`]: destination }, [`${PROJECT}:destination`])).to.deep.equal([
            `${PROJECT}:destination is a secret (value not shown), but it would be written in plain text into the log agent's ConfigMap (rsyslog.conf) and environment; keep credentials out of it: put them in a kubernetes.io/basic-auth Secret (created from a Pulumi secret, docs/delivery.md, "Credentials") named by destination.elasticsearch.auth.basicAuthSecret, and set the key without --secret`,
        ]);
        // The same value set plainly is taken.
        expect(
            programConfig("webserver", "logs", PROJECT, { [`${PROJECT}:destination`]: destination }, () => false).args,
        ).to.have.property("destination");
    });

    it("refuses any other secret option and the secret logService, saying where it would land", () => {
        expect(
            problemsOf({ [`${PROJECT}:podName`]: "web", [`${PROJECT}:logService`]: '{"access":{"open":true}}' }, [
                `${PROJECT}:podName`,
                `${PROJECT}:logService`,
            ]),
        ).to.deep.equal([
            `${PROJECT}:logService is a secret (value not shown), but it would be written in plain text into the LogService's StatefulSet; it holds no credential: set it without --secret`,
            `${PROJECT}:podName is a secret (value not shown), but it would be written in plain text into the Pod's spec; it holds no credential: set it without --secret`,
        ]);
    });

    it("hides a secret key's value in every other problem with it too (a wrong type, a bad value)", () => {
        const key = `${PROJECT}:destination`;
        const wrongType = problemsOf({ [key]: `not-json-${token}` }, [key]);
        expect(wrongType[1]).to.equal(
            `${key} (value not shown: it may be a credential): must be a mapping (YAML object)`,
        );
        const bad = problemsOf({ [key]: JSON.stringify({ elasticsearch: { url: `ftp://es/${token}` } }) }, [key]);
        expect(bad[1]).to.equal(
            `${key}: invalid args.destination.elasticsearch.url (value not shown: it may be a credential): must be an http:// or https:// URL such as "http://logs.example.com:9200"`,
        );
        const logKey = `${PROJECT}:logService`;
        const badLogs = problemsOf({ [logKey]: JSON.stringify({ storageSize: `${token}` }) }, [logKey]);
        expect(badLogs[1]).to.match(/^webserver-sidecar:logService: invalid args\.storageSize \(value not shown/);
    });
});
