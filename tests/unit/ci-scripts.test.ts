// The scripts the workflows call, run here as GitHub would run them: the state backend chooser
// (scripts/ci/pulumi-backend.sh) and the preview comment (scripts/ci/preview-comment.js).
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SECRET_KEYS } from "../../program/stackConfig";

const ROOT = path.resolve(__dirname, "..", "..");
const postPreviewComment = require("../../scripts/ci/preview-comment.js");

/** Runs the backend chooser with only the given variables; returns its step outputs. */
function chooseBackend(env: Record<string, string>): { outputs: Record<string, string>; runnerTemp: string } {
    const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), "runner-temp-"));
    const outFile = path.join(runnerTemp, "github-output");
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "ci", "pulumi-backend.sh")], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outFile, ...env },
    });
    expect(r.status, r.stderr).to.equal(0);
    const outputs = Object.fromEntries(
        fs
            .readFileSync(outFile, "utf8")
            .trim()
            .split("\n")
            .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    return { outputs, runnerTemp };
}

describe("scripts/ci/pulumi-backend.sh", () => {
    it("without a configured backend: throw-away file:// state whose directory exists, and a note saying so", () => {
        const { outputs, runnerTemp } = chooseBackend({});
        expect(outputs.kind).to.equal("throwaway");
        expect(outputs.url).to.equal(`file://${runnerTemp}/pulumi-state`);
        expect(fs.statSync(outputs.url.slice("file://".length)).isDirectory()).to.equal(true);
        expect(outputs.note).to.contain("throw-away").and.contain("every resource shows as a create");
    });

    it("with the PULUMI_BACKEND_URL variable: that backend, persistent", () => {
        const { outputs } = chooseBackend({ STATE_BACKEND_URL: "s3://team-pulumi-state" });
        expect(outputs).to.deep.include({ url: "s3://team-pulumi-state", kind: "persistent" });
        expect(outputs.note).to.contain("`s3` backend").and.contain("last `pulumi up`");
    });

    it("names the stack the preview compares with, when the workflow gives it", () => {
        const { outputs } = chooseBackend({ STATE_BACKEND_URL: "s3://team-pulumi-state", STACK: "staging" });
        expect(outputs.note).to.contain("last `pulumi up` of stack `staging`");
    });

    it("with only a Pulumi Cloud token: Pulumi Cloud, persistent", () => {
        const { outputs } = chooseBackend({ PULUMI_ACCESS_TOKEN: "pul-123" });
        expect(outputs).to.deep.include({ url: "https://api.pulumi.com", kind: "persistent" });
        expect(JSON.stringify(outputs)).to.not.contain("pul-123");
    });

    it("a persistent file:// backend (self-hosted runner) is created too", () => {
        const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "state-")), "nested", "state");
        const { outputs } = chooseBackend({ STATE_BACKEND_URL: `file://${dir}` });
        expect(outputs.kind).to.equal("persistent");
        expect(fs.statSync(dir).isDirectory()).to.equal(true);
    });
});

