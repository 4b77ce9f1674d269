// The policy pack through the engine's real analyzer: `pulumi preview --policy-pack policy`
// reports on the dev stack what `npm run render -- --policy` reports offline, passes the prod
// stack (its LogService closed) but for its agents' credentials over the cluster's plain HTTP, and
// with every policy mandatory stops `pulumi up` before anything is created.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { logServicePasswords, objectsIn, Project, report, requirePrerequisites, ROOT, sh } from "./harness";

const POLICY_DIR = path.join(ROOT, "policy");

/** The policies `npm run render -- --policy` reports for a stack, by name. */
function offlineFindings(stack: string): string[] {
    const r = sh("npm", ["run", "-s", "render", "--", "--stack", stack, "--policy"], { cwd: ROOT });
    expect(r.code, r.out).to.equal(0);
    return [...r.stdout.matchAll(/^advisory\s+([a-z-]+)\s/gm)].map((m) => m[1]);
}

/** The policies the engine reported as violated, by name (each once per resource it names). */
function enginePolicies(out: string): string[] {
    // e.g. "- [advisory] [severity: high]  run-as-non-root  (kubernetes:core/v1:Pod: webserver-pod)"
    return [...out.matchAll(/\[(?:advisory|mandatory)\](?:\s+\[severity: \w+\])?\s+([a-z][a-z-]+[a-z])\s+\(/g)].map(
        (m) => m[1],
    );
}

describe("integration: the policy pack through the real analyzer", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;

    before(() => {
        requirePrerequisites();
        if (!fs.existsSync(path.join(POLICY_DIR, "node_modules", "@pulumi", "policy"))) {
            const r = sh("npm", ["ci", "--prefix", POLICY_DIR, "--no-audit", "--no-fund"], { cwd: ROOT });
            expect(r.code, `npm ci --prefix policy: ${r.out}`).to.equal(0);
        }
        project = new Project("policy");
        project.must(["stack", "init", "dev"], { quiet: true });
        project.must(["stack", "init", "prod"], { quiet: true });
        // The prod stack's LogService is closed (the default): its two passwords, as a user sets them.
        project.setSecrets("prod", logServicePasswords(), "webserver-sidecar");
    });

    after(() => project?.tearDown(["dev", "prod"]));

    it("pulumi preview --policy-pack reports on the dev stack what render --policy reports", () => {
        const preview = project!.must(["preview", "--stack", "dev", "--policy-pack", POLICY_DIR]);
        const engine = enginePolicies(preview.out).sort();
        const offline = offlineFindings("dev").sort();
        report(`engine: ${engine.length} finding(s); render --policy: ${offline.length}`);
        expect(offline.length).to.be.greaterThan(0);
        expect(engine).to.deep.equal(offline);
    });

    it("the prod stack, its LogService closed, passes every policy but the agents' credentials over the cluster's plain HTTP", () => {
        const preview = project!.must(["preview", "--stack", "prod", "--policy-pack", POLICY_DIR]);
        const plainHttp = ["credentials-over-tls"];
        report(`prod: engine ${JSON.stringify(enginePolicies(preview.out))}`);
        expect(enginePolicies(preview.out).sort()).to.deep.equal(plainHttp);
        expect(offlineFindings("prod").sort()).to.deep.equal(plainHttp);
        expect(preview.out).to.match(/webserver-sidecar@v0\.1\.0 \(local: /);
    });

    it("a mandatory violation stops pulumi up before anything is created", () => {
        const before = objectsIn(undefined);
        const up = project!.pulumi([
            "up",
            "--yes",
            "--stack",
            "dev",
            "--policy-pack",
            POLICY_DIR,
            "--policy-pack-config",
            path.join(POLICY_DIR, "config", "all-mandatory.json"),
        ]);
        expect(up.code).to.not.equal(0);
        expect(up.out).to.match(/\[mandatory\]/);
        expect(objectsIn(undefined)).to.deep.equal(before);
    });
});
