// What every integration test needs: the real tools (the Pulumi CLI, its language hosts, the
// Kubernetes provider, kubectl) and a Kubernetes API server, the project copied into a temporary
// directory with a throw-away file:// backend, and commands run the way a user runs them.
// Without a tool or a cluster the suite fails at once, naming what is missing and how to get it.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Forward, portForward as forward } from "../../scripts/lib/portForward";
import { RAW_REQUEST_SCRIPT } from "../../scripts/lib/pod";
import { randomBytes } from "crypto";
import { SECRET_KEYS } from "../../program/stackConfig";

export const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The files a user's checkout has that `pulumi up` reads (node_modules is linked, not copied): the
 * program in program/ (Pulumi.yaml, the stack files, index.ts), the component it imports, and the
 * root's package.json and tsconfig.json, which the program's directory takes from its parent.
 */
const PROJECT_FILES = ["package.json", "tsconfig.json", "components", "program"];

export function report(line: string): void {
    for (const l of line.split("\n")) console.log(`      | ${l}`);
}

/** PATH with the tools scripts/tools.sh built in front (a tool already on PATH wins inside it). */
function toolsPath(): string {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "tools.sh"), "path"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`scripts/tools.sh path failed: ${r.stderr.trim()}`);
    return [r.stdout.trim(), process.env.PATH ?? ""].filter(Boolean).join(":");
}

export interface Result {
    code: number;
    out: string;
    stdout: string;
    stderr: string;
}

/** The environment every command of the suite runs in: the tools, the cluster, no network plugins. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const PATH = toolsPath();
    const providerOnPath =
        spawnSync("sh", ["-c", "command -v pulumi-resource-kubernetes"], { env: { PATH } }).status === 0;
    return {
        ...process.env,
        PATH,
        // With the provider on PATH (npm run tools), nothing is to be downloaded, and this machine
        // could not: the engine is told not to try. Elsewhere it fetches the provider as for users.
        ...(providerOnPath && { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" }),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_CONFIG_PASSPHRASE: "integration-test",
        // The Pulumi CLI's colours would hide the text the tests read.
        NO_COLOR: "1",
        ...extra,
    };
}

export function sh(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Result {
    const r = spawnSync(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? baseEnv(),
        input: opts.input,
        encoding: "utf8",
        timeout: opts.timeoutMs ?? 10 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
    });
    if ((r.error as NodeJS.ErrnoException)?.code === "ENOENT") throw new Error(`${cmd} is not installed (not on PATH)`);
    const stdout = r.stdout ?? "";
    const stderr = r.stderr ?? "";
    return { code: r.status ?? -1, out: `${stdout}${stderr}`.trim(), stdout, stderr };
}

export function kubectl(args: string[]): Result {
    return sh("kubectl", args, { timeoutMs: 60_000 });
}

/**
 * curl in pod `pod` (its `container`, or its first), at most 5 s: "exit N, status S" -- curl's exit
 * code (28: no connection in time, e.g. a NetworkPolicy dropping it; 0: an answer) and the status.
 */
export function curlFrom(pod: string, url: string, container?: string): string {
    const r = kubectl([
        "exec",
        pod,
        ...(container ? ["-c", container] : []),
        "--",
        "curl",
        "-s",
        "-m",
        "5",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        url,
    ]);
    return `exit ${r.code}, status ${r.stdout.trim()}`;
}

