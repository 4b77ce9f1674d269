// The integration test's tear-down leaves nothing behind, even when `pulumi destroy` fails.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DestroyableStack, tearDown } from "../integration/teardown";

function fakeStack(destroyFails: boolean) {
    const calls: string[] = [];
    const stack: DestroyableStack = {
        name: "dev",
        destroy: async () => {
            calls.push("destroy");
            if (destroyFails) throw new Error("cluster went away");
        },
        workspace: {
            removeStack: async (name, opts) => {
                calls.push(`removeStack ${name} force=${opts.force}`);
            },
        },
    };
    return { stack, calls };
}

describe("integration test tear-down", () => {
    const dirs = () => [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "teardown-")));
    const quiet = () => undefined;

    it("destroys, removes the stack and the temporary directories", async () => {
        const { stack, calls } = fakeStack(false);
        const d = dirs();
        let deleted = false;
        await tearDown(stack, d, () => (deleted = true), quiet);
        expect(calls).to.deep.equal(["destroy", "removeStack dev force=true"]);
        expect(deleted).to.equal(false);
        expect(d.filter((x) => fs.existsSync(x))).to.deep.equal([]);
    });

    it("when destroy throws: deletes directly, still removes stack and directories, and fails", async () => {
        const { stack, calls } = fakeStack(true);
        const d = dirs();
        let deleted = false;
        let error: unknown;
        await tearDown(stack, d, () => (deleted = true), quiet).catch((e) => (error = e));
        expect((error as Error)?.message).to.equal("cluster went away");
        expect(deleted, "resources deleted directly").to.equal(true);
        expect(calls).to.deep.equal(["destroy", "removeStack dev force=true"]);
        expect(d.filter((x) => fs.existsSync(x))).to.deep.equal([]);
    });
});