describe("scripts/ci/preview-comment.js", () => {
    /** A stand-in for github-script's Octokit client, recording what the script does. */
    function fakeGithub(existing: Array<{ id: number; body: string }>) {
        const calls: Array<{ method: string; args: any }> = [];
        const listComments = async () => ({ data: existing });
        return {
            calls,
            github: {
                paginate: async (fn: any, args: any) => {
                    expect(fn).to.equal(listComments);
                    calls.push({ method: "list", args });
                    return existing;
                },
                rest: {
                    issues: {
                        listComments,
                        createComment: async (args: any) => {
                            calls.push({ method: "create", args });
                            return { data: { id: 99 } };
                        },
                        updateComment: async (args: any) => {
                            calls.push({ method: "update", args });
                            return { data: { id: args.comment_id } };
                        },
                    },
                },
            },
        };
    }
    const context = {
        repo: { owner: "acme", repo: "webserver-sidecar" },
        payload: { pull_request: { number: 7 } },
        serverUrl: "https://github.com",
        runId: 42,
    };
    const core = { info: () => undefined };
    const env = {
        STACK: "dev",
        NOTE: "State: throw-away ...",
        PREVIEW: "\u001b[1mPreviewing update (dev)\u001b[0m\n+ 2 to create",
    };

    it("creates one comment with the stack, the backend's note and the preview, without colour codes", async () => {
        const { github, calls } = fakeGithub([{ id: 1, body: "LGTM" }]);
        const body: string = await postPreviewComment({ github, context, core, env });
        expect(calls.map((c) => c.method)).to.deep.equal(["list", "create"]);
        expect(calls[1].args).to.deep.include({ owner: "acme", repo: "webserver-sidecar", issue_number: 7 });
        expect(body.startsWith(postPreviewComment.MARKER)).to.equal(true);
        expect(body).to.contain("stack `dev`").and.contain("State: throw-away").and.contain("+ 2 to create");
        expect(body).to.not.contain("\u001b[");
        expect(body).to.contain("https://github.com/acme/webserver-sidecar/actions/runs/42");
    });

    it("updates its own earlier comment instead of adding another", async () => {
        const { github, calls } = fakeGithub([
            { id: 1, body: "LGTM" },
            { id: 5, body: `${postPreviewComment.MARKER}\nold preview` },
        ]);
        await postPreviewComment({ github, context, core, env });
        expect(calls.map((c) => c.method)).to.deep.equal(["list", "update"]);
        expect(calls[1].args.comment_id).to.equal(5);
    });

    it("says so when the preview failed or did not run, naming the commit, so an earlier diff never looks current", async () => {
        const at = { ...context, payload: { pull_request: { number: 7, head: { sha: "0123456789abcdef0123" } } } };
        const failed: string = await postPreviewComment({
            github: fakeGithub([{ id: 5, body: `${postPreviewComment.MARKER}\nold preview` }]).github,
            context: at,
            core,
            env: { ...env, OUTCOME: "failure", PREVIEW: "error: preview failed" },
        });
        const heading = failed.split("\n")[1];
        expect(heading).to.contain("at 0123456789ab").and.contain("**failed**");
        expect(failed).to.contain("error: preview failed");
        const skipped: string = await postPreviewComment({
            github: fakeGithub([]).github,
            context: at,
            core,
            env: { ...env, OUTCOME: "skipped", PREVIEW: "" },
        });
        expect(skipped.split("\n")[1]).to.contain("**did not run**");
        const ok: string = await postPreviewComment({ github: fakeGithub([]).github, context: at, core, env });
        expect(ok.split("\n")[1]).to.not.contain("failed").and.not.contain("did not run");
    });

    /** A `pulumi preview --diff` as the CLI prints it (abridged), replacing what `replaced` lists. */
    const diffPreview = (replaced: Array<[type: string, id: string]>, updated: string[] = []) =>
        [
            "Previewing update (dev):",
            "  pulumi:pulumi:Stack: (same)",
            ...replaced.flatMap(([type, id]) => [
                `    +-${type}: (replace)`,
                `        [id=${id}]`,
                `        [urn=urn:pulumi:dev::webserver-sidecar::x$${type}::${id.split("/")[1]}-x]`,
                "      ~ spec: {",
                "        }",
            ]),
            ...updated.map((type) => `    ~ ${type}: (update)`),
            "Resources:",
            `    +-${replaced.length} to replace`,
        ].join("\n");
    const noticeOf = (body: string) => body.split("\n").filter((l) => l.startsWith("> "));

    it("announces a replaced Pod above the preview: its name, and that it and its unshipped lines go", () => {
        const output = diffPreview([["kubernetes:core/v1:Pod", "default/webserver"]]);
        const notice = noticeOf(postPreviewComment.commentBody({ stack: "dev", note: "n", output, runUrl: "u" }));
        expect(notice[1]).to.contain("**This change replaces objects instead of updating them in place**");
        expect(notice.slice(3)).to.deep.equal([
            "> - Pod `default/webserver`: the running Pod is deleted (before its replacement is created, when it keeps its name), so it serves nothing until the new one is ready, and log lines its sidecar has not shipped yet go with its `shared-logs` emptyDir.",
        ]);
    });

    it("names every replaced object that matters, once, and leaves out hashed ConfigMaps and updates", () => {
        const output = diffPreview(
            [
                ["kubernetes:core/v1:ConfigMap", "default/webserver-nginx-conf-1a2b3c4d"],
                ["kubernetes:apps/v1:StatefulSet", "logs/logs"],
                ["kubernetes:core/v1:Pod", "team-a/web"],
            ],
            ["kubernetes:apps/v1:Deployment"],
        );
        expect(postPreviewComment.replacementsOf(output).map((r: any) => `${r.kind} ${r.name}`)).to.deep.equal([
            "ConfigMap default/webserver-nginx-conf-1a2b3c4d",
            "StatefulSet logs/logs",
            "Pod team-a/web",
        ]);
        const notice = noticeOf(postPreviewComment.commentBody({ stack: "dev", note: "n", output, runUrl: "u" }));
        expect(notice.slice(3).map((l) => l.slice(0, l.indexOf(":")))).to.deep.equal([
            "> - StatefulSet `logs/logs`",
            "> - Pod `team-a/web`",
        ]);
    });

    it("reads the table form of a preview (no --diff) too, by the resource's Pulumi name", () => {
        const output = [
            "     Type                                       Name           Plan",
            "     pulumi:pulumi:Stack                        prod",
            " +-  ├─ kubernetes:core/v1:Pod                  webserver-pod  replace     [diff: ~spec]",
            "Resources:",
            "    +-1 to replace",
        ].join("\n");
        expect(postPreviewComment.replacementsOf(output)).to.deep.equal([
            { type: "kubernetes:core/v1:Pod", kind: "Pod", name: "webserver-pod" },
        ]);
    });

    it("announces nothing when nothing is replaced", () => {
        const output = diffPreview([], ["kubernetes:apps/v1:Deployment"]);
        const body: string = postPreviewComment.commentBody({ stack: "dev", note: "n", output, runUrl: "u" });
        expect(noticeOf(body)).to.deep.equal([]);
        expect(body).to.not.contain("[!WARNING]");
    });

    it("still announces a replacement when the long preview is trimmed to its end", () => {
        const output = `${diffPreview([["kubernetes:core/v1:Pod", "default/webserver"]])}\n${"x".repeat(100_000)}`;
        const body: string = postPreviewComment.commentBody({ stack: "dev", note: "n", output, runUrl: "u" });
        expect(body).to.contain("trimmed").and.contain("> - Pod `default/webserver`");
    });

    it("keeps a long preview under GitHub's comment limit, keeping its end (the summary)", () => {
        const output = `${"x".repeat(100_000)}\nResources:\n    + 2 to create`;
        const body: string = postPreviewComment.commentBody({ stack: "dev", note: "n", output, runUrl: "u" });
        expect(body.length).to.be.below(65_536);
        expect(body).to.contain("+ 2 to create").and.contain("trimmed");
    });
});