/** Fails with every missing prerequisite and how to get it; never skips. */
export function requirePrerequisites(): void {
    const missing: string[] = [];
    const env = baseEnv();
    const probe = (cmd: string, args: string[]) => spawnSync(cmd, args, { env, encoding: "utf8", timeout: 60_000 });
    for (const [cmd, args] of [
        ["pulumi", ["version"]],
        ["pulumi-language-nodejs", ["-version"]],
        ["kubectl", ["version", "--client"]],
    ] as const) {
        const r = probe(cmd, [...args]);
        if ((r.error as NodeJS.ErrnoException)?.code === "ENOENT")
            missing.push(`${cmd} is not installed: run npm run tools`);
    }
    if (missing.length === 0) {
        const ready = probe("kubectl", ["get", "--raw", "/readyz"]);
        if (ready.status !== 0)
            missing.push(
                `no reachable Kubernetes API server in the current kube context (${`${ready.stderr}`.trim().split("\n").pop()}): run npm run cluster:up and export the KUBECONFIG it prints`,
            );
    }
    if (missing.length > 0) throw new Error(`cannot run the integration suite: ${missing.join("; ")}`);
}

/** A program's directory (`dir`, in `root`) with its own state backend, both removed by `dispose`. */
export class Workdir {
    /** The temporary directory: the checkout's root for a {@link Project}. */
    readonly root: string;
    /** Where the program is, and pulumi runs: `root`, or a directory of it. */
    readonly dir: string;
    readonly stateDir: string;
    env: NodeJS.ProcessEnv;

    constructor(label: string, programDir = ".") {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), `webserver-${label}-`));
        this.dir = path.join(this.root, programDir);
        this.stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `webserver-${label}-state-`));
        this.env = baseEnv({
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            // Plugins, credentials and logs of this run stay in it.
            PULUMI_HOME: path.join(this.stateDir, ".pulumi-home"),
        });
    }

    /** `pulumi ARGS` in the directory, as a user types it (`input` on its stdin); prints the command and its output. */
    pulumi(args: string[], opts: { quiet?: boolean; input?: string } = {}): Result {
        const started = Date.now();
        const r = sh("pulumi", args, { cwd: this.dir, env: this.env, input: opts.input });
        report(`$ pulumi ${args.join(" ")}   (exit ${r.code}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        if (!opts.quiet) report(r.out);
        return r;
    }

    /** Like `pulumi`, but throws with the output when the command fails. */
    must(args: string[], opts: { quiet?: boolean; input?: string } = {}): Result {
        const r = this.pulumi(args, opts);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.code}):\n${r.out.slice(-3000)}`);
        return r;
    }

    /**
     * Sets each of `values` (config key -> value) on `stack` as a secret, as a user does (`pulumi
     * config set --secret`); `namespace` qualifies the keys (the program's `webserver-sidecar`), or
     * they are the project's own (an example's).
     */
    setSecrets(stack: string, values: Readonly<Record<string, string>>, namespace?: string): void {
        // Each value on stdin, as up.yml pipes `openssl rand` in: never in a command line (ps) or the report.
        for (const [key, value] of Object.entries(values))
            this.must(["config", "set", "--stack", stack, "--secret", namespace ? `${namespace}:${key}` : key], {
                quiet: true,
                input: value,
            });
    }

    outputs(stack: string): Record<string, unknown> {
        return JSON.parse(this.must(["stack", "output", "--json", "--stack", stack], { quiet: true }).stdout);
    }

    /** Destroys and removes `stacks` (deleting `fallback` objects with kubectl when destroy fails), then the directories. */
    tearDown(stacks: string[], fallback: string[] = []): void {
        for (const stack of stacks) {
            const destroyed = this.pulumi(["destroy", "--yes", "--stack", stack], { quiet: true });
            // Destroy failed: delete what the stack would leave, and wait until it is gone, so the
            // next test does not meet it (a Pod of the same name still terminating, a field
            // manager's conflict); past a bound, without the grace period.
            if (destroyed.code !== 0 && fallback.length > 0) {
                const deleted = kubectl(["delete", ...fallback, "--ignore-not-found", "--wait", "--timeout=90s"]);
                if (deleted.code !== 0)
                    kubectl([
                        "delete",
                        ...fallback,
                        "--ignore-not-found",
                        "--grace-period=0",
                        "--force",
                        "--wait",
                        "--timeout=60s",
                    ]);
            }
            this.pulumi(["stack", "rm", "--yes", "--force", stack], { quiet: true });
        }
        this.dispose();
    }

    dispose(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
        fs.rmSync(this.stateDir, { recursive: true, force: true });
    }
}

