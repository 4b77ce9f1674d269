// examples/ deployed as a user deploys them: each language's program copied as it is committed, the
// SDK `pulumi package add <this repository>` generates for it (TypeScript takes the component from
// its npm package instead, examples/README.md says why), `pulumi up`, its outputs and objects
// checked on the API server and its pods running on the real node, `pulumi destroy` leaving nothing.
// Every example declares the same three: a LogService `logs`, the Pod `webserver` with the stream
// shipper and retention, and a Deployment `webserver-api` of 2 replicas delivering to the LogService.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { poll } from "../../scripts/lib/exec";
import { LOG_SERVICE } from "../../components";
import { bulkUrlOf, serviceHost } from "../../components/logService/manifest";
import {
    kubectl,
    logServicePasswords,
    logServiceVolume,
    objectsIn,
    report,
    requirePrerequisites,
    ROOT,
    sh,
    Workdir,
} from "./harness";
import { kwokNode, runtimeContainersOf } from "./node";

const EXAMPLES = path.join(ROOT, "examples");
const POD = "webserver";
const DEPLOYMENT = "webserver-api";
const LOGS = "logs";

/** The Python SDK of the CLI's release: pip takes it within the example's own range. */
function cliRelease(): string {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies["@pulumi/pulumi"];
}

/** The example's files in a fresh directory with its own state backend. */
function copyExample(language: string): Workdir {
    const program = new Workdir(`example-${language}`);
    fs.cpSync(path.join(EXAMPLES, language), program.dir, { recursive: true });
    return program;
}

/** `pulumi package add <this repository>`, which must succeed; its output. */
function packageAdd(program: Workdir): string {
    const add = program.pulumi(["package", "add", ROOT]);
    expect(add.code, add.out).to.equal(0);
    const project = parse(fs.readFileSync(path.join(program.dir, "Pulumi.yaml"), "utf8"));
    expect(project.packages, "Pulumi.yaml names the package").to.have.property("webserver-sidecar");
    return add.out;
}

/** The pods of the Deployment. */
function apiPods(): any[] {
    return JSON.parse(kubectl(["get", "pods", "-l", `app.kubernetes.io/instance=${DEPLOYMENT}`, "-o", "json"]).stdout)
        .items;
}

/** `pulumi up`, then what it made, checked from its outputs, the API server and the node. */
function upAndCheck(program: Workdir): void {
    program.must(["up", "--yes", "--stack", "dev"]);
    const outputs = program.outputs("dev");
    report(`outputs: ${JSON.stringify(outputs)}`);
    expect(outputs.podStatus).to.equal("Running");
    expect(outputs.podIp).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect(outputs.apiReadyReplicas).to.equal("2/2");
    const host = serviceHost(LOGS, undefined);
    expect(outputs.logsUrl).to.equal(`http://${host}:${LOG_SERVICE.httpPort}/select/vmui/`);
    // Closed (the default): the UI asks for the reader's password, from the Secret the LogService made.
    expect(outputs.logsLogin).to.equal(
        "user reader; password: kubectl get secret logs-reader -o jsonpath='{.data.password}' | base64 -d",
    );

    // The Pod: the stream shipper (stream.sh, tail), not the seed's cat loop, keeping 24h within a
    // budget (its arguments: log dir, bytes kept per log, max age in seconds, ...).
    const pod = JSON.parse(kubectl(["get", "pod", POD, "-o", "json"]).stdout);
    const sidecar = pod.spec.containers.find((c: any) => c.name === "sidecar-container");
    const [, , script, shipper, , keep, maxAge] = sidecar.command;
    report(`${POD}'s sidecar: ${shipper}, keep ${keep} bytes per log, max age ${maxAge} s`);
    expect(script).to.contain("tail");
    expect(shipper).to.equal("stream-shipper");
    expect(maxAge).to.equal(String(24 * 3600));
    expect(Number(keep))
        .to.be.greaterThan(0)
        .and.below(64 * 1024 * 1024);

    // The Deployment: its agents post to the LogService's bulk API (the URL in their config) as its
    // ingest user, the password from the LogService's Secret (the example copied nothing).
    const wiring = JSON.parse(kubectl(["get", "deployment,configmap", "-o", "json"]).stdout).items.filter((o: any) =>
        o.metadata.name.startsWith(DEPLOYMENT),
    );
    const agentEnv = wiring
        .find((o: any) => o.kind === "Deployment")
        .spec.template.spec.containers.find((c: any) => c.name === "sidecar-container").env;
    expect(
        agentEnv.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name),
        "the agent's credentials",
    ).to.deep.equal(["logs-ingest", "logs-ingest"]);
    report(`${DEPLOYMENT}'s objects: ${wiring.map((o: any) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
    const bulk = new URL(bulkUrlOf(host));
    expect(JSON.stringify(wiring), "the agent is given the LogService's bulk API").to.contain(
        `${bulk.host}${bulk.pathname}`,
    );

    // Every container of both workloads runs on the real node.
    for (const p of [pod, ...apiPods()]) {
        expect(kwokNode(p.spec.nodeName), `${p.metadata.name} on a real node`).to.equal(false);
        const running = runtimeContainersOf("default", p.metadata.name);
        for (const c of p.status.containerStatuses)
            expect(running, `${p.metadata.name}/${c.name}`).to.include(c.containerID.slice("containerd://".length));
    }
}

/** `pulumi destroy`, then nothing of the example on the API server or in the node's runtime. */
async function destroyAndCheck(program: Workdir): Promise<void> {
    const pods = [POD, ...apiPods().map((p) => p.metadata.name)];
    program.must(["destroy", "--yes", "--stack", "dev"]);
    const left = objectsIn(
        "default",
        "pods,deployments,statefulsets,services,poddisruptionbudgets,configmaps,secrets,networkpolicies",
    ).filter((o) => o.includes(POD) || o.includes(`/${LOGS}`));
    expect(left, "objects left after destroy").to.deep.equal([]);
    const gone = await poll(
        `the containers of ${pods.join(", ")} gone from the node's runtime`,
        120_000,
        () => (pods.flatMap((p) => runtimeContainersOf("default", p)).length === 0 ? true : undefined),
        500,
    );
    expect(gone).to.equal(true);
}