describe("scripts/ci/debian-packages.sh (.ci/run's install step)", () => {
    // The fakes' directory is the whole PATH, so the machine's own runc is not seen.
    const BASH = spawnSync("sh", ["-c", "command -v bash"], { encoding: "utf8" }).stdout.trim();
    /** Runs it with fake dpkg (nothing installed), apt-get (records its arguments) and, if asked, runc. */
    function install(withRunc: boolean | string, ...packages: string[]) {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "apt-bin-"));
        const calls = path.join(bin, "calls");
        const fake = (name: string, body: string) =>
            fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        fake("dpkg", "exit 1");
        fake("apt-get", `echo "apt-get $*" >> ${calls}`);
        fake("id", "echo 0");
        if (withRunc) fake(withRunc === true ? "runc" : withRunc, "exit 0");
        const r = spawnSync(BASH, [path.join(ROOT, "scripts", "ci", "debian-packages.sh"), ...packages], {
            encoding: "utf8",
            env: { PATH: bin },
        });
        expect(r.status, r.stderr).to.equal(0);
        return fs.readFileSync(calls, "utf8").trim().split("\n");
    }

    it("leaves runc alone where one is already there (Docker's, on GitHub's runners)", () => {
        expect(install(true, "podman", "runc", "curl")).to.deep.equal([
            "apt-get update -q",
            "apt-get install -y -q podman curl",
        ]);
    });

    it("leaves chromium alone where any Chromium or Chrome is there (GitHub's runners: google-chrome)", () => {
        for (const browser of ["google-chrome", "chromium-browser", "chromium"])
            expect(install(browser, "curl", "chromium"), browser).to.deep.equal([
                "apt-get update -q",
                "apt-get install -y -q curl",
            ]);
        expect(install(false, "curl", "chromium")).to.deep.equal([
            "apt-get update -q",
            "apt-get install -y -q curl chromium",
        ]);
    });

    it("leaves Maven and the JDK alone where mvn and javac are there (GitHub's runners carry their own)", () => {
        expect(install("mvn", "curl", "maven", "default-jdk-headless")).to.deep.equal([
            "apt-get update -q",
            "apt-get install -y -q curl default-jdk-headless",
        ]);
        expect(install("javac", "maven", "default-jdk-headless")).to.deep.equal([
            "apt-get update -q",
            "apt-get install -y -q maven",
        ]);
    });

    it("installs runc where there is none", () => {
        expect(install(false, "podman", "runc")).to.deep.equal([
            "apt-get update -q",
            "apt-get install -y -q podman runc",
        ]);
    });
});

