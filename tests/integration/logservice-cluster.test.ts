// The cluster stack (program/Pulumi.cluster.yaml) on the real node: the LogService in VictoriaLogs'
// cluster mode — two storage pods with a claim each, two front pods behind the Service `logs` —
// and the webserver's two replicas delivering to it through the same bulk URL. Requests to each
// replica, then their access records counted through the Service and on each storage pod directly.
import { expect } from "chai";
import { kubectl, objectsIn, portForward, Project, report, requestInNginx, requirePrerequisites } from "./harness";
import { kwokNode } from "./node";
import { awaitProgress } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";

const STACK = "cluster";
const STORAGE_PODS = ["logs-storage-0", "logs-storage-1"];

describe("integration: the LogService in cluster mode (the cluster stack)", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let replicas: string[] = [];

    before(() => {
        requirePrerequisites();
        project = new Project("cluster");
    });

    after(() => {
        project?.tearDown(
            [STACK],
            [
                "deployment/webserver",
                "deployment/logs",
                "statefulset/logs-storage",
                "service/logs",
                "service/logs-storage",
            ],
        );
        // The storage nodes' claims (their data) outlive the StatefulSet, as claims do.
        kubectl(["delete", "pvc", ...STORAGE_PODS.map((p) => `storage-${p}`), "--ignore-not-found", "--wait=false"]);
    });

    it("pulumi up: two storage pods on their claims, two front pods, a PodDisruptionBudget each, the replicas ready", () => {
        project!.must(["stack", "init", STACK], { quiet: true });
        project!.must(["up", "--yes", "--stack", STACK]);
        const outputs = project!.outputs(STACK);
        expect(outputs.readyReplicas).to.equal("2/2");
        expect(outputs.logServiceBulkUrl).to.match(/^http:\/\/logs:9428\/insert\/elasticsearch\?/);
        const sts = JSON.parse(kubectl(["get", "statefulset", "logs-storage", "-o", "json"]).stdout);
        const front = JSON.parse(kubectl(["get", "deployment", "logs", "-o", "json"]).stdout);
        const claims = STORAGE_PODS.map(
            (p) => JSON.parse(kubectl(["get", "pvc", `storage-${p}`, "-o", "json"]).stdout).status.phase,
        );
        const pods = JSON.parse(
            kubectl(["get", "pods", "-l", "app.kubernetes.io/instance=logs", "-o", "json"]).stdout,
        ).items;
        report(
            `storage ${sts.status.readyReplicas}/${sts.spec.replicas}, claims ${claims.join(", ")}; front nodes ${front.status.readyReplicas}/${front.spec.replicas}; pods ${pods.map((p: any) => `${p.metadata.name} on ${p.spec.nodeName}`).join(", ")}`,
        );
        expect(sts.status.readyReplicas).to.equal(2);
        expect(front.status.readyReplicas).to.equal(2);
        expect(claims).to.deep.equal(["Bound", "Bound"]);
        for (const p of pods) expect(kwokNode(p.spec.nodeName), `${p.metadata.name} on a real node`).to.equal(false);
        expect(objectsIn("default", "poddisruptionbudgets").sort()).to.include.members([
            "poddisruptionbudget.policy/logs",
            "poddisruptionbudget.policy/logs-storage",
        ]);
        replicas = JSON.parse(
            kubectl(["get", "pods", "-l", "app.kubernetes.io/instance=webserver", "-o", "json"]).stdout,
        ).items.map((p: any) => p.metadata.name);
        expect(replicas).to.have.length(2);
    });

    it("each replica's requests are found once through the Service, and each stored on one storage pod", async function () {
        this.timeout(5 * 60_000);
        const run = Date.now().toString(36);
        const N = 20;
        const paths = replicas.flatMap((pod) => Array.from({ length: N }, (_, i) => `/cluster-${run}-${pod}-${i}`));
        for (const [k, p] of paths.entries())
            expect(requestInNginx(replicas[Math.floor(k / N)], `http://localhost:8080${p}`)).to.equal("404");
        const query = `_time:1h log:access path:="/cluster-${run}-"* | fields path, pod`;
        const tally = (records: Array<Record<string, string>>) => {
            const seen = new Map<string, number>();
            for (const r of records) seen.set(`${r.pod} ${r.path}`, (seen.get(`${r.pod} ${r.path}`) ?? 0) + 1);
            return seen;
        };
        const forward = await portForward("svc/logs", 9428);
        let through: Map<string, number>;
        try {
            const { waited } = await awaitProgress(async () => {
                const seen = tally(await queryLogsQL(forward, query));
                return { done: seen.size === paths.length, progress: seen.size };
            });
            // Counted once every request arrived, and again after: a duplicate arriving late shows.
            through = tally(await queryLogsQL(forward, query));
            report(`through svc/logs after ${waited.toFixed(1)} s: ${through.size} of ${paths.length} requests`);
        } finally {
            forward.close();
        }
        const onNode: Array<Map<string, number>> = [];
        for (const pod of STORAGE_PODS) {
            const f = await portForward(`pod/${pod}`, 9428);
            try {
                onNode.push(tally(await queryLogsQL(f, query)));
            } finally {
                f.close();
            }
        }
        report(`on the storage pods: ${onNode.map((m, i) => `${STORAGE_PODS[i]} ${m.size}`).join(", ")}`);
        const expected = new Map(paths.map((p, k) => [`${replicas[Math.floor(k / N)]} ${p}`, 1]));
        expect(through).to.deep.equal(expected);
        // Each on exactly one storage pod, once: the pods' shares add up to the whole.
        const merged = new Map<string, number>();
        for (const m of onNode) for (const [k, n] of m) merged.set(k, (merged.get(k) ?? 0) + n);
        expect(merged).to.deep.equal(expected);
    });
});
