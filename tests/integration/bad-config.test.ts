// A mistake in stack config stops `pulumi up` with the component's own message, before anything
// reaches the API server; and an unknown key is named with the key that was meant.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { objectsIn, Project, requirePrerequisites, Workdir } from "./harness";

describe("integration: a bad value in stack config (pulumi up)", function () {
    this.timeout(10 * 60_000);
    let project: Project | undefined;

    before(() => {
        requirePrerequisites();
        project = new Project("mistake");
        project.must(["stack", "init", "dev"], { quiet: true });
    });

    after(() => project?.tearDown(["dev"]));

    it("fails with the component's message naming the option and the value; the API server holds nothing", () => {
        const before = objectsIn(undefined);
        project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:podName", "Web_Server"], { quiet: true });
        const up = project!.pulumi(["up", "--yes", "--stack", "dev"]);
        expect(up.code).to.not.equal(0);
        expect(up.out).to.match(/podName/);
        expect(up.out).to.contain('"Web_Server"');
        expect(up.out).to.match(/DNS-1123 label/);
        expect(objectsIn(undefined)).to.deep.equal(before);
    });

    it("names an unknown key with the key that was meant", () => {
        project!.must(["config", "rm", "--stack", "dev", "webserver-sidecar:podName"], { quiet: true });
        project!.must(["config", "set", "--stack", "dev", "webserver-sidecar:replica", "3"], { quiet: true });
        const up = project!.pulumi(["up", "--yes", "--stack", "dev"]);
        expect(up.code).to.not.equal(0);
        expect(up.out).to.match(/replica\b/);
        expect(up.out).to.match(/did you mean .*replicas/);
    });

    it("refuses a secret option (set with --secret, --path included), naming the key, never showing the value", () => {
        project!.must(["config", "rm", "--stack", "dev", "webserver-sidecar:replica"], { quiet: true });
        const token = "tok-4f1c9e0b77d2";
        project!.must(
            [
                "config",
                "set",
                "--stack",
                "dev",
                "--secret",
                "--path",
                "webserver-sidecar:destination.elasticsearch.url",
                `http://es.example.com:9200/?api_key=${token}`,
            ],
            { quiet: true },
        );
        const before = objectsIn(undefined);
        const preview = project!.pulumi(["preview", "--stack", "dev"]);
        const up = project!.pulumi(["up", "--yes", "--stack", "dev"]);
        const said = preview.out.split("\n").find((l) => l.includes("is a secret"));
        console.log(`      | preview: exit ${preview.code}: ${said?.trim()}`);
        for (const r of [preview, up]) {
            expect(r.code).to.not.equal(0);
            expect(r.out).to.contain(
                "webserver-sidecar:destination is a secret (value not shown), but it would be written in plain text into the log agent's ConfigMap (rsyslog.conf) and environment",
            );
            expect(r.out).to.contain("destination.elasticsearch.auth.basicAuthSecret");
            expect(r.out).to.not.contain(token);
        }
        expect(objectsIn(undefined)).to.deep.equal(before);
        project!.must(["config", "rm", "--stack", "dev", "webserver-sidecar:destination"], { quiet: true });
    });

    // Why Pulumi.yaml declares only podName, nativeSidecar and production (README, "Stack config"):
    // the CLI types object options, but a declared key without a default is then required in every
    // stack, and a default would reach the program as if written (retention: {} turns retention on).
    it("the CLI takes `type: object` in project config, and then requires the key in every stack", () => {
        const w = new Workdir("object-config");
        try {
            fs.writeFileSync(
                path.join(w.dir, "Pulumi.yaml"),
                "name: objcfg\nruntime: yaml\nconfig:\n  labels:\n    type: object\noutputs:\n  l: ${labels}\n",
            );
            w.must(["stack", "init", "dev"], { quiet: true });
            const stackFile = path.join(w.dir, "Pulumi.dev.yaml");
            fs.writeFileSync(stackFile, "config:\n  objcfg:labels:\n    team: web\n");
            const map = w.pulumi(["preview", "--stack", "dev"]);
            fs.writeFileSync(stackFile, "config:\n  objcfg:labels: team=web\n");
            const text = w.pulumi(["preview", "--stack", "dev"]);
            fs.writeFileSync(stackFile, "config: {}\n");
            const none = w.pulumi(["preview", "--stack", "dev"]);
            expect(map.code, map.out).to.equal(0);
            expect(text.code).to.not.equal(0);
            expect(text.out).to.contain("configuration key 'labels' must be of type 'object'");
            expect(none.code).to.not.equal(0);
            expect(none.out).to.contain("missing configuration value 'labels'");
        } finally {
            w.tearDown(["dev"]);
        }
    });
});
