// The prod stack -- the production preset as a Deployment of two replicas -- on podman: each
// replica played as a pod of its own (scripts/lib/pod.ts, podsOf), each serving, and each one's
// sidecar shipping exactly its own replica's lines, once, and none of the other's. Without the
// stack's LogService: here the replicas ship to their stdout (the stream shipper), where this test
// reads them; delivery into the LogService is tests/e2e/victorialogs.test.ts and npm run local --
// --stack logs.
import { expect } from "chai";
import { awaitShipped, countShipped, LoadResult, loadPod, summarize } from "../../scripts/lib/load";
import { requestInPod } from "../../scripts/lib/pod";
import { nothingLeft, report, RunningPod, startPods } from "./harness";

describe("e2e: the prod stack's Deployment (2 replicas) on podman", function () {
    this.timeout(15 * 60_000);
    let pods: RunningPod[] = [];

    before(async () => {
        pods = await startPods("prod", { logService: "false" });
    });

    after(() => {
        for (const p of pods) p.down();
        for (const p of pods) expect(nothingLeft(p), `${p.name} left behind`).to.deep.equal([]);
    });

    it("plays one pod per replica, each 2/2 Running with its own IP", () => {
        expect(pods.map((p) => p.name)).to.deep.equal(["webserver-0", "webserver-1"]);
        for (const p of pods) {
            expect(p.info.readyContainers, p.name).to.equal("2/2");
            expect(p.info.podStatus, p.name).to.equal("Running");
        }
        expect(new Set(pods.map((p) => p.info.podIp)).size).to.equal(2);
        report(`replicas: ${pods.map((p) => `${p.name} ${p.info.podIp}`).join(", ")}`);
    });

    it("each replica serves 200s, and its own sidecar ships its lines once -- and none of the other's", async () => {
        const n = 500;
        const loads: LoadResult[] = [];
        for (const p of pods) {
            expect(requestInPod(p.name, "/", 8080), `${p.name} serves`).to.equal(200);
            loads.push(await loadPod(p.name, n, { tag: `replica-${p.name}`, port: 8080 }));
        }
        for (const l of loads) expect([l.sent, l.ok], "sent, answered 200").to.deep.equal([n, n]);
        const counts = (p: RunningPod, i: number) => countShipped(p.logs("sidecar-container"), loads[i], n);
        // Until every line of each replica is shipped, or nothing more was shipped for 30 s.
        for (const [i, p] of pods.entries()) await awaitShipped(() => p.logs("sidecar-container"), loads[i]);
        pods.forEach((p, i) => {
            const own = summarize(counts(p, i));
            const other = summarize(countShipped(p.logs("sidecar-container"), loads[1 - i], n));
            report(
                `${p.name}: its own ${n} requests shipped once ${own.once}, missing ${own.missing}, duplicated ${own.duplicated}; the other replica's lines in its output: ${n - other.missing}`,
            );
            expect(own).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
            expect(other.missing, "none of the other replica's lines").to.equal(n);
        });
    });
});
