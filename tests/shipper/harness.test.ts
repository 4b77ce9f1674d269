// The shipper harness itself: a runaway's output is capped and fails the test that reads it,
// cleanly, instead of growing until mocha dies (as it once did under a mutation).
import { expect } from "chai";
import { ShipperRun } from "./harness";

describe("the shipper harness", function () {
    this.timeout(60_000);

    it("stops a run whose stdout passes the cap, and says so when the test reads it", async () => {
        // `yes` stands in for a shipper that re-ships in a loop.
        const run = new ShipperRun({ outputCapBytes: 2 ** 20, launcher: () => ["yes", "a runaway line"] }).start();
        const code = await run.exited();
        expect(code, "killed, not ended").to.equal(null);
        expect(() => run.out).to.throw(
            "the shipper wrote more than 1048576 bytes to its stdout: stopped as a runaway (no test writes that much)",
        );
        await run.dispose();
    });

    it("keeps a run's output whole below the cap", async () => {
        const run = new ShipperRun({ outputCapBytes: 2 ** 20, launcher: () => ["sh", "-c", "seq 1 1000"] }).start();
        expect(await run.exited()).to.equal(0);
        expect(run.out.trim().split("\n")).to.have.length(1000);
        await run.dispose();
    });
});
