// The log agent holds the destination's credentials, so it runs hardened in every profile (#34):
// under the default `baseline` profile, where nginx stays the seed's (root, port 80), the agent's
// process runs as uid 101 with no capability, seccomp on and a read-only root -- as the kubelet
// started it -- and still reads nginx's root-owned logs and delivers them into the LogService.
import { expect } from "chai";
import { awaitProgress } from "../../scripts/lib/exec";
import { queryLogsQL } from "../../scripts/lib/victoriaLogs";
import {
    kubectl,
    logServiceVolume,
    portForward,
    Project,
    report,
    requestInNginx,
    requirePrerequisites,
} from "./harness";
import { kwokNode } from "./node";

/** What the kernel says of a container's first process, and whether its root takes a write. */
function processStatus(pod: string, container: string): string {
    const r = kubectl([
        "exec",
        pod,
        "-c",
        container,
        "--",
        "sh",
        "-c",
        "grep -E '^(Uid|CapEff|Seccomp):' /proc/1/status; touch /probe 2>&1 || true",
    ]);
    expect(r.code, r.out).to.equal(0);
    report(`${pod}/${container}: ${r.stdout.trim().replace(/\s+/g, " ")}`);
    return r.stdout;
}

describe("integration: the log agent under the baseline profile (pulumi up, the real node)", function () {
    this.timeout(20 * 60_000);
    let project: Project | undefined;
    let removeVolume = () => {};

    before(() => {
        requirePrerequisites();
        removeVolume = logServiceVolume("logs-agent-baseline");
        project = new Project("agent-baseline");
        project.must(["stack", "init", "dev"], { quiet: true });
        // The dev stack's settings, and a LogService the webserver delivers to (baseline: the default).
        project.must(["config", "set", "--stack", "dev", "webserver-sidecar:logService", "true"], { quiet: true });
        project.must(["up", "--yes", "--stack", "dev"]);
    });

    after(() => {
        try {
            project?.tearDown(["dev"], ["pod/webserver", "statefulset/logs", "service/logs"]);
        } finally {
            removeVolume();
        }
    });

    it("nginx runs as the seed's (root); the agent as uid 101, no capability, seccomp on, a read-only root", () => {
        const pod = JSON.parse(kubectl(["get", "pod", "webserver", "-o", "json"]).stdout);
        expect(kwokNode(pod.spec.nodeName), "on the real node").to.equal(false);
        expect(pod.status.phase).to.equal("Running");
        const nginx = processStatus("webserver", "nginx-container");
        expect(nginx).to.match(/^Uid:\s+0\s+0\s+0\s+0$/m);
        const agent = processStatus("webserver", "sidecar-container");
        expect(agent).to.match(/^Uid:\s+101\s+101\s+101\s+101$/m);
        expect(agent).to.match(/^CapEff:\s+0000000000000000$/m);
        expect(agent, "seccomp filter mode").to.match(/^Seccomp:\s+2$/m);
        expect(agent).to.match(/Read-only file system/);
    });

    it("the hardened agent reads nginx's root-owned logs and delivers them: a request found once in the LogService", async function () {
        this.timeout(5 * 60_000);
        const p = `/agent-baseline-${Date.now().toString(36)}`;
        expect(requestInNginx("webserver", `http://localhost:80${p}`)).to.equal("404");
        const forward = await portForward("svc/logs", 9428);
        try {
            const query = () => queryLogsQL(forward, `_time:1h log:access path:="${p}" | fields pod, status`);
            const { waited } = await awaitProgress(async () => {
                const found = await query();
                return { done: found.length > 0, progress: found.length };
            });
            // Counted once the request arrived, and again after: a duplicate arriving late shows.
            const records = await query();
            report(`LogsQL after ${waited.toFixed(1)} s: ${JSON.stringify(records)}`);
            expect(records).to.deep.equal([{ pod: "webserver", status: "404" }]);
        } finally {
            forward.close();
        }
    });
});
