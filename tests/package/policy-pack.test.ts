// The policy pack as another repository gets it: `npm pack ./policy`, unpacked outside this
// project, its own dependencies installed; it type-checks with its own tsconfig and TypeScript,
// and its policies report the seed Pod's findings with nothing from this project.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../scripts/lib/exec";
import { RULES } from "../../policy/rules";
import { seedPod } from "../helpers/fixtures";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the policy pack as a package", function () {
    this.timeout(600_000);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
    const pack = path.join(work, "webserver-sidecar-policy");
    let files: string[] = [];

    before(() => {
        const packed = JSON.parse(
            run("npm", ["pack", "--json", "--pack-destination", work], { cwd: path.join(ROOT, "policy") }).stdout,
        );
        files = packed[0].files.map((f: { path: string }) => f.path);
        fs.mkdirSync(pack);
        run("tar", ["xzf", path.join(work, packed[0].filename), "-C", pack, "--strip-components=1"]);
        const started = Date.now();
        run("npm", ["install", "--no-audit", "--no-fund", "--omit=dev"], { cwd: pack, timeoutMs: 600_000 });
        console.log(`      | unpacked to ${pack}; npm install took ${((Date.now() - started) / 1000).toFixed(0)}s`);
    });

    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("ships the pack's sources, config files and PulumiPolicy.yaml, nothing else", () => {
        expect(files.sort()).to.deep.equal(
            [
                "PulumiPolicy.yaml",
                "config/all-mandatory.json",
                "config/restricted-mandatory.json",
                "index.ts",
                "offline.ts",
                "package.json",
                "policies.ts",
                "rules.ts",
                "tsconfig.json",
            ].sort(),
        );
    });

    it("type-checks against its own @pulumi/policy with its own TypeScript", () => {
        const tsc = path.join(pack, "node_modules", "typescript", "bin", "tsc");
        const r = run(process.execPath, [tsc, "-p", ".", "--noEmit"], { cwd: pack, allowFail: true });
        expect(r.code, r.stdout + r.stderr).to.equal(0);
    });

    it("reports every rule on the seed Pod (but the log agent's, which it has not, and the baseline controls, which it meets), loaded with its own ts-node", () => {
        fs.writeFileSync(path.join(work, "seed.json"), JSON.stringify(seedPod()));
        const script = `const { checkObjects } = require("./offline");
const seed = require(${JSON.stringify(path.join(work, "seed.json"))});
console.log(JSON.stringify([...new Set(checkObjects([seed]).map((f) => f.policy))]));`;
        const r = run(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: pack });
        expect(JSON.parse(r.stdout.trim())).to.deep.equal(
            RULES.filter((rule) => !rule.logAgent && !rule.logService && !rule.pssBaseline).map((rule) => rule.id),
        );
    });
});
