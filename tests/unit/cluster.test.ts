// npm run cluster:up / cluster:down: kind where it runs, else the local control plane; one
// actionable line when what a mode needs is missing. (The local control plane itself runs in the
// integration suite: .ci/run starts it with this script.)
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "cluster.sh");

/** Runs cluster.sh with a PATH holding only the basics plus the given fake commands. */
function withTools(tools: Record<string, string>, ...args: string[]) {
    return withToolsIn(undefined, tools, ...args);
}

function withToolsIn(mode: string | undefined, tools: Record<string, string>, ...args: string[]) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "bin-"));
    for (const t of ["bash", "sed", "grep", "dirname", "cat", "cut", "rm", "sha256sum"]) {
        const real = spawnSync("sh", ["-c", `command -v ${t}`], { encoding: "utf8" }).stdout.trim();
        fs.symlinkSync(real, path.join(bin, t));
    }
    for (const [name, body] of Object.entries(tools))
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "home-"));
    return spawnSync(path.join(bin, "bash"), [SCRIPT, ...args], {
        encoding: "utf8",
        env: { PATH: bin, HOME: home, ...(mode ? { CLUSTER: mode } : {}) },
    });
}

describe("npm run cluster:up / cluster:down", () => {
    it("without kind, starts the local control plane, and says to build its tools first when they are missing", () => {
        const r = withTools({}, "up");
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.equal(
            "cluster: etcd is missing: run npm run tools (scripts/tools.sh install) first",
        );
    });

    it("with kind but no running container engine, says so and starts the local cluster with a real node", () => {
        const r = withTools({ kind: "exit 0", docker: "exit 1" }, "up");
        expect(r.status).to.equal(1);
        expect(r.stdout.trim()).to.equal(
            "cluster: not kind (no running container engine for kind (docker info and podman info failed)): the local control plane with a real node",
        );
        expect(r.stderr.trim()).to.equal(
            "cluster: etcd is missing: run npm run tools (scripts/tools.sh install) first",
        );
    });

    it("the real node needs root: without it, cluster:up stops naming CLUSTER=kwok, before starting anything", () => {
        const plane = Object.fromEntries(
            ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kubectl"].map((t) => [
                t,
                "exit 0",
            ]),
        );
        const r = withTools({ ...plane, id: "echo 1000" }, "up");
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.match(/^cluster: the local cluster's node needs root .*CLUSTER=kwok/);
    });

    it("CLUSTER=kind insists on kind, naming what is missing", () => {
        const r = withToolsIn("kind", { kind: "exit 0", docker: "exit 1" }, "up");
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.equal(
            "cluster: CLUSTER=kind, but no running container engine for kind (docker info and podman info failed)",
        );
    });

    it("rejects an unknown CLUSTER mode by name", () => {
        const r = withToolsIn("minikube", {}, "up");
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.equal("cluster: CLUSTER must be kind, local, kwok or auto, not 'minikube'");
    });

    it("down with nothing up says so for both modes and succeeds", () => {
        const r = withTools({}, "down");
        expect(r.status).to.equal(0);
        expect(r.stdout).to.contain("no kind cluster webserver");
        expect(r.stdout).to.contain("no local control plane");
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
