// `npm run local` and `npm run local:down` as a user runs them: the outputs table, idempotence,
// and nothing left behind.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { podman } from "../../scripts/lib/podman";
import { report } from "./harness";

const ROOT = path.resolve(__dirname, "..", "..");

function npmRun(script: string, ...args: string[]): { code: number; out: string } {
    const r = spawnSync("npm", ["run", "-s", script, ...(args.length ? ["--", ...args] : [])], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 600_000,
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function leftovers(): string[] {
    const pods = podman(["pod", "ls", "--format", "{{.Name}}"])
        .stdout.split("\n")
        .filter((n) => n === "webserver");
    const containers = podman(["ps", "-a", "--format", "{{.Names}}"])
        .stdout.split("\n")
        .filter((n) => n.startsWith("webserver-"));
    const volumes = podman(["volume", "ls", "--format", "{{.Name}}"])
        .stdout.split("\n")
        .filter((n) => n === "shared-logs");
    return [...pods, ...containers, ...volumes];
}

describe("e2e: npm run local / local:down", function () {
    this.timeout(15 * 60_000);

    after(() => {
        const down = npmRun("local:down");
        expect(down.code, down.out).to.equal(0);
    });

    it("prints the pod IP and 2/2 Running, twice in a row (it replaces the earlier pod)", () => {
        for (const round of [1, 2]) {
            const r = npmRun("local");
            expect(r.code, r.out).to.equal(0);
            expect(r.out).to.match(/^podIp\s+\d+\.\d+\.\d+\.\d+$/m);
            expect(r.out).to.match(/^podStatus\s+Running$/m);
            expect(r.out).to.match(/^readyContainers\s+2\/2$/m);
            report(
                `npm run local #${round}: ${r.out
                    .split("\n")
                    .filter((l) => /^(podIp|readyContainers|nginx-container|sidecar-container)\s/.test(l))
                    .join(" | ")}`,
            );
        }
    });

    it("local:down leaves no pod, container or volume, and says so when run again", () => {
        const first = npmRun("local:down");
        expect(first.code, first.out).to.equal(0);
        expect(first.out).to.contain("removed pod webserver and its volumes");
        expect(leftovers()).to.deep.equal([]);
        const again = npmRun("local:down");
        expect(again.code).to.equal(0);
        expect(again.out).to.contain("nothing to remove (no pod webserver)");
    });
});

describe("e2e: npm run local -- --stack logs (the webserver delivering to a LogService)", function () {
    this.timeout(15 * 60_000);

    after(() => {
        const down = npmRun("local:down", "--stack", "logs");
        expect(down.code, down.out).to.equal(0);
    });

    it("plays VictoriaLogs and the webserver, and ends with the query for the last 24 hours finding a request", () => {
        const r = npmRun("local", "--stack", "logs");
        report(
            r.out
                .split("\n")
                .filter((l) => /^(logService|victoria-logs|destination| {2}\S)/.test(l))
                .join(" | "),
        );
        expect(r.code, r.out).to.equal(0);
        expect(r.out).to.match(/^logService\s+logs-0\s+\d+\.\d+\.\d+\.\d+\s+Running\s+1\/1$/m);
        const ip = /^logService\s+logs-0\s+(\S+)/m.exec(r.out)![1];
        expect(r.out).to.contain(`destination        http://${ip}:9428/insert/elasticsearch?`);
        // The request it made, found by the query: its access line and nginx's error line for it.
        const probe = /^GET (\/local-check-\w+) answered 404/m.exec(r.out);
        expect(probe, r.out).to.not.equal(null);
        expect(r.out).to.match(new RegExp(`^  \\S+  access  GET ${probe![1]} HTTP/1.1 404$`, "m"));
        expect(r.out).to.match(new RegExp(`^  \\S+  error  .*open\\(\\) ".*${probe![1]}" failed`, "m"));
        expect(r.out).to.contain(`http://${ip}:9428/select/vmui/?query=_time%3A24h`);
    });

    it("local:down removes both pods and their volumes", () => {
        const down = npmRun("local:down", "--stack", "logs");
        expect(down.code, down.out).to.equal(0);
        expect(down.out).to.contain("removed pod webserver and its volumes");
        expect(down.out).to.contain("removed pod logs-0 and its volumes");
        const pods = podman(["pod", "ls", "--format", "{{.Name}}"]).stdout.split("\n");
        expect(pods.filter((n) => n === "webserver" || n === "logs-0")).to.deep.equal([]);
        const volumes = podman(["volume", "ls", "--format", "{{.Name}}"]).stdout.split("\n");
        expect(volumes.filter((n) => n === "logs-0-storage" || n === "shared-logs")).to.deep.equal([]);
    });
});
