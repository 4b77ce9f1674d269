// The LogService's retention deletes: VictoriaLogs run with the retention flags the component gives
// it (components/logService/manifest.ts, victoriaLogsArgs) keeps records of the last
// `retentionPeriod` and drops older days from queries and from its volume. VictoriaLogs keeps a
// partition a day and drops those past the period when it starts and every hour after; the test
// stores records three days old under 7d, then starts it again under 1d (the least the component
// takes) and counts what queries return and what the data directory holds.
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { victoriaLogsArgs } from "../../components/logService/manifest";
import { poll } from "../../scripts/lib/exec";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { report } from "./harness";

const DAY_MS = 86_400_000;
const N = 300;

/** The LogService's retention flags for `retentionPeriod`, as its pod runs VictoriaLogs. */
const retentionFlagsOf = (retentionPeriod: string) =>
    victoriaLogsArgs({ retentionPeriod }).filter((f) => f.startsWith("-retention"));

/** Bytes a directory tree takes on disk (allocated blocks). */
function bytesUsed(dir: string): number {
    let sum = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        sum += e.isDirectory() ? bytesUsed(p) : fs.statSync(p).blocks * 512;
    }
    return sum;
}

/** Stores `n` records tagged `tag`, stamped `at`, through the bulk API with the LogService's query. */
function store(vl: VictoriaLogsProcess, tag: string, at: Date, n: number): Promise<void> {
    // Random payloads (VictoriaLogs compresses repeats to nothing): a day of them takes room on disk.
    return vl.storeRecords(
        Array.from({ length: n }, (_, i) => ({
            "@timestamp": at.toISOString(),
            message: `${tag} ${i} ${crypto.randomBytes(1500).toString("base64")}`,
            log: "access",
        })),
    );
}

/** How many records of `tag` a query over the last 10 days returns. */
async function count(vl: VictoriaLogsProcess, tag: string): Promise<number> {
    return (await vl.query(`_time:10d _msg:="${tag} "* | fields _msg`)).length;
}

describe("LogService retention: what is older than retentionPeriod goes, from queries and from the volume", function () {
    this.timeout(180_000);
    let vl: VictoriaLogsProcess | undefined;

    after(async () => {
        await vl?.stop();
    });

    it("records three days old, kept under 7d, are gone under 1d with their day's data; today's stay", async () => {
        vl = await VictoriaLogsProcess.start({ retentionFlags: retentionFlagsOf("7d") });
        const old = new Date(Date.now() - 3 * DAY_MS);
        await store(vl, "old", old, N);
        await store(vl, "new", new Date(), N);
        await poll("both days' records queryable", 60_000, async () =>
            (await count(vl!, "old")) === N && (await count(vl!, "new")) === N ? true : undefined,
        );
        // Stopped (it flushes what it took), then started again as the LogService with retentionPeriod 1d.
        await vl.pause();
        const data = path.join(vl.dir, "data");
        const before = bytesUsed(data);
        const day = old.toISOString().slice(0, 10).replace(/-/g, "");
        const partitions = () => fs.readdirSync(path.join(data, "partitions"));
        expect(partitions(), "the old day has its partition").to.include(day);
        vl.retentionFlags = retentionFlagsOf("1d");
        expect(vl.retentionFlags).to.include("-retentionPeriod=1d");
        await vl.resume();
        await poll("the old day's records gone from queries", 60_000, async () =>
            (await count(vl!, "old")) === 0 ? true : undefined,
        );
        // Its partition (a directory a day, named YYYYMMDD) is removed once no query holds it: the volume's use falls.
        const after = await poll(`partition ${day} gone from the data directory`, 60_000, () =>
            partitions().includes(day) ? undefined : bytesUsed(data),
        );
        expect(after, "bytes on disk").to.be.below(before - N * 1000);
        const kept = await count(vl, "new");
        report(
            `retention 7d -> 1d: records of ${old.toISOString().slice(0, 10)} ${N} -> 0, today's ${N} -> ${kept}; data ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB`,
        );
        expect(kept).to.equal(N);
    });
});