/** A fake `pulumi` on PATH: records its arguments (and what `config set` read on stdin); `stack select` succeeds only for the stacks in `existing`, or with --create. */
function fakePulumi(existing: string[]): { bin: string; calls: () => string[] } {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-bin-"));
    const calls = path.join(bin, "calls");
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        `#!/bin/sh
echo "pulumi $*" >> ${calls}
case "$1 $2" in
  "stack select") case "$*" in *--create*) exit 0 ;; esac; for s in ${existing.join(" ")}; do [ "$3" = "$s" ] && exit 0; done; echo "error: no stack named '$3' found" >&2; exit 255 ;;
  "stack ls") printf '[%s]\n' '${existing.map((e) => `{"name": "${e}"}`).join(", ")}' ;;
  "config set") read -r v; echo "stdin: \${#v} characters, [0-9a-f] only: $(printf '%s' "$v" | tr -d '0-9a-f' | wc -c | tr -d ' ') others" >> ${calls} ;;
esac
exit 0
`,
        { mode: 0o755 },
    );
    return { bin, calls: () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : []) };
}

function runScript(script: string, args: string[], bin: string) {
    return spawnSync("bash", [path.join(ROOT, "scripts", "ci", script), ...args], {
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}` },
    });
}

describe("scripts/ci/require-stack.sh (preview.yml, persistent state)", () => {
    it("passes when the stack exists, saying which it compares with", () => {
        const p = fakePulumi(["dev", "prod"]);
        const r = runScript("require-stack.sh", ["s3://state", "prod"], p.bin);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.contain("comparing with stack 'prod' (s3 state)");
        expect(p.calls()).to.include("pulumi login s3://state");
    });

    it("stops, naming the stack and the ones there are, when it does not exist (no empty stack created)", () => {
        const p = fakePulumi(["dev"]);
        const r = runScript("require-stack.sh", ["s3://state", "stagin"], p.bin);
        expect(r.status).to.equal(1);
        expect(r.stdout).to.match(/^::error::stack 'stagin' does not exist/m);
        expect(r.stderr).to.contain("(there: dev )").and.contain("PULUMI_STACK");
        expect(p.calls().filter((c) => /init|--create|preview|up\b/.test(c))).to.deep.equal([]);
    });
});

describe("scripts/ci/throwaway-secrets.sh (preview.yml, throw-away state)", () => {
    it("creates the stack and sets each of the program's secret keys as a secret, from stdin: a password made there, never on a command line", () => {
        const p = fakePulumi([]);
        const r = runScript("throwaway-secrets.sh", ["file:///tmp/state", "prod"], p.bin);
        expect(r.status, r.stderr).to.equal(0);
        const keys = Object.values(SECRET_KEYS);
        expect(p.calls()).to.deep.equal([
            "pulumi login file:///tmp/state",
            "pulumi stack select prod --create --non-interactive",
            ...keys.flatMap((k) => [
                `pulumi config set --secret --stack prod webserver-sidecar:${k}`,
                "stdin: 48 characters, [0-9a-f] only: 0 others",
            ]),
        ]);
        // up.yml sets the same keys the same way.
        const up = fs.readFileSync(path.join(ROOT, ".github", "workflows", "up.yml"), "utf8");
        for (const k of keys)
            expect(up).to.contain(`openssl rand -hex 24 | pulumi config set --secret webserver-sidecar:${k}\n`);
    });
});

describe("scripts/ci/destroy-if-created.sh (up.yml's clean-up)", () => {
    it("destroys a stack that was created", () => {
        const p = fakePulumi(["prod"]);
        const r = runScript("destroy-if-created.sh", ["prod"], p.bin);
        expect(r.status, r.stderr).to.equal(0);
        expect(p.calls()).to.include("pulumi destroy --yes --skip-preview --non-interactive --stack prod");
    });

    it("succeeds without destroying when the stack never came up", () => {
        const p = fakePulumi(["dev"]);
        const r = runScript("destroy-if-created.sh", ["prod"], p.bin);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.contain("stack prod was never created: nothing to destroy");
        expect(p.calls().filter((c) => c.includes("destroy"))).to.deep.equal([]);
    });
});

describe("scripts/ci/pins.sh (the Pulumi CLI the workflows install)", () => {
    it("outputs the CLI pinned in tools/versions.env, the release @pulumi/pulumi is pinned to", () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pins-")), "github-output");
        const r = spawnSync("bash", [path.join(ROOT, "scripts", "ci", "pins.sh")], {
            encoding: "utf8",
            env: { PATH: process.env.PATH, GITHUB_OUTPUT: out },
        });
        expect(r.status, r.stderr).to.equal(0);
        const pinned = /^pulumi=(\d+\.\d+\.\d+)$/.exec(fs.readFileSync(out, "utf8").trim());
        expect(pinned, "pulumi=X.Y.Z").to.not.equal(null);
        const sdk = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies[
            "@pulumi/pulumi"
        ];
        expect(pinned![1]).to.equal(sdk);
    });
});
