// The lowest @pulumi/pulumi and @pulumi/kubernetes package.json's peerDependencies declare, as a
// consumer who pins them gets them: the packed tarball installed beside exactly those releases
// (from the npm registry, npm checking the peer ranges itself), a program type-checked against
// their declarations and run under their mocks, registering what it does on the repository's own.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../scripts/lib/exec";
import { ROOT, writeConsumerTsconfig } from "./consumer";

const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** The lowest version a peer range admits (its ">=X.Y.Z"). */
export function floorOf(range: string): string {
    const m = /^>=(\d+\.\d+\.\d+)\b/.exec(range.trim());
    if (!m) throw new Error(`peer range ${JSON.stringify(range)} has no ">=X.Y.Z" floor`);
    return m[1];
}

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { LogService, WebserverPod } from "webserver-sidecar";

const registered: string[] = [];
pulumi.runtime.setMocks(
    {
        newResource: (a) => {
            registered.push(\`\${a.type} \${a.name}\`);
            return { id: \`\${a.name}-id\`, state: a.inputs };
        },
        call: (a) => a.inputs,
    },
    "consumer",
    "test",
    false,
);
new WebserverPod("webserver");
// Closed (the default): its passwords secrets, its destination handed to the agents.
const logs = new LogService("logs", {
    access: {
        ingestPassword: pulumi.secret("ingest-password-0123456789"),
        readerPassword: pulumi.secret("reader-password-0123456789"),
    },
});
new WebserverPod("web", {
    production: true,
    workload: "Deployment",
    destination: logs.destination,
});
export const ui: pulumi.Output<string> = logs.uiUrl;
pulumi.runtime.disconnect().then(() =>
    console.log(
        JSON.stringify({
            sdk: require("@pulumi/pulumi/package.json").version,
            kubernetes: require("@pulumi/kubernetes/package.json").version,
            registered: registered.sort(),
        }),
    ),
);
`;

/** What the program registers: the seed Pod, the closed LogService, the production Deployment with its objects. */
const REGISTERED = [
    "kubernetes:apps/v1:Deployment web-deployment",
    "kubernetes:apps/v1:StatefulSet logs-statefulset",
    "kubernetes:core/v1:ConfigMap logs-auth",
    "kubernetes:core/v1:ConfigMap web-agent-conf",
    "kubernetes:core/v1:ConfigMap web-nginx-conf",
    "kubernetes:core/v1:Pod webserver-pod",
    "kubernetes:core/v1:Secret logs-ingest",
    "kubernetes:core/v1:Secret logs-reader",
    "kubernetes:core/v1:Service logs-service",
    "kubernetes:core/v1:Service web-service",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy logs-network-policy",
    "kubernetes:policy/v1:PodDisruptionBudget web-pdb",
    "webserver-sidecar:index:LogService logs",
    "webserver-sidecar:index:WebserverPod web",
    "webserver-sidecar:index:WebserverPod webserver",
];

describe("the package on its declared peer floors", function () {
    this.timeout(600_000);
    const floors = {
        "@pulumi/pulumi": floorOf(PACKAGE.peerDependencies["@pulumi/pulumi"]),
        "@pulumi/kubernetes": floorOf(PACKAGE.peerDependencies["@pulumi/kubernetes"]),
    };
    // Outside the repository: nothing resolves to the repository's own node_modules.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peer-floors-"));
    let result: { sdk: string; kubernetes: string; registered: string[] } | undefined;

    before(() => {
        const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT }).stdout);
        fs.writeFileSync(
            path.join(dir, "package.json"),
            JSON.stringify({ name: "floors", version: "1.0.0", private: true }),
        );
        // No --legacy-peer-deps: npm refuses the install if the floors are outside the package's peer ranges.
        run(
            "npm",
            [
                "install",
                "--no-audit",
                "--no-fund",
                `@pulumi/pulumi@${floors["@pulumi/pulumi"]}`,
                `@pulumi/kubernetes@${floors["@pulumi/kubernetes"]}`,
                `./${packed[0].filename}`,
            ],
            { cwd: dir, timeoutMs: 600_000 },
        );
        fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
        writeConsumerTsconfig(dir);
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("type-checks a program against the floors' declarations", () => {
        // @types/node is not among the floors' dependencies: `require` declared for the check.
        fs.appendFileSync(path.join(dir, "index.ts"), "\ndeclare function require(m: string): any;\n");
        run(process.execPath, [TSC, "-p", "."], { cwd: dir });
        expect(fs.existsSync(path.join(dir, "bin", "index.js"))).to.equal(true);
    });

    it("runs it on exactly those releases, registering every object it registers on the repository's own", () => {
        result = JSON.parse(run(process.execPath, [path.join(dir, "bin", "index.js")], { cwd: dir }).stdout);
        console.log(
            `      | on @pulumi/pulumi ${result!.sdk}, @pulumi/kubernetes ${result!.kubernetes}: ${result!.registered.length} resources`,
        );
        expect({ sdk: result!.sdk, kubernetes: result!.kubernetes }).to.deep.equal({
            sdk: floors["@pulumi/pulumi"],
            kubernetes: floors["@pulumi/kubernetes"],
        });
        expect(result!.registered).to.deep.equal(REGISTERED);
    });
});
