// The LogService's cluster mode, run as processes: storage nodes (VictoriaLogs as the single node
// runs it) and a front node with the component's command line (components/logService/cluster.ts
// frontendArgs), its storage nodes' addresses moved to this machine's ports. Records of several
// pods go in through the front node's bulk API, as the agents send them; each is counted through
// the front node and on each storage node directly, where it is stored.
import { expect } from "chai";
import { validateLogService } from "../../components";
import { LOG_SERVICE_ACCESS } from "../../components/defaults";
import { storagePassword } from "../../components/logService/access";
import { closedStorageArgs, frontendArgs } from "../../components/logService/cluster";
import { poll } from "../../scripts/lib/exec";
import { queryLogsQL, VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
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

/** How often each record `${tag} <pod> <i>` is returned by a query at `vl` (as `auth`, if given), by "pod i". */
async function counts(
    vl: VictoriaLogsProcess,
    tag: string,
    auth?: { username: string; password: string },
): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    const query = `_time:1h _msg:="${tag} "* | fields _msg`;
    const records = auth
        ? await queryLogsQL({ host: "127.0.0.1", port: vl.httpPort, auth }, query)
        : await vl.query(query);
    for (const r of records) {
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

    it("closed: the storage nodes answer only the storage user; the front node, with the component's flags and the password from its env, stores and queries through them", async () => {
        const v = validateLogService("logs", {
            access: { ingestPassword: "i".repeat(16), readerPassword: "r".repeat(16) },
            cluster: { storageNodes: 2 },
        });
        const password = storagePassword("i".repeat(16), "r".repeat(16));
        const env = { [LOG_SERVICE_ACCESS.storagePasswordEnv]: password };
        // The component's flags exactly: the storage nodes' basic auth, the front node's credentials,
        // each password a %{...} placeholder its env fills (never the value in a command line).
        const storageFlags = closedStorageArgs([]);
        const frontFlags = frontendArgs(v.name, v.cluster!, true).filter((a) => a.startsWith("-storageNode."));
        expect([...storageFlags, ...frontFlags].join(" ")).to.not.contain(password);
        const storage = [
            await VictoriaLogsProcess.start({ flags: storageFlags, env }),
            await VictoriaLogsProcess.start({ flags: storageFlags, env }),
        ];
        started.push(...storage);
        const asStorage = { username: LOG_SERVICE_ACCESS.storageUser, password };
        const refused = async (auth?: { username: string; password: string }) =>
            queryLogsQL({ host: "127.0.0.1", port: storage[0].httpPort, ...(auth && { auth }) }, "_time:1h").then(
                () => "answered",
                (e: Error) => (/HTTP (\d+)/.exec(e.message) ?? [e.message])[0],
            );
        const none = await refused();
        const wrong = await refused({ username: "storage", password: "not-the-password" });
        const health = (await fetch(`http://127.0.0.1:${storage[0].httpPort}/health`)).status;
        report(
            `a storage node: no credentials ${none}, a wrong password ${wrong}; /health ${health} (the kubelet's probes)`,
        );
        expect({ none, wrong, health }).to.deep.equal({ none: "HTTP 401", wrong: "HTTP 401", health: 200 });

        const front = await VictoriaLogsProcess.start({
            storageNodes: storage.map((s) => `127.0.0.1:${s.httpPort}`),
            flags: frontFlags,
            env,
        });
        started.push(front);
        const tag = `closed-cluster-${Date.now().toString(36)}`;
        for (const pod of PODS.slice(0, 2)) await store(front, tag, pod, PER_POD);
        const total = 2 * PER_POD;
        const through = await poll("every record queryable through the front node", 60_000, async () => {
            const c = await counts(front, tag);
            return c.size === total ? c : undefined;
        });
        const shares = (await Promise.all(storage.map((s) => counts(s, tag, asStorage)))).map((c) =>
            [...c.values()].reduce((a, b) => a + b, 0),
        );
        report(
            `${total} records through the front node: ${through.size} found; as the storage user on the storage nodes ${shares.join(" + ")}`,
        );
        expect(shares.reduce((a, b) => a + b, 0)).to.equal(total);
    });
});
