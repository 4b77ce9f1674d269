// Cases Stryker found unguarded in components/retention.ts (npm run mutate, docs/testing.md).
import { expect } from "chai";
import { RETENTION_LAYOUT, retentionBudget, retentionMinRule } from "../../components/retention";

describe("components/retention.ts, the cases mutation testing asked for", () => {
    it("only the agent keeps each log's first bytes (imfile's hash of them names the file); the stream shipper keeps none", () => {
        expect(retentionBudget(100 * 2 ** 20, "stream").headBytes).to.equal(0);
        expect(retentionBudget(100 * 2 ** 20, "agent").headBytes).to.equal(RETENTION_LAYOUT.agentHeadBytes);
        expect(RETENTION_LAYOUT.agentHeadBytes).to.be.above(0);
    });

    it("the smallest maxSize is explained in full, for each shipper", () => {
        expect(retentionMinRule("stream")).to.equal(
            "64Ki of it hold the stream shipper's state, and each log keeps half of the rest, at least 64Ki for its newest lines and a second's growth",
        );
        expect(retentionMinRule("agent")).to.equal(
            "96Ki of it hold the log agent's state and each log's first block, and each log keeps half of the rest, at least 64Ki for its newest lines and a second's growth",
        );
    });
});
