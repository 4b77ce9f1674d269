// `pulumi up` of the dev stack against the current kube context, through the Automation API,
// with a temporary local backend; then what a user checks; then `pulumi destroy`.
// Needs the Pulumi CLI and a reachable cluster (`npm run cluster:up`). Without them it fails,
// naming what is missing -- unless ALLOW_SKIP=1, where it skips with that reason, visibly.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { tearDown } from "./teardown";

const ROOT = path.resolve(__dirname, "..", "..");
// What the program needs to run, copied so the stack's encryption salt never lands in the repo.
const PROJECT_FILES = [
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "package.json",
    "tsconfig.json",
    "index.ts",
    "components",
    "program",
];

function sh(cmd: string, args: string[]) {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
    return {
        ok: r.status === 0,
        out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim(),
        missing: (r.error as NodeJS.ErrnoException)?.code === "ENOENT",
    };
}

/** What is missing to run against a real cluster, one reason per line; empty when all is there. */
function missingPrerequisites(): string[] {
    const missing: string[] = [];
    const pulumiCli = sh("pulumi", ["version"]);
    if (pulumiCli.missing) missing.push("the Pulumi CLI is not installed (https://www.pulumi.com/docs/install/)");
    const kubectl = sh("kubectl", ["version", "--client"]);
    if (kubectl.missing) missing.push("kubectl is not installed");
    else {
        const cluster = sh("kubectl", ["get", "--raw", "/readyz"]);
        if (!cluster.ok)
            missing.push(
                `no reachable Kubernetes cluster in the current kube context (kubectl get --raw /readyz: ${cluster.out.split("\n").pop()}); run npm run cluster:up`,
            );
    }
    return missing;
}

describe("integration: pulumi up of the dev stack (Automation API)", function () {
    this.timeout(15 * 60_000);
    let stack: Stack | undefined;
    let workDir = "";
    let stateDir = "";

    before(async function () {
        const missing = missingPrerequisites();
        if (missing.length > 0) {
            const reason = `cannot run against a cluster: ${missing.join("; ")}`;
            if (process.env.ALLOW_SKIP === "1") {
                console.log(`      SKIPPED (ALLOW_SKIP=1): ${reason}`);
                this.skip();
            }
            throw new Error(`${reason} (set ALLOW_SKIP=1 to skip)`);
        }
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "webserver-it-"));
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "webserver-state-"));
        for (const f of PROJECT_FILES) fs.cpSync(path.join(ROOT, f), path.join(workDir, f), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"));
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "dev", workDir },
            { envVars: { PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: "integration-test" } },
        );
    });

    // Even when destroy throws, nothing is left: the Pod is deleted with kubectl, the stack and the
    // temporary directories are removed (tests/unit/teardown.test.ts proves it).
    after(() =>
        tearDown(stack, [workDir, stateDir], () => {
            sh("kubectl", ["delete", "pod", "webserver", "--ignore-not-found", "--wait=false"]);
        }),
    );

    it("comes up with the stack outputs a user expects", async () => {
        const started = Date.now();
        const result = await stack!.up({ onOutput: (o) => process.stdout.write(o) });
        const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
        console.log(`      up took ${((Date.now() - started) / 1000).toFixed(1)}s; outputs ${JSON.stringify(outputs)}`);
        expect(outputs.podIp).to.match(/^\d{1,3}(\.\d{1,3}){3}$/);
        expect(outputs.podStatus).to.equal("Running");
        expect(outputs.readyContainers).to.equal("2/2");
        expect(outputs.podName).to.equal("webserver");
    });

    it("ships a request's access-log line to the sidecar's logs within the shipper's period", async () => {
        const reqPath = `/integration-${Date.now()}`;
        const curl = sh("kubectl", [
            "exec",
            "webserver",
            "-c",
            "nginx-container",
            "--",
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            `http://localhost${reqPath}`,
        ]);
        expect(curl.out).to.equal("404");
        const deadline = Date.now() + 45_000; // cat-loop period 30 s, plus margin
        let logs = "";
        while (Date.now() < deadline) {
            logs = sh("kubectl", ["logs", "webserver", "-c", "sidecar-container"]).out;
            if (logs.includes(`GET ${reqPath} HTTP/1.1`)) break;
            await new Promise((r) => setTimeout(r, 1000));
        }
        expect(logs).to.contain(`GET ${reqPath} HTTP/1.1`);
    });
});
