// `npm install git+https://...` as a user runs it before the package is on npm: from a git clone
// of the repository (its committed state, not this work tree), whose dist/ is not in git and must
// be built by the package's own `prepare` script. Then imported from CommonJS and from ESM.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { run } from "../../scripts/lib/exec";
import { seedPod } from "../helpers/fixtures";
import { Consumer, ROOT } from "./consumer";

const WORK = path.join(ROOT, ".pack-test", "git");

describe("the component installed from git", function () {
    this.timeout(600_000);
    const clone = path.join(WORK, "clone");
    let consumer: Consumer;

    before(function () {
        consumer = new Consumer(path.join(WORK, "consumer"));
        fs.rmSync(clone, { recursive: true, force: true });
        run("git", ["clone", "--quiet", "--no-local", ROOT, clone]);
        const head = run("git", ["rev-parse", "--short", "HEAD"], { cwd: clone }).stdout.trim();
        expect(fs.existsSync(path.join(clone, "dist")), "dist/ is not committed").to.equal(false);
        const started = Date.now();
        consumer.install(`git+file://${clone}`);
        console.log(
            `      | installed git+file://<clone of ${head}> in ${((Date.now() - started) / 1000).toFixed(0)}s (npm ran its prepare script)`,
        );
    });

    after(() => fs.rmSync(WORK, { recursive: true, force: true }));

    it("has the compiled package its exports point at", () => {
        const pkgDir = path.join(consumer.dir, "node_modules", "webserver-sidecar");
        const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
        for (const target of [pkg.exports["."].default, pkg.exports["."].types]) {
            expect(fs.existsSync(path.join(pkgDir, target)), `${target} exists`).to.equal(true);
        }
    });

    it("loads from CommonJS, registers nothing on import, and declares the seed Pod", () => {
        expect(consumer.requireUnderMocks("webserver-sidecar").registered).to.deep.equal([]);
        const out = consumer.requireUnderMocks("webserver-sidecar", true);
        expect(out.exports).to.include("WebserverPod");
        const pod = out.registered.find((r: any) => r.type === "kubernetes:core/v1:Pod").inputs;
        expect({ apiVersion: pod.apiVersion, kind: pod.kind, metadata: pod.metadata, spec: pod.spec }).to.deep.equal(
            seedPod(),
        );
    });

    it("loads from an ES module with named imports", () => {
        const out = consumer.importUnderMocks();
        expect(out.exports).to.include.members(["WebserverPod", "validateArgs"]);
        expect(out.registered.map((r: any) => r.type)).to.deep.equal([
            "webserver-sidecar:index:WebserverPod",
            "kubernetes:core/v1:Pod",
        ]);
    });
});
