// Reuse from other languages: `pulumi package add` of this repository from a Pulumi YAML and a
// Python program (its SDK from PyPI), each declaring a WebserverPod with a few options --
// retention, labels, a Deployment -- and `pulumi up` deploying it through the component package
// (the Node.js plugin host runs components/index.ts; the engine constructs the component from the
// inferred schema). For Python, the generated types are checked against the TypeScript args.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { poll } from "../../scripts/lib/exec";
import { kubectl, objectsIn, report, requirePrerequisites, ROOT, sh, Workdir } from "./harness";
import { kwokNode, runtimeContainersOf } from "./node";

const NAME = "web-yaml";

/** `pulumi up` of a program declaring Deployment `name` (2 replicas, stream shipper, a team label), checked. */
function upAndCheck(program: Workdir, name: string): void {
    const up = program.pulumi(["up", "--yes", "--stack", "dev"]);
    expect(up.code, up.out).to.equal(0);
    const outputs = program.outputs("dev");
    expect(outputs.workload).to.equal("Deployment");
    expect(outputs.readyReplicas).to.equal("2/2");
    expect(outputs.serviceIp).to.match(/^10\.96\.\d+\.\d+$/);
    const deployment = JSON.parse(kubectl(["get", "deployment", name, "-o", "json"]).stdout);
    expect(deployment.spec.template.metadata.labels).to.deep.include({ "example.com/team": name });
    // The stream shipper: the sidecar runs the shipper script (tail), not the cat loop.
    const sidecar = deployment.spec.template.spec.containers.find((c: any) => c.name === "sidecar-container");
    expect(sidecar.command.join(" ")).to.contain("tail");
    // Its pods run: on the real node, every container in the runtime.
    for (const pod of podsOf(name)) {
        expect(kwokNode(pod.spec.nodeName), `${pod.metadata.name} on a real node`).to.equal(false);
        const running = runtimeContainersOf("default", pod.metadata.name);
        for (const c of pod.status.containerStatuses)
            expect(running, `${pod.metadata.name}/${c.name}`).to.include(c.containerID.slice("containerd://".length));
    }
}

/** The Deployment `name`'s pods. */
function podsOf(name: string): any[] {
    return JSON.parse(kubectl(["get", "pods", "-l", `app.kubernetes.io/instance=${name}`, "-o", "json"]).stdout).items;
}

async function destroyAndCheck(program: Workdir, name: string): Promise<void> {
    const pods = podsOf(name).map((p) => p.metadata.name);
    expect(program.pulumi(["destroy", "--yes", "--stack", "dev"]).code).to.equal(0);
    expect(objectsIn("default").filter((o) => o.includes(name))).to.deep.equal([]);
    // The Deployment's pods go after it (the garbage collector, then the kubelet): nothing of them
    // stays in the node's runtime.
    const left = await poll(
        `the containers of ${pods.join(", ")} gone from the node's runtime`,
        120_000,
        () => (pods.flatMap((p) => runtimeContainersOf("default", p)).length === 0 ? true : undefined),
        500,
    );
    expect(left).to.equal(true);
}

describe("integration: pulumi package add from a Pulumi YAML program", function () {
    this.timeout(20 * 60_000);
    let program: Workdir | undefined;
    let dir = "";
    const pulumi = (args: string[]) => program!.pulumi(args);

    before(() => {
        requirePrerequisites();
        program = new Workdir("yaml");
        dir = program.dir;
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            [
                "name: webserver-yaml",
                "runtime: yaml",
                "resources:",
                "  web:",
                "    type: webserver-sidecar:index:WebserverPod",
                "    properties:",
                `      podName: ${NAME}`,
                "      workload: Deployment",
                "      replicas: 2",
                "      shipper: stream",
                "      retention: { maxAge: 24h, maxSize: 64Mi }",
                `      labels: { example.com/team: ${NAME} }`,
                "outputs:",
                "  workload: ${web.workload}",
                "  readyReplicas: ${web.readyReplicas}",
                "  serviceIp: ${web.serviceIp}",
                "",
            ].join("\n"),
        );
    });

    after(() => program?.tearDown(["dev"], ["deployment,service,pdb", NAME]));

    it("pulumi package add <this repository> records the package in Pulumi.yaml", () => {
        expect(pulumi(["stack", "init", "dev"]).code).to.equal(0);
        const add = pulumi(["package", "add", ROOT]);
        expect(add.code, add.out).to.equal(0);
        const project = parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
        report(`Pulumi.yaml packages: ${JSON.stringify(project.packages)}`);
        expect(project.packages).to.have.property("webserver-sidecar");
    });

    it("pulumi package get-schema in the repository itself gets past the CLI's project check (the program is in program/)", () => {
        // The CLI refused a directory holding both PulumiPlugin.yaml and Pulumi.yaml ("detected both"),
        // before anything ran. Now it loads the package: it installs its dependencies and asks for the
        // Kubernetes provider its SDK names, which it downloads -- on GitHub; this machine reaches no
        // download site, so here the command ends there, after the check this test is about.
        expect(fs.existsSync(path.join(ROOT, "Pulumi.yaml")), "no program at the root").to.equal(false);
        const r = sh("pulumi", ["package", "get-schema", "."], { cwd: ROOT, env: program!.env, timeoutMs: 300_000 });
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
        else expect(r.out, "only the provider's download stops it").to.match(/failed to download plugin: kubernetes-/);
    });

    it("pulumi up deploys the component with the options given in YAML", () => {
        upAndCheck(program!, NAME);
    });

    it("pulumi destroy leaves nothing of it", () => destroyAndCheck(program!, NAME));
});

