// The cluster stack (program/Pulumi.cluster.yaml) on the real node: the LogService in VictoriaLogs'
// cluster mode — two storage pods with a claim each, two front pods behind the Service `logs` —
// closed (its default): vmauth beside each front node, the storage nodes behind their own basic
// auth and a NetworkPolicy admitting only the front nodes. The webserver's two replicas deliver to
// it through the same bulk URL as the ingest user. Requests to each replica, then their access
// records counted through the Service (as the reader) and on each storage pod directly (as the
// storage user); an agent's pod reaching past the front nodes to a storage node gets no connection.
import { expect } from "chai";
import { LOG_SERVICE_ACCESS } from "../../components/defaults";
import {
    curlFrom,
    kubectl,
    logServicePasswords,
    objectsIn,
    portForward,
    Project,
    report,
    requestInNginx,
    requirePrerequisites,
} from "./harness";
import { kwokNode } from "./node";
import { awaitProgress } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";

/** A basic-auth Secret's username and password, as kubectl reads them. */
function credentials(secret: string): { username: string; password: string } {
    const data = JSON.parse(kubectl(["get", "secret", secret, "-o", "json"]).stdout).data;
    const text = (k: string) => Buffer.from(data[k], "base64").toString();
    return { username: text("username"), password: text("password") };
}

const STACK = "cluster";
const STORAGE_PODS = ["logs-storage-0", "logs-storage-1"];

describe("integration: the LogService in cluster mode (the cluster stack)", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let replicas: string[] = [];
    const passwords = logServicePasswords();
    const reader = { username: LOG_SERVICE_ACCESS.readerUser, password: passwords.logsReaderPassword };

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
                "secret/logs-ingest",
                "secret/logs-reader",
                "secret/logs-storage-auth",
                "networkpolicy/logs",
                "networkpolicy/logs-storage",
            ],
        );
        // The storage nodes' claims (their data) outlive the StatefulSet, as claims do.
        kubectl(["delete", "pvc", ...STORAGE_PODS.map((p) => `storage-${p}`), "--ignore-not-found", "--wait=false"]);
    });

    it("pulumi up: two storage pods on their claims, two front pods, a PodDisruptionBudget each, the replicas ready", () => {
        project!.must(["stack", "init", STACK], { quiet: true });
        project!.setSecrets(STACK, passwords, "webserver-sidecar");
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
            const asReader = { ...forward, auth: reader };
            const { waited } = await awaitProgress(async () => {
                const seen = tally(await queryLogsQL(asReader, query));
                return { done: seen.size === paths.length, progress: seen.size };
            });
            // Counted once every request arrived, and again after: a duplicate arriving late shows.
            through = tally(await queryLogsQL(asReader, query));
            report(`through svc/logs after ${waited.toFixed(1)} s: ${through.size} of ${paths.length} requests`);
        } finally {
            forward.close();
        }
        // On each storage pod directly, as the storage user (its Secret, which the component derived):
        // without credentials a storage pod answers nothing.
        const storage = credentials("logs-storage-auth");
        expect(storage.username).to.equal("storage");
        const onNode: Array<Map<string, number>> = [];
        for (const pod of STORAGE_PODS) {
            const f = await portForward(`pod/${pod}`, 9428);
            try {
                const bare = await queryLogsQL(f, query).then(
                    () => "answered",
                    (e: Error) => (/HTTP \d+/.exec(e.message) ?? [e.message])[0],
                );
                report(`${pod} without credentials: ${bare}`);
                expect(bare).to.equal("HTTP 401");
                onNode.push(tally(await queryLogsQL({ ...f, auth: storage }, query)));
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

    it("closed: no password in any object but the Secrets; an agent's pod reaches the front nodes, never a storage node (the node enforces the NetworkPolicy)", async function () {
        this.timeout(3 * 60_000);
        const objects = kubectl([
            "get",
            "pods,deployments,statefulsets,configmaps,services,networkpolicies",
            "-o",
            "json",
        ]).stdout;
        const storage = credentials("logs-storage-auth").password;
        for (const p of [...Object.values(passwords), storage]) expect(objects).to.not.contain(p);
        const np = JSON.parse(kubectl(["get", "networkpolicy", "logs-storage", "-o", "json"]).stdout);
        expect(np.spec.podSelector.matchLabels["app.kubernetes.io/component"]).to.equal("storage");
        // The replica is an agent: admitted to the Service (the front nodes), refused by a storage node.
        const replica = replicas[0];
        const front = curlFrom(replica, "http://logs:9428/health", "nginx-container");
        const direct = curlFrom(replica, `http://${STORAGE_PODS[0]}.logs-storage:9428/health`, "nginx-container");
        report(`from ${replica}: the Service ${front}; ${STORAGE_PODS[0]} directly ${direct}`);
        expect(front).to.equal("exit 0, status 200");
        expect(direct).to.equal("exit 28, status 000");
    });
});
