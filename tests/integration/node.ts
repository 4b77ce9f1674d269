// What the cluster's nodes really run, read from the container runtime itself: on the local cluster
// the real node's containerd (ctr on its socket), on kind each node's (crictl inside the node's
// container). The suite compares the runtime's answer with what the API server and the engine
// report, so a value that only a fake node would give (kwok's) is never taken for a running
// container; values that come from kwok are labelled so by `kwokNode`.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubectl, report, ROOT } from "./harness";

type Mode = "kind" | "local" | "kwok";

/** Which cluster `npm run cluster:up` made here (scripts/cluster.sh mode). */
export function clusterMode(): Mode {
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "cluster.sh"), "mode"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`scripts/cluster.sh mode: ${r.stderr.trim()}`);
    return r.stdout.trim() as Mode;
}

/** Where scripts/cluster.sh keeps the local cluster's state: its logs, the node's kubelet and containerd. */
const clusterStateDir = (): string =>
    process.env.WEBSERVER_CLUSTER_DIR ?? path.join(os.homedir(), ".cache", "webserver-sidecar", "cluster");

/** The local cluster node's containerd socket (scripts/node.sh), and its ctr. */
function localSocket(): string {
    const state = clusterStateDir();
    return path.join(state, "node", "containerd", "containerd.sock");
}
const localCtr = () =>
    path.join(must("bash", [path.join(ROOT, "scripts", "tools.sh"), "dir", "containerd"]).trim(), "ctr");

/** The container engine kind's nodes run in. */
const kindEngine = () => (process.env.KIND_EXPERIMENTAL_PROVIDER === "podman" ? "podman" : "docker");

