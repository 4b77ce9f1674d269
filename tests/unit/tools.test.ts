// scripts/tools.sh: every pin from tools/versions.env, a tool on PATH used as it is, a failed
// build named with its tool and log. (The real builds run in .ci/run's tools stage.)
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pinnedVersions } from "../../scripts/lib/tools";

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "tools.sh");

/** Runs tools.sh with a fresh cache and, in front of PATH, the given fake commands. */
function tools(fakes: Record<string, string>, ...args: string[]) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "tools-bin-"));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tools-cache-"));
    for (const [name, body] of Object.entries(fakes))
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const r = spawnSync("bash", [SCRIPT, ...args], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, WEBSERVER_TOOLS_CACHE: cache },
    });
    return { ...r, cache };
}

describe("scripts/tools.sh (npm run tools)", () => {
    const v = pinnedVersions();

    it("pins the CLI to the release of @pulumi/pulumi the program runs with", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        expect(v.PULUMI_VERSION).to.equal(pkg.devDependencies["@pulumi/pulumi"]);
        expect(Number(v.KUBERNETES_VERSION.split(".")[1])).to.be.at.least(33);
    });

    it("lists every tool with the version pinned in tools/versions.env", () => {
        const r = tools({}, "list");
        expect(r.status, r.stderr).to.equal(0);
        const lines = r.stdout.trim().split("\n");
        const byTool = Object.fromEntries(lines.map((l) => l.split(" ").slice(0, 2)));
        // The Node.js host is that release's plus the project's RunPlugin, keyed by both.
        expect(byTool["pulumi-language-nodejs"]).to.match(
            new RegExp(`^${v.PULUMI_NODEJS_HOST_VERSION.replace(/\./g, "\\.")}-runplugin\\.[0-9a-f]{10}$`),
        );
        byTool["pulumi-language-nodejs"] = v.PULUMI_NODEJS_HOST_VERSION;
        // Pulumi YAML's host with the Link answer its release lacks, keyed by both.
        expect(byTool["pulumi-language-yaml"]).to.match(
            new RegExp(`^${v.PULUMI_YAML_VERSION.replace(/\./g, "\\.")}-link\\.[0-9a-f]{10}$`),
        );
        byTool["pulumi-language-yaml"] = v.PULUMI_YAML_VERSION;
        expect(byTool["pulumi-language-python"]).to.match(
            new RegExp(`^${v.PULUMI_PYTHON_HOST_VERSION.replace(/\./g, "\\.")}-link\\.[0-9a-f]{10}$`),
        );
        byTool["pulumi-language-python"] = v.PULUMI_PYTHON_HOST_VERSION;
        // The provider of that release with 4.29's preview of a create applied, keyed by both.
        expect(byTool["pulumi-resource-kubernetes"]).to.match(
            new RegExp(`^${v.KUBERNETES_PROVIDER_VERSION.replace(/\./g, "\\.")}-previewcreate\\.[0-9a-f]{10}$`),
        );
        byTool["pulumi-resource-kubernetes"] = v.KUBERNETES_PROVIDER_VERSION;
        // Debian testing's rsyslog: keyed by the suite and its recipe (testing moves).
        expect(byTool["rsyslog-testing"]).to.match(new RegExp(`^${v.RSYSLOG_TESTING_SUITE}-[0-9a-f]{10}$`));
        byTool["rsyslog-testing"] = v.RSYSLOG_TESTING_SUITE;
        // The Go host put together from the CLI's release (tools/go-host), keyed by both.
        expect(byTool["pulumi-language-go"]).to.match(
            new RegExp(`^${v.PULUMI_VERSION.replace(/\./g, "\\.")}-gohost\\.[0-9a-f]{10}$`),
        );
        byTool["pulumi-language-go"] = v.PULUMI_VERSION;
        // runc with seccomp (libseccomp), keyed so.
        expect(byTool.runc).to.equal(`${v.RUNC_VERSION}-seccomp`);
        byTool.runc = v.RUNC_VERSION;
        expect(byTool).to.deep.equal({
            etcd: v.ETCD_VERSION,
            kube: v.KUBERNETES_VERSION,
            kwok: v.KWOK_VERSION,
            kubelet: v.KUBERNETES_VERSION,
            containerd: v.CONTAINERD_VERSION,
            runc: v.RUNC_VERSION,
            "cni-plugins": v.CNI_PLUGINS_VERSION,
            coredns: v.COREDNS_VERSION,
            crane: v.CRANE_VERSION,
            "local-path-provisioner": v.LOCAL_PATH_PROVISIONER_VERSION,
            "kube-network-policies": v.KUBE_NETWORK_POLICIES_VERSION,
            pulumi: v.PULUMI_VERSION,
            "pulumi-language-nodejs": v.PULUMI_NODEJS_HOST_VERSION,
            "pulumi-language-go": v.PULUMI_VERSION,
            "pulumi-language-java": v.PULUMI_JAVA_VERSION,
            "pulumi-language-python": v.PULUMI_PYTHON_HOST_VERSION,
            "pulumi-language-yaml": v.PULUMI_YAML_VERSION,
            "pulumi-resource-kubernetes": v.KUBERNETES_PROVIDER_VERSION,
            uutils: v.UUTILS_VERSION,
            victorialogs: v.VICTORIALOGS_VERSION,
            vmalert: v.VMALERT_VERSION,
            vmauth: v.VMAUTH_VERSION,
            otelcol: v.OTELCOL_VERSION,
            "rsyslog-testing": v.RSYSLOG_TESTING_SUITE,
        });
        // A fresh cache holds nothing (the fake PATH has none of them).
        for (const l of lines) expect(l, l).to.match(/ missing$/);
    });

    it("never puts uutils (a test userland) on the PATH it prints; `dir uutils` says how to build it when missing", () => {
        const p = tools({}, "path");
        expect(p.status, p.stderr).to.equal(0);
        expect(p.stdout)
            .to.contain(`pulumi-${v.PULUMI_VERSION}`)
            .and.not.contain("uutils")
            .and.not.contain("victoria")
            .and.not.contain("otelcol");
        const d = tools({}, "dir", "uutils");
        expect(d.status).to.not.equal(0);
        expect(d.stderr).to.contain(`uutils ${v.UUTILS_VERSION} is not built: run scripts/tools.sh install uutils`);
    });

    it("uses a tool already on PATH as it is, and leaves it out of the PATH it prints", () => {
        const r = tools({ pulumi: "echo v9.9.9" }, "list");
        expect(r.stdout).to.match(/^pulumi \S+ PATH$/m);
        const p = tools({ pulumi: "echo v9.9.9" }, "path");
        expect(p.stdout).to.not.contain(`pulumi-${v.PULUMI_VERSION}`);
        expect(p.stdout).to.contain(`kwok-${v.KWOK_VERSION}/bin`);
        const install = tools({ pulumi: "echo v9.9.9", go: "exit 0" }, "install", "pulumi");
        expect(install.status).to.equal(0);
        expect(install.stdout).to.match(/^pulumi: using .*\/pulumi from PATH$/m);
    });

    it("with WEBSERVER_PROVIDER_FROM_REGISTRY=1 leaves the Kubernetes provider to the engine: not built, not on PATH", () => {
        const env = (registry: boolean) => ({ ...process.env, WEBSERVER_PROVIDER_FROM_REGISTRY: registry ? "1" : "" });
        const run = (registry: boolean, ...args: string[]) => {
            const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tools-cache-"));
            // A Go that builds nothing: the provider must not get that far.
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "tools-bin-"));
            fs.writeFileSync(path.join(bin, "go"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
            return spawnSync("bash", [SCRIPT, ...args], {
                encoding: "utf8",
                env: { ...env(registry), PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, WEBSERVER_TOOLS_CACHE: cache },
            });
        };
        const provider = /pulumi-resource-kubernetes-[^:]*\/bin/;
        expect(run(false, "path").stdout).to.match(provider);
        expect(run(true, "path").stdout).to.not.match(provider);
        expect(run(true, "path").stdout, "the CLI and the hosts still").to.match(/\/pulumi-[0-9][^:]*\/bin/);
        const install = run(true, "install", "pulumi-resource-kubernetes");
        expect(install.status, install.stderr).to.equal(0);
        expect(install.stdout).to.contain("pulumi-resource-kubernetes: left to the engine");
        expect(run(true, "list").stdout).to.match(/^pulumi-resource-kubernetes \S+ engine$/m);
    });

    it("names the tool, its version and its log when a build fails", () => {
        const r = tools({ go: 'echo "go: module example: 403 Forbidden" >&2; exit 1' }, "install", "kwok");
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain("403 Forbidden");
        expect(r.stderr).to.match(
            new RegExp(`tools: building kwok ${v.KWOK_VERSION} failed \\(full log: .*build-kwok\\.log\\)`),
        );
        expect(fs.existsSync(path.join(r.cache, `kwok-${v.KWOK_VERSION}`)), "no half-built cache entry").to.equal(
            false,
        );
    });

    it("rejects an unknown tool by name", () => {
        const r = tools({ go: "exit 0" }, "install", "minikube");
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain("tools: unknown tool 'minikube'");
    });

    // What `go get` resolves without a version is whatever is newest that day: not reproducible.
    it("names a version for every module it fetches (go get, go install pkg@version)", () => {
        const text = fs.readFileSync(SCRIPT, "utf8");
        const unversioned: string[] = [];
        for (const line of text.split("\n").filter((l) => /\bgo (get|install)\b/.test(l) && !/^\s*#/.test(l)))
            for (const m of line.matchAll(/"?((?:[a-z0-9-]+\.)+[a-z]+\/[^\s"@)]+)(@[^\s")]+)?"?/g))
                if (!m[2] && !/^-X /.test(line.slice(Math.max(0, m.index! - 3), m.index))) unversioned.push(m[1]);
        expect(unversioned).to.deep.equal([]);
    });
});