describe("integration: pulumi package add from a Python program", function () {
    this.timeout(20 * 60_000);
    const PY_NAME = "web-python";
    let program: Workdir | undefined;
    let dir = "";
    const pulumi = (args: string[]) => program!.pulumi(args);

    before(() => {
        requirePrerequisites();
        program = new Workdir("python");
        dir = program.dir;
        const venv = sh("python3", ["-m", "venv", path.join(dir, "venv")]);
        expect(venv.code, venv.out).to.equal(0);
        // The program runs with the virtualenv's Python first on PATH, as after `source venv/bin/activate`
        // (the Python host built here takes the virtualenv from PATH; README says why).
        program.env = {
            ...program.env,
            PATH: `${path.join(dir, "venv", "bin")}:${program.env.PATH}`,
            VIRTUAL_ENV: path.join(dir, "venv"),
        };
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            "name: webserver-python\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n",
        );
        // The Python SDK of the CLI's release, from PyPI.
        const sdk = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies[
            "@pulumi/pulumi"
        ];
        fs.writeFileSync(path.join(dir, "requirements.txt"), `pulumi==${sdk}\n`);
        fs.writeFileSync(path.join(dir, "__main__.py"), "import pulumi\n");
    });

    after(() => program?.tearDown(["dev"], ["deployment,service,pdb", PY_NAME]));

    it("pulumi install, then pulumi package add <this repository> generates and links a typed Python SDK", () => {
        expect(pulumi(["stack", "init", "dev"]).code).to.equal(0);
        expect(pulumi(["install"]).code).to.equal(0);
        const add = pulumi(["package", "add", ROOT]);
        expect(add.code, add.out).to.equal(0);
        expect(add.out).to.contain("import pulumi_webserver_sidecar as webserver_sidecar");
        expect(fs.readFileSync(path.join(dir, "requirements.txt"), "utf8")).to.match(/^sdks\/webserver-sidecar$/m);
        const pkgDir = path.join(dir, "sdks", "webserver-sidecar", "pulumi_webserver_sidecar");
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
        // Nested objects typed, with their fields.
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
    });

    it("pulumi up deploys the component with the options given in Python", () => {
        fs.writeFileSync(
            path.join(dir, "__main__.py"),
            [
                "import pulumi",
                "import pulumi_webserver_sidecar as webserver_sidecar",
                "",
                "web = webserver_sidecar.WebserverPod(",
                '    "web",',
                `    pod_name="${PY_NAME}",`,
                "    workload=webserver_sidecar.Workload.DEPLOYMENT,",
                "    replicas=2,",
                "    shipper=webserver_sidecar.Shipper.STREAM,",
                '    retention=webserver_sidecar.RetentionArgs(max_age="24h", max_size="64Mi"),',
                `    labels={"example.com/team": "${PY_NAME}"},`,
                ")",
                'pulumi.export("workload", web.workload)',
                'pulumi.export("readyReplicas", web.ready_replicas)',
                'pulumi.export("serviceIp", web.service_ip)',
                "",
            ].join("\n"),
        );
        upAndCheck(program!, PY_NAME);
    });

    it("pulumi destroy leaves nothing of it", () => destroyAndCheck(program!, PY_NAME));
});