/** What `kubectl delete` removes of an example when its `pulumi destroy` failed. */
const FALLBACK_DELETE = [
    "pod,deployment,statefulset,service,pdb,configmap,secret,networkpolicy",
    POD,
    DEPLOYMENT,
    LOGS,
    `${LOGS}-ingest`,
    `${LOGS}-reader`,
];

/** `cmd ARGS` in the program's directory and environment (a compiler: minutes), which must succeed. */
function mustRun(program: Workdir, cmd: string, args: string[]): void {
    const r = sh(cmd, args, { cwd: program.dir, env: program.env, timeoutMs: 600_000 });
    expect(r.code, `${cmd} ${args.join(" ")}: ${r.out}`).to.equal(0);
}

/** The suite of one example: prepare (language-specific), package add, up, destroy. */
function exampleSuite(
    language: string,
    prepare: (program: Workdir) => void,
    addPackage: (program: Workdir) => void = (p) => void packageAdd(p),
): void {
    describe(`integration: examples/${language}`, function () {
        this.timeout(25 * 60_000);
        let program: Workdir | undefined;
        let removeVolume = () => {};

        before(() => {
            requirePrerequisites();
            removeVolume = logServiceVolume(`logs-example-${language}`);
            program = copyExample(language);
            prepare(program);
            program.must(["stack", "init", "dev"]);
            // The closed LogService's two passwords, as a user sets them: secrets (fresh per run).
            program.setSecrets("dev", logServicePasswords());
        });

        after(() => {
            try {
                program?.tearDown(["dev"], FALLBACK_DELETE);
            } finally {
                removeVolume();
            }
        });

        it("gets the package's SDK for its language", () => addPackage(program!));
        it("pulumi up: the Pod with retention, the Deployment delivering to the LogService", () =>
            upAndCheck(program!));
        it("pulumi destroy leaves nothing of it", () => destroyAndCheck(program!));
    });
}

describe("integration: pulumi package get-schema in the repository itself", function () {
    this.timeout(10 * 60_000);

    it("gets past the CLI's project check (the program is in program/)", () => {
        // The CLI refused a directory holding both PulumiPlugin.yaml and Pulumi.yaml ("detected both"),
        // before anything ran. Now it loads the package: it installs its dependencies and asks for the
        // Kubernetes provider its SDK names, which it downloads -- on GitHub; this machine reaches no
        // download site, so here the command ends there, after the check this test is about.
        requirePrerequisites();
        const program = new Workdir("get-schema");
        try {
            expect(fs.existsSync(path.join(ROOT, "Pulumi.yaml")), "no program at the root").to.equal(false);
            const r = sh("pulumi", ["package", "get-schema", "."], { cwd: ROOT, env: program.env, timeoutMs: 300_000 });
            report(
                `get-schema in the repository: exit ${r.code}; ${r.out
                    .split("\n")
                    .filter((l) => /installing|schema|error/i.test(l))
                    .slice(0, 4)
                    .join(" | ")}`,
            );
            expect(r.out).to.not.contain("detected both PulumiPlugin.yaml and Pulumi.yaml");
            expect(r.out).to.contain("Finished installing dependencies");
            if (r.code === 0)
                expect(Object.keys(JSON.parse(r.stdout).resources)).to.include("webserver-sidecar:index:WebserverPod");
            else
                expect(r.out, "only the provider's download stops it").to.match(
                    /failed to download plugin: kubernetes-/,
                );
        } finally {
            program.dispose();
        }
    });
});

exampleSuite("yaml", () => {});

