// `npm run local` and `npm run local:down` as a user runs them: the outputs table, idempotence,
// and nothing left behind.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NGINX } from "../../components/defaults";
import { uiQueryUrls } from "../../components/logService/queries";
import { pageText, screenshot } from "../../scripts/lib/browser";
import { poll } from "../../scripts/lib/exec";
import { PLAYED_OPEN_NOTE, queryPlayed } from "../../scripts/lib/logServicePod";
import { rawRequestInPod, requestInPod } from "../../scripts/lib/pod";
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
    /** What the first test's run printed and played, for the links test. */
    let played: { ip: string; probe: string; out: string } | undefined;
    /** podman's volumes before the run: what local:down must leave as it found. */
    const volumes = () => podman(["volume", "ls", "--format", "{{.Name}}"]).stdout.split("\n").filter(Boolean);
    let existing = new Set<string>();
    before(() => {
        existing = new Set(volumes());
    });

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
        // Closed by default, played open on podman, and said so.
        expect(r.out).to.contain(`note: ${PLAYED_OPEN_NOTE}`);
        const ip = /^logService\s+logs-0\s+(\S+)/m.exec(r.out)![1];
        expect(r.out).to.contain(`destination        http://${ip}:9428/insert/elasticsearch?`);
        // The request it made, found by the query: its access line and nginx's error line for it.
        const probe = /^GET (\/local-check-\w+) answered 404/m.exec(r.out);
        expect(probe, r.out).to.not.equal(null);
        expect(r.out).to.match(new RegExp(`^  \\S+  access  GET ${probe![1]} HTTP/1.1 404$`, "m"));
        expect(r.out).to.match(new RegExp(`^  \\S+  error  .*open\\(\\) ".*${probe![1]}" failed`, "m"));
        // The web UI's ready questions, printed as links on the played LogService.
        const links = uiQueryUrls(`http://${ip}:9428/select/vmui/`);
        expect(r.out).to.contain(`  the last 24 hours:      ${links.last24h}\n`);
        expect(r.out).to.contain(`  5xx answers by pod:     ${links.errorsByPod}\n`);
        expect(r.out).to.contain(`  the slowest requests:   ${links.slowestRequests}\n`);
        played = { ip, probe: probe![1], out: r.out };
    });

    it("each printed link, opened in a real browser, shows the test's own requests", async () => {
        expect(played, "the run above").to.not.equal(undefined);
        const { ip, probe } = played!;
        const links = uiQueryUrls(`http://${ip}:9428/select/vmui/`);
        // Requests of the test's own, beside the probe: answered 200 and 505 (a request line of HTTP/3.0).
        const tag = `ui-${Date.now().toString(36)}`;
        const ok = [1, 2].map((i) => requestInPod("webserver", `/?${tag}=${i}`, NGINX.restrictedPort));
        const unsupported = [1, 2, 3].map((i) =>
            rawRequestInPod("webserver", `GET /${tag}-${i} HTTP/3.0`, NGINX.restrictedPort),
        );
        expect([...ok, ...unsupported]).to.deep.equal([200, 200, 505, 505, 505]);
        await poll("the test's requests in the LogService", 60_000, async () =>
            (await queryPlayed(ip, `_time:24h log:access "${tag}"`)).length === 5 ? true : undefined,
        );
        const dir = path.join(ROOT, "test-artifacts", "e2e");
        fs.mkdirSync(dir, { recursive: true });
        const seen: Record<string, string> = {};
        for (const [name, url] of Object.entries(links)) {
            seen[name] = pageText(url);
            const png = path.join(dir, `logs-ui-${name}.png`);
            screenshot(url, png);
            expect(fs.statSync(png).size, png).to.be.above(10_000);
            const shown = seen[name].slice(seen[name].indexOf("Total logs returned"));
            report(`${name}: ${url} -> screenshot ${path.relative(ROOT, png)}; the page: ${shown.slice(0, 600)}`);
        }
        // Every record of the last 24 hours: the probe and the test's own requests.
        expect(seen.last24h).to.contain(probe);
        for (const i of [1, 2, 3]) expect(seen.last24h).to.contain(`/${tag}-${i} HTTP/3.0 505`);
        // 5xx by pod: the webserver pod with exactly the test's three 505s.
        expect(seen.errorsByPod).to.match(/pod: webserver errors: 3\b/);
        // The slowest requests (all of them, here: fewer than 20): the test's and the probe, each its request line.
        for (const i of [1, 2]) expect(seen.slowestRequests).to.contain(`GET /?${tag}=${i} HTTP/1.1 200`);
        expect(seen.slowestRequests).to.contain(`GET ${probe} HTTP/1.1 404`);
    });

    it("local:down removes both pods and their volumes", () => {
        const down = npmRun("local:down", "--stack", "logs");
        expect(down.code, down.out).to.equal(0);
        expect(down.out).to.contain("removed pod webserver and its volumes");
        expect(down.out).to.contain("removed pod logs-0 and its volumes");
        const pods = podman(["pod", "ls", "--format", "{{.Name}}"]).stdout.split("\n");
        expect(pods.filter((n) => n === "webserver" || n === "logs-0")).to.deep.equal([]);
        // Every volume the run made is gone, the agent's config among them: its name carries the
        // hash of the config played, which named the LogService's pod IP (a render at down does not).
        expect(volumes().filter((n) => !existing.has(n))).to.deep.equal([]);
    });
});
