// A Deployment rollout under load on the real node (issue #32, item 5): two replicas delivering into
// a LogService, requests made one after another inside each pod's nginx until that pod stops, then
// `kubectl rollout restart`. Each old pod's connections to the LogService are refused from before
// the restart until its nginx has stopped, so each holds a backlog when its Pod goes away. Every
// request an old pod's nginx answered must be in the LogService, counted by its id, once -- its
// sidecar (classic, with the preStop hook) drains after nginx's exit.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { AGENT } from "../../components";
import { awaitProgress } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";
import { kubectl, loadInNginx, logServiceVolume, portForward, Project, report, requirePrerequisites } from "./harness";
import { iptablesInPod, kwokNode } from "./node";

/** Refuses the pod's connections to the LogService (a rule in its network namespace). */
const RULE = ["-p", "tcp", "--dport", "9428", "-j", "REJECT", "--reject-with", "tcp-reset"];

const podsOf = (): string[] => {
    const r = kubectl(["get", "pods", "-l", "app.kubernetes.io/instance=webserver", "-o", "json"]);
    expect(r.code, r.out).to.equal(0);
    return JSON.parse(r.stdout)
        .items.filter((p: any) => !p.metadata.deletionTimestamp)
        .map((p: any) => p.metadata.name);
};

describe("integration: a Deployment rollout under load (the real node): every request an old pod answered is delivered", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-rollout");
        project = new Project("rollout");
        project.must(["stack", "init", "dev"], { quiet: true });
        for (const [k, v] of [
            ["workload", "Deployment"],
            ["replicas", "2"],
            ["logService", '{"access":{"open":true}}'],
        ])
            project.must(["config", "set", "--stack", "dev", `webserver-sidecar:${k}`, v], { quiet: true });
        project.must(["up", "--yes", "--stack", "dev"]);
    });

    after(() => {
        try {
            project?.tearDown(
                ["dev"],
                ["deployment/webserver", "service/webserver", "statefulset/logs", "service/logs"],
            );
        } finally {
            removeVolume();
        }
    });

    it("kubectl rollout restart while each pod serves requests: every answered request in the LogService, once", async () => {
        const run = Date.now().toString(36);
        const old = podsOf();
        expect(old).to.have.length(2);
        for (const p of old) {
            const node = JSON.parse(kubectl(["get", "pod", p, "-o", "json"]).stdout).spec.nodeName;
            expect(kwokNode(node), `${p} on the real node`).to.equal(false);
        }
        const loads = old.map((p) => loadInNginx(p, `/rollout-${run}-${p}-`));
        const blocked = new Set<string>();
        const unblockedInTime = new Set<string>();
        try {
            await awaitProgress(async () => {
                const least = Math.min(...loads.map((l) => l.answered().length));
                return { done: least >= 200, progress: least };
            });
            for (const p of old) {
                expect(iptablesInPod("default", p, ["-I", "OUTPUT", ...RULE]), `the rule in ${p}`).to.equal(0);
                blocked.add(p);
            }
            const atBlock = loads.map((l) => l.answered().length);
            await awaitProgress(async () => {
                const least = Math.min(...loads.map((l, i) => l.answered().length - atBlock[i]));
                return { done: least >= 200, progress: least };
            });
            const restarted = kubectl(["rollout", "restart", "deployment/webserver"]);
            expect(restarted.code, restarted.out).to.equal(0);
            // As each old pod's nginx stops (its load ends), the LogService is let through: its agent drains.
            await awaitProgress(
                async () => {
                    for (const l of loads)
                        if (l.ended() && blocked.has(l.pod)) {
                            if (iptablesInPod("default", l.pod, ["-D", "OUTPUT", ...RULE]) === 0)
                                unblockedInTime.add(l.pod);
                            blocked.delete(l.pod);
                        }
                    const n = loads.filter((l) => l.ended()).length;
                    return { done: n === loads.length && blocked.size === 0, progress: n };
                },
                { stallMs: 180_000 },
            );
            const rolled = spawnSync("kubectl", ["rollout", "status", "deployment/webserver", "--timeout=300s"], {
                encoding: "utf8",
            });
            expect(rolled.status, `rollout status: ${rolled.stdout}${rolled.stderr}`).to.equal(0);
            // The pod is gone once its sidecar has drained.
            for (const p of old) {
                const gone = spawnSync("kubectl", ["wait", "--for=delete", `pod/${p}`, "--timeout=180s"], {
                    encoding: "utf8",
                });
                expect(gone.status, `${p} gone: ${gone.stderr}`).to.equal(0);
            }
            const fresh = podsOf();
            expect(
                fresh.filter((p) => old.includes(p)),
                "the old pods replaced",
            ).to.deep.equal([]);
            const forward = await portForward("svc/logs", 9428);
            try {
                for (const l of loads) {
                    const ids = l.answered();
                    // The old pod and its agent are gone: what the LogService holds now is all there will be.
                    const records = await queryLogsQL(
                        forward,
                        `_time:1h log:access path:"${l.tag}"* | fields path, pod`,
                    );
                    const count = new Map<number, number>();
                    for (const r of records) {
                        const i = Number(r.path.slice(l.tag.length));
                        count.set(i, (count.get(i) ?? 0) + 1);
                    }
                    const missing = ids.filter((i) => !count.has(i));
                    const twice = ids.filter((i) => (count.get(i) ?? 0) > 1);
                    const i = loads.indexOf(l);
                    report(
                        `${l.pod}: ${ids.length} requests answered before its nginx stopped (${atBlock[i]} before its LogService was refused); the LogService let through ${unblockedInTime.has(l.pod) ? "while its agent drained" : "too late: the pod was gone"}; in the LogService ${count.size}, missing ${missing.length}, twice ${twice.length}; records of pod ${[...new Set(records.map((r) => r.pod))].join(", ")}`,
                    );
                    expect(missing.slice(0, 20), `${l.pod}: answered requests never delivered`).to.deep.equal([]);
                    expect(unblockedInTime.has(l.pod), `${l.pod} still there to let the LogService through`).to.equal(
                        true,
                    );
                    expect(new Set(records.map((r) => r.pod))).to.deep.equal(new Set([l.pod]));
                    expect(twice.length, `${l.pod}: delivered twice`).to.be.at.most(AGENT.recordEveryLines);
                }
            } finally {
                forward.close();
            }
        } finally {
            for (const p of blocked) iptablesInPod("default", p, ["-D", "OUTPUT", ...RULE]);
            for (const l of loads) l.stop();
        }
    });
});