exampleSuite(
    "python",
    (program) => {
        mustRun(program, "python3", ["-m", "venv", path.join(program.dir, "venv")]);
        // The program runs with the virtualenv's Python first on PATH, as after `source venv/bin/activate`
        // (the Python host built here takes the virtualenv from PATH; README says why). pip takes the
        // SDK of the CLI's release within the example's range.
        const constraints = path.join(program.root, "constraints.txt");
        fs.writeFileSync(constraints, `pulumi==${cliRelease()}\n`);
        program.env = {
            ...program.env,
            PATH: `${path.join(program.dir, "venv", "bin")}:${program.env.PATH}`,
            VIRTUAL_ENV: path.join(program.dir, "venv"),
            PIP_CONSTRAINT: constraints,
        };
    },
    (program) => {
        program.must(["install"]);
        const out = packageAdd(program);
        expect(out).to.contain("import pulumi_webserver_sidecar as webserver_sidecar");
        expect(fs.readFileSync(path.join(program.dir, "requirements.txt"), "utf8")).to.match(
            /^sdks\/webserver-sidecar$/m,
        );
        const pkgDir = path.join(program.dir, "sdks", "webserver-sidecar", "pulumi_webserver_sidecar");
        const enums = fs.readFileSync(path.join(pkgDir, "_enums.py"), "utf8");
        const inputs = fs.readFileSync(path.join(pkgDir, "_inputs.py"), "utf8");
        const resource = fs.readFileSync(path.join(pkgDir, "webserver_pod.py"), "utf8");
        // Enums as enums, with the TypeScript string values.
        expect(enums).to.match(
            /class Workload\(_builtins\.str, Enum\):[\s\S]*?POD = "Pod"[\s\S]*?DEPLOYMENT = "Deployment"/,
        );
        expect(enums).to.match(
            /class Shipper\(_builtins\.str, Enum\):[\s\S]*?CAT_LOOP = "cat-loop"[\s\S]*?STREAM = "stream"/,
        );
        // Nested input types named once "Args" (the SDK's own suffix: no RetentionArgsArgs).
        expect(inputs).to.match(/class RetentionArgs:/);
        expect(inputs).to.not.match(/ArgsArgs/);
        expect(inputs).to.match(/def max_age\(self\)/);
        expect(resource).to.match(/workload: Optional\['Workload'\] = None/);
        expect(resource).to.match(/retention: Optional\['RetentionArgs'\] = None/);
        expect(resource).to.match(
            /labels: pulumi\.Input\[Optional\[Mapping\[str, pulumi\.Input\[_builtins\.str\]\]\]\]/,
        );
        expect(resource).to.match(/def ready_replicas\(self\) -> pulumi\.Output\[Optional\[_builtins\.str\]\]/);
    },
);

exampleSuite(
    "typescript",
    (program) => {
        // The example's dependencies as `npm install` gives them, from this checkout: the package
        // (its package.json's `exports`, built into dist/ by `npm ci`) and the project's own
        // @pulumi/* and TypeScript, one copy of each.
        const modules = path.join(program.dir, "node_modules");
        fs.mkdirSync(modules);
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules")))
            fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
        fs.symlinkSync(ROOT, path.join(modules, "webserver-sidecar"));
        const wanted = JSON.parse(fs.readFileSync(path.join(program.dir, "package.json"), "utf8")).dependencies;
        const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
        report(`webserver-sidecar ${own} from this checkout (the example asks for ${wanted["webserver-sidecar"]})`);
    },
    (program) => {
        // The component is TypeScript: its npm package is the SDK. The example compiles against it.
        mustRun(program, path.join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", program.dir]);
    },
);

exampleSuite(
    "go",
    () => {},
    (program) => {
        const out = packageAdd(program);
        expect(out).to.contain('"example.com/pulumi-webserver-sidecar/sdk/go/webserversidecar"');
        const gomod = fs.readFileSync(path.join(program.dir, "go.mod"), "utf8");
        expect(gomod).to.match(
            /example\.com\/pulumi-webserver-sidecar\/sdk\/go => (\.\/)?sdks\/webserver-sidecar/,
            "go.mod replaces the SDK's module by its directory",
        );
        // The program compiles against the generated SDK (what `pulumi up` runs next).
        mustRun(program, "go", ["build", "-o", path.join(program.root, "example-go"), "."]);
    },
);

exampleSuite(
    "java",
    () => {},
    (program) => {
        const out = packageAdd(program);
        // pulumi-java links nothing itself: it says to copy the SDK's sources and which libraries
        // they need; the example's pom.xml compiles them from sdks/ and declares those libraries.
        expect(out, "package add says what to do with the SDK").to.contain("sdks/webserver-sidecar");
        const pom = fs.readFileSync(path.join(program.dir, "pom.xml"), "utf8");
        for (const artifact of out.matchAll(/<artifactId>([^<]+)<\/artifactId>/g))
            expect(pom, `pom.xml declares ${artifact[1]}`).to.contain(`<artifactId>${artifact[1]}</artifactId>`);
        expect(
            fs.existsSync(
                path.join(
                    program.dir,
                    "sdks/webserver-sidecar/src/main/java/com/pulumi/webserversidecar/WebserverPod.java",
                ),
            ),
        ).to.equal(true);
        mustRun(program, "mvn", ["--batch-mode", "--no-transfer-progress", "-q", "compile"]);
    },
);
