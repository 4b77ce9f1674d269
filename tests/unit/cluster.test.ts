// npm run cluster:up / cluster:down fail with one actionable line when their tools are missing.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "cluster.sh");

/** Runs cluster.sh with a PATH holding only the basics plus the given fake commands. */
function withTools(tools: Record<string, string>, ...args: string[]) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "bin-"));
    for (const t of ["bash", "sed", "grep", "dirname", "cat"]) {
        const real = spawnSync("sh", ["-c", `command -v ${t}`], { encoding: "utf8" }).stdout.trim();
        fs.symlinkSync(real, path.join(bin, t));
    }
    for (const [name, body] of Object.entries(tools))
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return spawnSync(path.join(bin, "bash"), [SCRIPT, ...args], { encoding: "utf8", env: { PATH: bin } });
}

describe("npm run cluster:up / cluster:down", () => {
    it("says how to install kind when it is missing", () => {
        const r = withTools({}, "up");
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.match(/^error: kind is not installed; see https:\/\/kind\.sigs\.k8s\.io/);
    });

    it("says a container engine is needed when neither docker nor podman runs", () => {
        const r = withTools({ kind: "exit 0", docker: "exit 1" }, "up");
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.equal(
            "error: kind needs a running container engine: start Docker, or install podman (KIND_EXPERIMENTAL_PROVIDER=podman is then set for you)",
        );
    });

    it("creates the cluster from kind-config.yaml once, and deletes it idempotently", () => {
        const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kind-")), "calls");
        const state = `${log}.state`;
        const kind = `echo "kind $*" >> ${log}; [ "$1" = get ] && [ "$(cat ${state} 2>/dev/null)" = up ] && echo webserver
[ "$1" = create ] && echo up > ${state}; [ "$1" = delete ] && echo down > ${state}; exit 0`;
        const tools = { kind, docker: "exit 0", kubectl: "exit 0" };
        expect(withTools(tools, "up").stdout).to.contain("ready: kubectl context kind-webserver");
        expect(withTools(tools, "up").stdout).to.contain("kind cluster webserver exists");
        expect(withTools(tools, "down").status).to.equal(0);
        expect(withTools(tools, "down").stdout).to.contain("no kind cluster webserver");
        const calls = fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter((l) => !l.startsWith("kind get"));
        expect(calls.filter(Boolean)).to.deep.equal([
            "kind create cluster --config kind-config.yaml",
            "kind delete cluster --name webserver",
        ]);
    });
});
