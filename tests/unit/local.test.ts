// `npm run local` on a machine without podman: one actionable line, not a stack trace.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

describe("npm run local without podman", function () {
    this.timeout(30_000);

    it("prints the exact install command when it cannot install podman itself", () => {
        const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), "nopodman-"));
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "-T", "scripts/local.ts", "up"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { PATH: emptyPath, HOME: os.tmpdir() },
        });
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.equal(
            "error: podman is not installed; install it with: sudo apt-get install -y podman runc",
        );
    });

    it("rejects an unknown command before touching podman", () => {
        const r = spawnSync(
            process.execPath,
            [require.resolve("ts-node/dist/bin"), "-T", "scripts/local.ts", "sideways"],
            { cwd: ROOT, encoding: "utf8" },
        );
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.equal("error: unknown command sideways; use up or down");
    });
});