/** A copy of the project (node_modules linked) with its own state backend; pulumi runs in its program/. */
export class Project extends Workdir {
    constructor(label: string) {
        super(label, "program");
        for (const f of PROJECT_FILES) fs.cpSync(path.join(ROOT, f), path.join(this.root, f), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.root, "node_modules"));
    }
}

/** The objects of `kinds` in `namespace` (or every namespace), as `kind/name` strings. */
/** A closed LogService's two passwords, fresh per call, by the program's secret key (logsIngestPassword, logsReaderPassword). */
export function logServicePasswords(): Record<(typeof SECRET_KEYS)[keyof typeof SECRET_KEYS], string> {
    return {
        [SECRET_KEYS.ingestPassword]: `ingest-${randomBytes(12).toString("hex")}`,
        [SECRET_KEYS.readerPassword]: `reader-${randomBytes(12).toString("hex")}`,
    } as Record<(typeof SECRET_KEYS)[keyof typeof SECRET_KEYS], string>;
}

export function objectsIn(
    namespace: string | undefined,
    kinds = "pods,deployments,services,poddisruptionbudgets,configmaps",
): string[] {
    const ns = namespace ? ["-n", namespace] : ["-A"];
    const r = kubectl(["get", kinds, ...ns, "-o", "name"]);
    if (r.code !== 0) throw new Error(`kubectl get ${kinds}: ${r.out}`);
    // kube-root-ca.crt is the ConfigMap the API server puts in every namespace; local-path's
    // helper pods come and go as claims an earlier test released are cleaned up.
    return r.stdout
        .split("\n")
        .filter(Boolean)
        .filter((n) => n !== "configmap/kube-root-ca.crt" && !n.startsWith("pod/helper-pod-"));
}

/** The cluster's default StorageClass, which provisions a claim that names none (kind's, the local node's). */
export function defaultStorageClass(): string | undefined {
    const r = kubectl(["get", "storageclass", "-o", "json"]);
    if (r.code !== 0) throw new Error(`kubectl get storageclass: ${r.out}`);
    const classes: any[] = JSON.parse(r.stdout).items;
    return classes.find((c) => c.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")
        ?.metadata.name;
}

/**
 * Storage for a LogService's claim (10Gi, ReadWriteOnce): where the cluster provisions claims (a
 * default StorageClass: kind's, the local node's local-path), nothing to do; on a cluster without
 * one (CLUSTER=kwok), a PersistentVolume as an administrator would provide. Returns how to remove
 * it and the claim the StatefulSet leaves behind (its data, which `pulumi destroy` keeps, as
 * StatefulSets do).
 */
export function logServiceVolume(name: string, namespace = "default"): () => void {
    // Waited for (within a bound): the next test's LogService takes a claim of the same name, which
    // must be gone, not terminating under it.
    const removeClaim = () =>
        kubectl(["delete", "pvc", "storage-logs-0", "-n", namespace, "--ignore-not-found", "--timeout=120s"]);
    const provisioner = defaultStorageClass();
    if (provisioner) {
        report(`claims provisioned by the default StorageClass ${provisioner}`);
        return removeClaim;
    }
    const pv = {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name },
        spec: {
            capacity: { storage: "10Gi" },
            accessModes: ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Retain",
            hostPath: { path: `/tmp/${name}` },
        },
    };
    const applied = sh("kubectl", ["apply", "-f", "-"], { input: JSON.stringify(pv), timeoutMs: 60_000 });
    if (applied.code !== 0) throw new Error(`kubectl apply the PersistentVolume ${name}: ${applied.out}`);
    return () => {
        removeClaim();
        kubectl(["delete", "pv", name, "--ignore-not-found", "--wait=false"]);
    };
}

