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

    it("keeps the seed spec in tests/fixtures, as the task gave it", () => {
        const text = fs.readFileSync(path.join(ROOT, "tests", "fixtures", "webserver.yaml"), "utf8");
        expect(text.startsWith("apiVersion: v1\nkind: Pod\nmetadata:\n  name: webserver\n")).to.equal(true);
        expect(text).to.contain(
            '"while true; do cat /var/log/nginx/access.log /var/log/nginx/error.log; sleep 30; done"',
        );
    });
});
