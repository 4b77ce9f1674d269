// The log agent holds the destination's credentials, so it runs hardened in every profile (#34):
// under the default `baseline` profile, where nginx stays the seed's (root, port 80), the agent's
// process runs as uid 101 with no capability, seccomp on and a read-only root -- as the kubelet
// started it -- and still reads nginx's root-owned logs and delivers them into the LogService,
// where `npm run logs` (the stack's outputs, kubectl port-forward) finds them.
import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import * as path from "path";
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
    ROOT,
} from "./harness";
import { kwokNode, processStatus } from "./node";

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

    // The developer's loop (README): `npm run logs` in the project, nothing but the stack's name.
    const CLI = ["-r", "sucrase/register/ts", path.join(ROOT, "scripts", "logs.ts"), "--stack", "dev"];

    it("npm run logs -- --status 4xx --since 1h prints exactly the failed requests the test made, with their pod", () => {
        const run = Date.now().toString(36);
        const failed = [`/logs-cli-${run}-a`, `/logs-cli-${run}-b`];
        for (const p of failed) expect(requestInNginx("webserver", `http://localhost:80${p}`)).to.equal("404");
        expect(requestInNginx("webserver", "http://localhost:80/")).to.equal("200");
        let r: ReturnType<typeof spawnSync> | undefined;
        const asked = () =>
            (r = spawnSync("node", [...CLI, "--status", "4xx", "--since", "1h", "--json", `path:"/logs-cli-${run}"*`], {
                cwd: project!.dir,
                env: project!.env,
                encoding: "utf8",
                timeout: 120_000,
            }));
        const lines = () =>
            String(asked().stdout)
                .trim()
                .split("\n")
                .filter(Boolean)
                .map((l) => JSON.parse(l));
        return awaitProgress(async () => {
            const found = lines();
            return { done: found.length >= failed.length, progress: found.length };
        }).then(() => {
            const found = lines();
            report(
                `npm run logs -- --status 4xx: ${String(r!.stderr).trim()} ${JSON.stringify(found.map((x) => [x.pod, x.status, x.path]))}`,
            );
            expect(r!.status, String(r!.stderr)).to.equal(0);
            expect(found.map((x) => [x.pod, x.status, x.path]).sort()).to.deep.equal(
                failed.map((p) => ["webserver", "404", p]),
            );
            // The table form names the pod too.
            const table = spawnSync("node", [...CLI, "--status", "4xx", "--since", "1h", `path:"/logs-cli-${run}"*`], {
                cwd: project!.dir,
                env: project!.env,
                encoding: "utf8",
                timeout: 120_000,
            });
            expect(table.stdout.split("\n")[0]).to.match(/^time +pod +log +status +method +path +request_id +msg$/);
            expect(table.stdout.trim().split("\n").slice(1)).to.have.length(2);
        });
    });

    it("npm run logs -- --follow shows a request made after it started", async () => {
        const p = `/logs-follow-${Date.now().toString(36)}`;
        const tail = spawn("node", [...CLI, "--follow", "--json", `path:="${p}"`], {
            cwd: project!.dir,
            env: project!.env,
        });
        let out = "";
        let err = "";
        tail.stdout.on("data", (d) => (out += d));
        tail.stderr.on("data", (d) => (err += d));
        try {
            await until("the tail's start", 120_000, () => err.includes("logs: "));
            const made = Date.now();
            expect(requestInNginx("webserver", `http://localhost:80${p}`)).to.equal("404");
            await until("the request on the tail", 120_000, () => out.includes(p));
            report(`--follow: the request after ${((Date.now() - made) / 1000).toFixed(1)} s: ${out.trim()}`);
            expect(
                out
                    .trim()
                    .split("\n")
                    .map((l) => JSON.parse(l).path),
            ).to.deep.equal([p]);
        } finally {
            tail.kill("SIGINT");
        }
    });

    it("npm run logs on a stack without a LogService, or on no stack, says so", () => {
        project!.must(["stack", "init", "empty"], { quiet: true });
        try {
            const ask = (stack: string) =>
                spawnSync("node", [...CLI.slice(0, -2), "--stack", stack], {
                    cwd: project!.dir,
                    env: project!.env,
                    encoding: "utf8",
                });
            const empty = ask("empty");
            expect(empty.status).to.equal(1);
            expect(empty.stderr).to.match(/^error: stack empty has no LogService \(no logServiceName output\)/m);
            const none = ask("nonexistent");
            expect(none.status).to.equal(1);
            expect(none.stderr).to.match(/^error: pulumi stack output --stack nonexistent: .*nonexistent/m);
        } finally {
            project!.pulumi(["stack", "rm", "--yes", "--force", "empty"], { quiet: true });
            project!.must(["stack", "select", "dev"], { quiet: true });
        }
    });
});

/** Polls `probe` every 200 ms until it holds, for at most `ms`: the seconds waited. */
async function until(what: string, ms: number, probe: () => boolean): Promise<number> {
    const start = Date.now();
    while (!probe()) {
        if (Date.now() - start > ms) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
    return (Date.now() - start) / 1000;
}