function must(cmd: string, args: string[]): string {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${`${r.stderr ?? r.error}`.trim()}`);
    return r.stdout;
}

/**
 * On the local node: the containers of pod `namespace/name` (its sandbox's among them) and the
 * runtime's tasks, each "ID PID STATUS", as containerd lists them.
 */
function localPodContainers(namespace: string, name: string, uid?: string): { ids: string[]; tasks: string[][] } {
    const ctr = localCtr();
    const socket = localSocket();
    // By uid when given: a pod deleted a moment ago under the same name may still have containers.
    const filter = uid
        ? `labels."io.kubernetes.pod.uid"==${uid}`
        : `labels."io.kubernetes.pod.name"==${name},labels."io.kubernetes.pod.namespace"==${namespace}`;
    const ids = must(ctr, ["--address", socket, "-n", "k8s.io", "containers", "list", "-q", filter]);
    const tasks = must(ctr, ["--address", socket, "-n", "k8s.io", "tasks", "list"]).split("\n").slice(1);
    return { ids: ids.split("\n").filter(Boolean), tasks: tasks.map((l) => l.trim().split(/\s+/)) };
}

/** The running containers of pod `namespace/name` as its node's runtime lists them (ids, no scheme). */
export function runtimeContainersOf(namespace: string, name: string): string[] {
    const mode = clusterMode();
    if (mode === "local") {
        const { ids, tasks } = localPodContainers(namespace, name);
        const running = new Set(tasks.map(([id]) => id));
        return ids.filter((id) => running.has(id));
    }
    if (mode === "kind") {
        const engine = kindEngine();
        const nodes = must("kind", ["get", "nodes", "--name", "webserver"]).split("\n").filter(Boolean);
        return nodes.flatMap((node) =>
            must(engine, [
                "exec",
                node,
                "crictl",
                "ps",
                "-q",
                "--no-trunc",
                "--label",
                `io.kubernetes.pod.name=${name}`,
                "--label",
                `io.kubernetes.pod.namespace=${namespace}`,
            ])
                .split("\n")
                .filter(Boolean),
        );
    }
    throw new Error("CLUSTER=kwok runs no container: the integration suite needs a real node (npm run cluster:up)");
}

/**
 * Runs `iptables ARGS` in the network namespace of pod `namespace/name` on its node (entered
 * through one of its containers' processes, the sandbox's included): a rule there is seen by that
 * pod alone. Returns the exit code (the pod may be gone by then).
 */
export function iptablesInPod(namespace: string, name: string, args: string[]): number {
    const mode = clusterMode();
    if (mode === "local") {
        // The pod of that name now: one deleted a moment ago may still have a running task.
        const uid = kubectl(["get", "pod", "-n", namespace, name, "-o", "jsonpath={.metadata.uid}"]).stdout.trim();
        if (!uid) return 1;
        const { ids, tasks } = localPodContainers(namespace, name, uid);
        const pid = tasks.find(([id, p, status]) => ids.includes(id) && status === "RUNNING" && Number(p) > 0)?.[1];
        if (!pid) return 1;
        return spawnSync("nsenter", ["-t", pid, "-n", "iptables", ...args], { encoding: "utf8" }).status ?? 1;
    }
    const engine = kindEngine();
    const script = `pid=$(crictl inspectp -o go-template --template '{{.info.pid}}' $(crictl pods -q --name ${name} --namespace ${namespace} --state ready | head -n 1)) && nsenter -t "$pid" -n iptables "$@"`;
    let code = 1;
    for (const node of must("kind", ["get", "nodes", "--name", "webserver"]).split("\n").filter(Boolean))
        code = Math.min(code, spawnSync(engine, ["exec", node, "sh", "-c", script, "sh", ...args]).status ?? 1);
    return code;
}

/** True when `node` is one of kwok's (nothing runs there; what it reports is kwok's). */
export function kwokNode(node: string): boolean {
    const r = kubectl(["get", "node", node, "-o", "jsonpath={.metadata.annotations.kwok\\.x-k8s\\.io/node}"]);
    return r.code === 0 && r.stdout.trim() === "fake";
}

/** The toleration that lets a pod onto the local cluster's kwok node (tainted so nothing lands there unasked). */
export const KWOK_TOLERATION = { key: "kwok.x-k8s.io/node", operator: "Exists", effect: "NoSchedule" } as const;

/** A container's exit as its node's runtime published it. */
export interface TaskExit {
    readonly containerId: string;
    /** Whether the container's own process exited (the container ended), not a process `kubectl exec` started in it. */
    readonly init: boolean;
    /** The runtime's exit time, seconds with nanoseconds. */
    readonly exitedAt: number;
    readonly status: number;
}

/**
 * Listens to the node runtime's event stream (`ctr events`) until `stop`, which resolves with the
 * containers' exits in the order the runtime published them.
 */
export function watchTaskExits(): { exits: () => TaskExit[]; stop: () => Promise<TaskExit[]> } {
    const mode = clusterMode();
    const children =
        mode === "local"
            ? [spawn(localCtr(), ["--address", localSocket(), "events"])]
            : must("kind", ["get", "nodes", "--name", "webserver"])
                  .split("\n")
                  .filter(Boolean)
                  .map((node) => spawn(kindEngine(), ["exec", node, "ctr", "-n", "k8s.io", "events"]));
    let text = "";
    for (const c of children) c.stdout.on("data", (d: Buffer) => (text += d.toString()));
    const exits = (): TaskExit[] =>
        text
            .split("\n")
            .filter((l) => l.includes(" /tasks/exit "))
            .map((l) => JSON.parse(l.slice(l.indexOf("{"))))
            .map((e) => ({
                containerId: e.container_id,
                init: e.id === e.container_id,
                exitedAt: Number(e.exited_at.seconds) + Number(e.exited_at.nanos ?? 0) / 1e9,
                status: e.exit_status ?? 0,
            }));
    return {
        /** The exits published so far. */
        exits,
        stop: async () => {
            for (const c of children) c.kill();
            await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(0) : c.on("exit", r)))));
            return exits();
        },
    };
}

/**
 * When the node's runtime sent each of `ids` its stop signal, and which: containerd's own log line
 * "Stop container ID with signal S" (the CRI's StopContainer, which the kubelet calls once the
 * container's preStop hook has returned; S is the image's STOPSIGNAL, `terminated` by default,
 * `quit` for nginx's image), in seconds since 1970 to the nanosecond. Absent: none logged.
 */
export function stopSignals(ids: string[]): Record<string, { at: number; signal: string } | undefined> {
    const mode = clusterMode();
    let log: string;
    if (mode === "local") {
        const state = clusterStateDir();
        log = fs.readFileSync(path.join(state, "containerd.log"), "utf8");
    } else {
        log = must("kind", ["get", "nodes", "--name", "webserver"])
            .split("\n")
            .filter(Boolean)
            .map((node) =>
                must(kindEngine(), ["exec", node, "journalctl", "-u", "containerd", "--no-pager", "-o", "cat"]),
            )
            .join("\n");
    }
    const found: Record<string, { at: number; signal: string } | undefined> = {};
    for (const id of ids) {
        const line = log.split("\n").find((l) => l.includes(`Stop container \\"${id}\\" with signal `));
        const m = line && /^time="([^"]+)".* with signal (\w+)/.exec(line);
        found[id] = m ? { at: rfc3339Seconds(m[1]), signal: m[2] } : undefined;
    }
    return found;
}

/** An RFC 3339 time with nanoseconds (containerd's log, `kubectl logs --timestamps`) in seconds since 1970, to the nanosecond. */
export function rfc3339Seconds(stamp: string): number {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
    if (!m) return NaN;
    return Date.parse(`${m[1]}${m[3]}`) / 1000 + Number(m[2] ?? 0);
}

/**
 * A file of pod `uid`'s emptyDir `volume` as its node holds it (read there, beside the pod: once a
 * pod's containers have stopped the API server lets nobody exec into it); undefined once it is gone.
 */
export function emptyDirFileOnNode(uid: string, volume: string, file: string): string | undefined {
    const rel = path.join("pods", uid, "volumes", "kubernetes.io~empty-dir", volume, file);
    if (clusterMode() === "local") {
        const state = clusterStateDir();
        try {
            return fs.readFileSync(path.join(state, "node", "kubelet", rel), "utf8");
        } catch {
            return undefined;
        }
    }
    for (const node of must("kind", ["get", "nodes", "--name", "webserver"]).split("\n").filter(Boolean)) {
        const r = spawnSync(kindEngine(), ["exec", node, "cat", path.join("/var/lib/kubelet", rel)], {
            encoding: "utf8",
        });
        if (r.status === 0) return r.stdout;
    }
    return undefined;
}

/** Whether the node still holds pod `uid`'s directory (its volumes: the emptyDir, the token). */
export function podDirOnNode(uid: string): boolean {
    const mode = clusterMode();
    if (mode === "local") {
        const state = clusterStateDir();
        return spawnSync("test", ["-e", path.join(state, "node", "kubelet", "pods", uid)]).status === 0;
    }
    return must("kind", ["get", "nodes", "--name", "webserver"])
        .split("\n")
        .filter(Boolean)
        .some(
            (node) =>
                spawnSync(kindEngine(), ["exec", node, "test", "-e", `/var/lib/kubelet/pods/${uid}`]).status === 0,
        );
}

/**
 * What the kernel says of a container's first process, as the runtime started it (`/proc/1/status`:
 * Uid, CapEff, Seccomp), and whether its root takes a write (`touch /probe`'s refusal, if any).
 * Printed; kubectl exec must succeed.
 */
export function processStatus(pod: string, container: string, namespace?: string): string {
    const r = kubectl([
        "exec",
        ...(namespace ? ["-n", namespace] : []),
        pod,
        "-c",
        container,
        "--",
        "sh",
        "-c",
        "grep -E '^(Uid|CapEff|Seccomp):' /proc/1/status; touch /probe 2>&1 || true",
    ]);
    if (r.code !== 0) throw new Error(`kubectl exec ${pod} -c ${container}: ${r.out}`);
    report(`${pod}/${container}: ${r.stdout.trim().replace(/\s+/g, " ")}`);
    return r.stdout;
}
