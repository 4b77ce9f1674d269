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

    // Every Go tool builds from a go.mod and go.sum committed in tools/modules (checksums verified,
    // no version resolved at build time): `locks` checks them against tools/versions.env.
    describe("its committed build modules (tools/modules, `lock`, `locks`)", () => {
        const goTools = () =>
            tools({}, "list")
                .stdout.trim()
                .split("\n")
                .map((l) => l.split(" ")[0])
                .filter((t) => !["uutils", "rsyslog-testing"].includes(t));

        it("has a go.mod and a go.sum for every Go tool, requiring its modules at the versions tools/versions.env pins", () => {
            const r = tools({}, "locks");
            expect(r.status, r.stderr).to.equal(0);
            const keys = r.stdout
                .trim()
                .split("\n")
                .map((l) => l.split(":")[0]);
            for (const t of goTools())
                expect(
                    keys.some((k) => k === t || k.startsWith(`${t}/`)),
                    t,
                ).to.equal(true);
            for (const k of keys) {
                const dir = path.join(ROOT, "tools", "modules", k);
                const sum = fs.readFileSync(path.join(dir, "go.sum"), "utf8");
                expect(sum, `${k}/go.sum`).to.match(/ h1:[A-Za-z0-9+/=]{44}$/m);
                // Every module go.mod requires has its checksum there (a build with -mod=readonly needs it).
                const mod = fs.readFileSync(path.join(dir, "go.mod"), "utf8");
                // (A module replaced by another, k8s.io/kubernetes' staging modules at v0.0.0, has the other's.)
                const replaced = new Set([...mod.matchAll(/^\s*(?:replace\s+)?(\S+) => /gm)].map((r) => r[1]));
                for (const [, m, ver] of mod.matchAll(/^\s+(\S+) (v\S+)(?: \/\/ indirect)?$/gm))
                    if (!replaced.has(m)) expect(sum, `${k}: ${m} ${ver}`).to.contain(`${m} ${ver}/go.mod h1:`);
            }
            expect(r.stdout).to.contain(`crane: github.com/google/go-containerregistry@v${v.CRANE_VERSION}`);
            expect(r.stdout).to.contain(
                `pulumi-language-nodejs/inner: github.com/pulumi/pulumi/sdk/v3@v${v.PULUMI_NODEJS_HOST_VERSION}`,
            );
        });

        /** A copy of tools.sh with tools/ (versions.env and the modules), versions.env edited. */
        function copyWith(edit: (env: string) => string) {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "tools-repo-"));
            fs.mkdirSync(path.join(root, "scripts"));
            fs.copyFileSync(SCRIPT, path.join(root, "scripts", "tools.sh"));
            fs.cpSync(path.join(ROOT, "tools"), path.join(root, "tools"), { recursive: true });
            const env = path.join(root, "tools", "versions.env");
            fs.writeFileSync(env, edit(fs.readFileSync(env, "utf8")));
            return path.join(root, "scripts", "tools.sh");
        }
        function run(script: string, fakes: Record<string, string>, cache: string, ...args: string[]) {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "tools-bin-"));
            for (const [name, body] of Object.entries(fakes))
                fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
            return spawnSync("bash", [script, ...args], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, WEBSERVER_TOOLS_CACHE: cache },
            });
        }

        it("refuses to build from a lock that no longer matches tools/versions.env, naming the module and `lock`", () => {
            const script = copyWith((env) => env.replace(/^CRANE_VERSION=.*$/m, "CRANE_VERSION=0.99.0"));
            const calls = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tools-calls-")), "go");
            const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tools-cache-"));
            const fix = `tools/modules/crane requires github.com/google/go-containerregistry v${v.CRANE_VERSION}, tools/versions.env pins v0.99.0: scripts/tools.sh lock crane`;
            const locks = run(script, {}, cache, "locks");
            expect(locks.status).to.equal(1);
            expect(locks.stderr).to.contain(fix);
            const install = run(script, { go: `echo "$*" >>${calls}; exit 0` }, cache, "install", "crane");
            expect(install.status).to.equal(1);
            expect(install.stderr).to.contain(fix);
            expect(fs.existsSync(calls), "Go never ran").to.equal(false);
        });

        it("takes a cached binary only when the modules in its build info are those its go.sum pins", () => {
            const cache = fs.mkdtempSync(path.join(os.tmpdir(), "tools-cache-"));
            const bin = path.join(cache, `crane-${v.CRANE_VERSION}`, "bin");
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(bin, "crane"), "", { mode: 0o755 });
            const sum = fs.readFileSync(path.join(ROOT, "tools", "modules", "crane", "go.sum"), "utf8");
            const [mod, ver, h1] = sum
                .split("\n")
                .find((l) => / h1:/.test(l) && !/\/go\.mod /.test(l))!
                .split(" ");
            // go version -m's answer: the module and its checksum, as a binary built from the lock has them.
            const go = (hash: string) =>
                `if [ "$1 $2" = "version -m" ]; then printf '%s: go1.26\\n\\tpath\\tx\\n\\tdep\\t${mod}\\t${ver}\\t${hash}\\n' "$3"; exit 0; fi; echo "go $*: no network here" >&2; exit 1`;
            const same = run(SCRIPT, { go: go(h1) }, cache, "install", "crane");
            expect(same.status, same.stderr).to.equal(0);
            expect(same.stdout).to.contain(`crane ${v.CRANE_VERSION}: cached in ${bin}`);
            const other = run(SCRIPT, { go: go("h1:" + "A".repeat(43) + "=") }, cache, "install", "crane");
            expect(other.stdout).to.contain(
                `crane: ${bin}/crane was built from modules tools/modules/crane does not pin, e.g. ${mod} ${ver} h1:${"A".repeat(43)}=: rebuilding`,
            );
            expect(other.status, "the rebuild ran (and failed: no network in the fake Go)").to.equal(1);
            expect(other.stderr).to.contain("no network here");
        });

        it("resolves versions only when locking: no -mod=mod, every go get and go mod tidy behind `resolve`", () => {
            const text = fs.readFileSync(SCRIPT, "utf8");
            expect(text).to.not.contain("-mod=mod");
            expect(text).to.match(/GOFLAGS=-mod=readonly/);
            const unguarded = text
                .split("\n")
                .filter(
                    (l) =>
                        /\bgo (get|mod tidy)\b/.test(l) && !/^\s*#/.test(l) && !/\bresolve go (get|mod tidy)\b/.test(l),
                );
            expect(unguarded).to.deep.equal([]);
        });
    });
});
