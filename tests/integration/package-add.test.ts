// Reuse from another language: `pulumi package add` of this repository from a Pulumi YAML program,
// which then declares a WebserverPod with a few options -- retention, labels, a Deployment --
// and `pulumi up` deploys it through the component package (the Node.js plugin host runs
// components/index.ts and the engine constructs the component from the inferred schema).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { baseEnv, kubectl, objectsIn, report, requirePrerequisites, ROOT, sh } from "./harness";

const NAME = "web-yaml";

describe("integration: pulumi package add from a Pulumi YAML program", function () {
    this.timeout(20 * 60_000);
    let dir = "";
    let state = "";
    let env: NodeJS.ProcessEnv = {};

    const pulumi = (args: string[]) => {
        const started = Date.now();
        const r = sh("pulumi", args, { cwd: dir, env });
        report(`$ pulumi ${args.join(" ")}   (exit ${r.code}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        report(r.out);
        return r;
    };

    before(() => {
        requirePrerequisites();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webserver-yaml-"));
        state = fs.mkdtempSync(path.join(os.tmpdir(), "webserver-yaml-state-"));
        env = baseEnv({ PULUMI_BACKEND_URL: `file://${state}`, PULUMI_HOME: path.join(state, ".pulumi-home") });
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

    after(() => {
        if (!dir) return;
        const destroyed = pulumi(["destroy", "--yes", "--stack", "dev"]);
        if (destroyed.code !== 0)
            kubectl(["delete", "deployment,service,pdb", NAME, "--ignore-not-found", "--wait=false"]);
        pulumi(["stack", "rm", "--yes", "--force", "dev"]);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(state, { recursive: true, force: true });
    });

    it("pulumi package add <this repository> records the package in Pulumi.yaml", () => {
        expect(pulumi(["stack", "init", "dev"]).code).to.equal(0);
        const add = pulumi(["package", "add", ROOT]);
        expect(add.code, add.out).to.equal(0);
        const project = parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
        report(`Pulumi.yaml packages: ${JSON.stringify(project.packages)}`);
        expect(project.packages).to.have.property("webserver-sidecar");
    });

    it("pulumi up deploys the component with the options given in YAML", () => {
        const up = pulumi(["up", "--yes", "--stack", "dev"]);
        expect(up.code, up.out).to.equal(0);
        const outputs = JSON.parse(pulumi(["stack", "output", "--json", "--stack", "dev"]).stdout);
        expect(outputs.workload).to.equal("Deployment");
        expect(outputs.readyReplicas).to.equal("2/2");
        expect(outputs.serviceIp).to.match(/^10\.96\.\d+\.\d+$/);
        const deployment = JSON.parse(kubectl(["get", "deployment", NAME, "-o", "json"]).stdout);
        expect(deployment.spec.template.metadata.labels).to.deep.include({ "example.com/team": NAME });
        // The stream shipper with retention: the sidecar runs the shipper script, bounded by 64 MiB.
        const sidecar = deployment.spec.template.spec.containers.find((c: any) => c.name === "sidecar-container");
        expect(sidecar.command.join(" ")).to.contain("tail");
    });

    it("pulumi destroy leaves nothing of it", () => {
        expect(pulumi(["destroy", "--yes", "--stack", "dev"]).code).to.equal(0);
        expect(objectsIn("default").filter((o) => o.includes(NAME))).to.deep.equal([]);
    });
});
