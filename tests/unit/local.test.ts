// `npm run local` on a machine without podman: one actionable line, not a stack trace.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliCase } from "../helpers/children";

const noPodman = cliCase({
    script: "local",
    argv: ["up"],
    env: { PATH: fs.mkdtempSync(path.join(os.tmpdir(), "nopodman-")), HOME: os.tmpdir() },
});
const sideways = cliCase({ script: "local", argv: ["sideways"] });

describe("npm run local without podman", () => {
    it("prints the exact install command when it cannot install podman itself", () => {
        const r = noPodman();
        expect(r.code).to.equal(1);
        expect(r.stderr.trim()).to.equal(
            "error: podman is not installed; install it with: sudo apt-get install -y podman runc",
        );
    });

    it("rejects an unknown command before touching podman", () => {
        const r = sideways();
        expect(r.code).to.equal(1);
        expect(r.stderr.trim()).to.equal("error: unknown command sideways; use up or down");
    });
});
