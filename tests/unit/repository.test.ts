// The project stands on its own: a user's clone or a GitHub runner has nothing beside it.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the repository", () => {
    it("refers to nothing outside its own tree (no directory beside the clone)", () => {
        const files = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
            cwd: ROOT,
            encoding: "utf8",
        })
            .stdout.split("\n")
            .filter((f) => f && fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile());
        expect(files.length, "git ls-files found the project's files").to.be.greaterThan(20);
        const outside = [".", "."].join("") + "/shared"; // spelled so that this file does not match itself
        const offenders = files.filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes(outside));
        expect(offenders).to.deep.equal([]);
    });

    it("carries the license package.json names (npm ships LICENSE in the package)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        expect(pkg.license).to.equal("Apache-2.0");
        const text = fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8");
        expect(text).to.match(/^\s*Apache License\s+Version 2\.0, January 2004/);
        expect(text).to.contain("END OF TERMS AND CONDITIONS");
    });

    it("builds with npm scripts that run under cmd.exe too (no rm, cp, mkdir -p: npm on Windows uses cmd.exe)", () => {
        const scripts: Record<string, string> = JSON.parse(
            fs.readFileSync(path.join(ROOT, "package.json"), "utf8"),
        ).scripts;
        // What npm runs on a user's machine: the build (prepare runs it on pack, publish and git installs).
        const userFacing = ["build", "prepare", "prepack", "prepublishOnly", "install", "postinstall"];
        const posixOnly = /(^|[;&|(]\s*)(rm|cp|mv|mkdir|ln|chmod|cat|sed|test)\s/;
        const offenders = userFacing.filter((k) => scripts[k] !== undefined && posixOnly.test(scripts[k]));
        expect(offenders.map((k) => `${k}: ${scripts[k]}`)).to.deep.equal([]);
        expect(scripts.build, "build").to.be.a("string");
    });

    it("keeps the seed spec in tests/fixtures, as the task gave it", () => {
        const text = fs.readFileSync(path.join(ROOT, "tests", "fixtures", "webserver.yaml"), "utf8");
        expect(text.startsWith("apiVersion: v1\nkind: Pod\nmetadata:\n  name: webserver\n")).to.equal(true);
        expect(text).to.contain(
            '"while true; do cat /var/log/nginx/access.log /var/log/nginx/error.log; sleep 30; done"',
        );
    });
});