/** `kubectl port-forward TARGET :PORT` (scripts/lib/portForward.ts) with the suite's environment, reporting where it listens. */
export async function portForward(target: string, port: number, namespace?: string): Promise<Forward> {
    const f = await forward(target, port, { namespace, env: baseEnv() });
    report(`kubectl port-forward ${target} ${f.port}:${port}`);
    return f;
}

/** `command` in pod `pod`'s nginx container (`kubectl exec`); throws with `what` and the output when it fails. */
function execInNginx(pod: string, command: string[], what: string, namespace?: string): Result {
    const r = kubectl([
        "exec",
        ...(namespace ? ["-n", namespace] : []),
        pod,
        "-c",
        "nginx-container",
        "--",
        ...command,
    ]);
    if (r.code !== 0) throw new Error(`kubectl exec ${pod} -- ${what}: ${r.out}`);
    return r;
}

/** A GET from inside pod `pod`'s nginx container (`kubectl exec ... curl`, as README shows): the HTTP status. */
export function requestInNginx(pod: string, url: string, namespace?: string): string {
    return execInNginx(pod, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url], `curl ${url}`, namespace)
        .stdout;
}

/**
 * A request line curl will not send (another HTTP version) to nginx in pod `pod`, through
 * `kubectl exec ... bash`: the status line's code (0: no answer).
 */
export function rawRequestInNginx(pod: string, requestLine: string, port: number, namespace?: string): number {
    const r = execInNginx(
        pod,
        ["bash", "-c", RAW_REQUEST_SCRIPT, String(port), requestLine],
        `bash (${requestLine})`,
        namespace,
    );
    return Number(r.stdout.trim() || 0);
}

/** `npm run logs -- --stack STACK` as node runs it: the developer's CLI of this checkout. */
export const logsCli = (stack = "dev"): string[] => [
    "-r",
    "sucrase/register/ts",
    path.join(ROOT, "scripts", "logs.ts"),
    "--stack",
    stack,
];

/** `npm run logs -- --stack dev --json ARGS` in `project`, as a developer runs it: its exit code, stderr and the records. */
export function logsRecords(project: Workdir, args: string[]) {
    const r = spawnSync("node", [...logsCli(), "--json", ...args], {
        cwd: project.dir,
        env: project.env,
        encoding: "utf8",
        timeout: 120_000,
    });
    const records: Array<Record<string, string>> = String(r.stdout)
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    return { status: r.status, stderr: String(r.stderr), records };
}

/** Requests made one after another inside a pod's nginx, until nginx stops (the exec ends with it). */
export interface NginxLoad {
    readonly pod: string;
    /** The path prefix of every request: `${tag}${n}`, n from 1. */
    readonly tag: string;
    /** The numbers of the requests answered so far (any status), as the exec printed them. */
    answered: () => number[];
    /** Whether the exec has ended: nginx's container stopped. */
    ended: () => boolean;
    stop: () => void;
}

/** Starts requests `${tag}1`, `${tag}2`, ... one after another in pod `pod`'s nginx container (`kubectl exec ... curl`). */
export function loadInNginx(pod: string, tag: string): NginxLoad {
    const child = spawn(
        "kubectl",
        [
            "exec",
            pod,
            "-c",
            "nginx-container",
            "--",
            "sh",
            "-c",
            `i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); c=$(curl -s -o /dev/null -w '%{http_code}' http://localhost:80${tag}$i) && echo "$c $i"; done`,
        ],
        { env: baseEnv() },
    );
    let out = "";
    let ended = false;
    child.stdout.on("data", (d) => (out += d));
    child.once("close", () => (ended = true));
    return {
        pod,
        tag,
        answered: () =>
            out
                .split("\n")
                .filter((l) => /^\d{3} \d+$/.test(l))
                .map((l) => Number(l.split(" ")[1])),
        ended: () => ended,
        stop: () => child.kill(),
    };
}
