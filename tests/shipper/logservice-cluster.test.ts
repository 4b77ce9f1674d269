// The LogService's cluster mode, run as processes: storage nodes (VictoriaLogs as the single node
// runs it) and a front node with the component's command line (components/logService/cluster.ts
// frontendArgs), its storage nodes' addresses moved to this machine's ports. Records of several
// pods go in through the front node's bulk API, as the agents send them; each is counted through
// the front node and on each storage node directly, where it is stored.
import { expect } from "chai";
import { validateLogService } from "../../components";
import { frontendArgs } from "../../components/logService/cluster";
import { poll } from "../../scripts/lib/exec";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { report } from "./harness";

const PODS = ["web-a", "web-b", "web-c", "web-d", "web-e", "web-f"];
const PER_POD = 200;

/** Stores `n` access records of pod `pod`, tagged `tag`, at `vl`, as the agent sends them. */
function store(vl: VictoriaLogsProcess, tag: string, pod: string, n: number): Promise<void> {
    const now = new Date().toISOString();
    return vl.storeRecords(
        Array.from({ length: n }, (_, i) => ({
            "@timestamp": now,
            message: `${tag} ${pod} ${i}`,
            namespace: "default",
            pod,
            container: "nginx-container",
            log: "access",
        })),
    );
}

/** How often each record `${tag} <pod> <i>` is returned by a query at `vl`, by "pod i". */
async function counts(vl: VictoriaLogsProcess, tag: string): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for (const r of await vl.query(`_time:1h _msg:="${tag} "* | fields _msg`)) {
        const key = r._msg.slice(tag.length + 1);
        seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return seen;
}

describe("LogService cluster mode: front node and storage nodes as processes", function () {
    this.timeout(120_000);
    const started: VictoriaLogsProcess[] = [];

    after(async () => {
        for (const p of started.reverse()) await p.stop();
    });

    it("every record through the front node is stored on exactly one storage node, each node holding a share, and found once by a query", async () => {
        const v = validateLogService("logs", { access: { open: true }, cluster: { storageNodes: 2 } });
        const storage = [await VictoriaLogsProcess.start(), await VictoriaLogsProcess.start()];
        started.push(...storage);
        // The component's -storageNode, its addresses (the pods' DNS names) replaced by these processes'.
        const flag = frontendArgs(v.name, v.cluster!).find((a) => a.startsWith("-storageNode="))!;
        const listed = flag.slice("-storageNode=".length).split(",");
        expect(listed).to.have.length(storage.length);
        const front = await VictoriaLogsProcess.start({ storageNodes: storage.map((s) => `127.0.0.1:${s.httpPort}`) });
        started.push(front);

        const tag = `cluster-${Date.now().toString(36)}`;
        for (const pod of PODS) await store(front, tag, pod, PER_POD);
        const total = PODS.length * PER_POD;
        const through = await poll("every record queryable through the front node", 60_000, async () => {
            const c = await counts(front, tag);
            return c.size === total ? c : undefined;
        });
        // Counted again on each storage node: where each record is.
        const onNodes = await Promise.all(storage.map((s) => counts(s, tag)));
        const shares = onNodes.map((c) => [...c.values()].reduce((a, b) => a + b, 0));
        report(
            `${total} records through the front node: found ${through.size} distinct, ${[...through.values()].filter((n) => n > 1).length} more than once; on the storage nodes ${shares.join(" + ")}`,
        );
        expect(
            [...through.values()].every((n) => n === 1),
            "each record once through the front node",
        ).to.equal(true);
        expect(
            shares.reduce((a, b) => a + b, 0),
            "stored once in the cluster",
        ).to.equal(total);
        for (const [i, c] of onNodes.entries()) {
            expect(shares[i], `storage node ${i} holds a share`).to.be.greaterThan(0);
            for (const key of c.keys()) expect(onNodes[1 - i].has(key), `${key} on one node only`).to.equal(false);
        }
        // A pod's records (its log stream) stay together on one node.
        for (const pod of PODS) {
            const holders = onNodes.filter((c) => [...c.keys()].some((k) => k.startsWith(`${pod} `)));
            expect(holders, pod).to.have.length(1);
        }
    });
});
