// Plays a rendered Pod on podman (`podman kube play`) with Kubernetes' emptyDir semantics,
// waits for it, reads its state as the stack outputs report it, and removes it again.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { poll, run } from "./exec";
import { podman } from "./podman";
import { toYaml } from "./render";
import { KubeObject } from "./schema";

export interface PodInfo {
    podName: string;
    podIp: string;
    /** Kubernetes-style phase derived from the containers: Running, Pending or Failed. */
    podStatus: string;
    /** Running containers over containers in the spec, as `kubectl get pod` shows READY. */
    readyContainers: string;
    containers: Array<{ name: string; state: string }>;
}

export function thePod(objects: KubeObject[]): KubeObject & { spec: any } {
    const pods = objects.filter((o) => o.kind === "Pod");
    if (pods.length !== 1) throw new Error(`expected one Pod in the render, found ${pods.length}`);
    return pods[0] as KubeObject & { spec: any };
}

/** The pod spec a render declares: the Pod's, or the Deployment's pod template's. */
export function podSpecOf(objects: KubeObject[]): any {
    const d = objects.find((o) => o.kind === "Deployment") as any;
    return d ? d.spec.template.spec : thePod(objects).spec;
}

/**
 * The pods a render declares, as podman plays them: the Pod itself; or, for a Deployment, its pod
 * template once per replica, as Pods named `<deployment>-<i>` (a cluster names them
 * `<deployment>-<hash>-<random>`). podman 4.3 plays a Deployment's replicas with one volume per
 * emptyDir name, shared by all of them; here each replica's emptyDirs are its own
 * (`<pod>-<volume>`), as a kubelet gives each pod its own. Services and PodDisruptionBudgets have
 * no podman equivalent and are not played.
 */
export function podsOf(objects: KubeObject[]): Array<KubeObject & { spec: any }> {
    const d = objects.find((o) => o.kind === "Deployment") as any;
    if (!d) return [thePod(objects)];
    return Array.from({ length: d.spec.replicas }, (_, i) => {
        const name = `${d.metadata.name}-${i}`;
        const spec = withOwnEmptyDirs(d.spec.template.spec, name);
        return {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
                name,
                ...(d.metadata.namespace && { namespace: d.metadata.namespace }),
                ...d.spec.template.metadata,
            },
            spec,
        };
    });
}

/**
 * podman 4.3 publishes each `containerPort` on the host (a kubelet does not), so two replicas
 * would fight over one host port: the played copy leaves `ports` out. They are informational in
 * Kubernetes; nginx listens on its port either way, at the pod's IP.
 */
function withoutPorts(o: KubeObject): KubeObject {
    if (o.kind !== "Pod") return o;
    const pod = structuredClone(o) as any;
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) delete c.ports;
    return pod;
}

/**
 * podman 4.3's downward API knows metadata.name but not metadata.namespace or spec.nodeName (it
 * refuses the pod): the played copy gets what a kubelet would fill in, as plain values -- the
 * namespace the Pod names (or "default") and this machine's name, the node it runs on.
 */
function withDownwardValues(o: KubeObject): KubeObject {
    if (o.kind !== "Pod") return o;
    const pod = structuredClone(o) as any;
    const values: Record<string, string> = {
        "metadata.namespace": pod.metadata.namespace ?? "default",
        "spec.nodeName": os.hostname(),
    };
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers])
        for (const e of c.env ?? []) {
            const field = e.valueFrom?.fieldRef?.fieldPath;
            if (field in values) {
                e.value = values[field];
                delete e.valueFrom;
            }
        }
    return pod;
}

/**
 * A copy of a pod spec whose emptyDirs are named `<pod>-<volume>`: podman 4.3 names an emptyDir's
 * volume after the volume, so pods played side by side would otherwise share one.
 */
export function withOwnEmptyDirs(podSpec: any, podName: string): any {
    const spec = structuredClone(podSpec);
    const renamed = new Map<string, string>();
    for (const v of spec.volumes ?? []) {
        if (v.emptyDir === undefined) continue;
        renamed.set(v.name, `${podName}-${v.name}`);
        v.name = renamed.get(v.name);
    }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers])
        for (const m of c.volumeMounts ?? []) m.name = renamed.get(m.name) ?? m.name;
    return spec;
}

/** What podman plays for one pod of a render: the ConfigMaps it may mount, and the pod. */
export function objectsForPod(objects: KubeObject[], pod: KubeObject): KubeObject[] {
    return [...objects.filter((o) => o.kind === "ConfigMap"), pod];
}

/** Podman names a played container `<pod>-<container>`. */
export function containerName(pod: string, container: string): string {
    return `${pod}-${container}`;
}

function volumesOf(pod: KubeObject & { spec: any }, type: "emptyDir" | "configMap"): string[] {
    return (pod.spec.volumes ?? [])
        .filter((v: any) => v[type] !== undefined)
        .map((v: any) => (type === "configMap" ? v.configMap.name : v.name));
}

/** Where a podman volume's files are on this machine. */
export function volumeMountpoint(name: string): string {
    return podman(["volume", "inspect", name, "--format", "{{.Mountpoint}}"]).stdout.trim();
}

/** The pod's state now, or undefined when there is no such pod. */
export function podInfo(podName: string): PodInfo | undefined {
    const r = podman(["pod", "inspect", podName], { allowFail: true });
    if (r.code !== 0) return undefined;
    const parsed = JSON.parse(r.stdout);
    const pod = Array.isArray(parsed) ? parsed[0] : parsed;
    const containers = (pod.Containers ?? [])
        .filter((c: any) => c.Id !== pod.InfraContainerID)
        .map((c: any) => ({ name: String(c.Name), state: String(c.State) }));
    const running = containers.filter((c: { state: string }) => c.state === "running").length;
    const podIp = pod.InfraContainerID
        ? podman([
              "inspect",
              pod.InfraContainerID,
              "--format",
              "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
          ]).stdout.trim()
        : "";
    const failed = containers.some((c: { state: string }) => c.state === "exited" || c.state === "stopped");
    return {
        podName,
        podIp,
        podStatus: running === containers.length && running > 0 ? "Running" : failed ? "Failed" : "Pending",
        readyContainers: `${running}/${containers.length}`,
        containers,
    };
}

/**
 * `podman pod rm --force`, tried again (at most three times) when podman 4.3 races a container's
 * restart policy: a container that exits on the stop's TERM is restarted, and the removal then
 * fails with "container state improper".
 */
function removePod(name: string): void {
    for (let attempt = 1; ; attempt++) {
        const r = podman(["pod", "rm", "--force", "--time", "1", name], { allowFail: true });
        if (r.code === 0 || podInfo(name) === undefined) return;
        if (attempt === 3) throw new Error(`podman pod rm ${name} failed 3 times: ${r.stderr.trim()}`);
        spawnSync("sleep", ["1"]);
    }
}

/** Removes the pod, its containers and its volumes. Idempotent: returns false when there was nothing to remove. */
/** The named volumes the containers of pod `name` mount, as podman played them. */
function playedVolumes(name: string): string[] {
    const ids = podman(["ps", "-a", "--filter", `pod=${name}`, "--format", "{{.ID}}"], { allowFail: true })
        .stdout.split("\n")
        .filter(Boolean);
    const names = ids.flatMap((id) =>
        podman(["inspect", id, "--format", '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}'], {
            allowFail: true,
        })
            .stdout.split(/\s+/)
            .filter(Boolean),
    );
    return [...new Set(names)];
}

export function downPod(objects: KubeObject[]): boolean {
    const pod = thePod(objects);
    const name = pod.metadata.name;
    const existed = podInfo(name) !== undefined;
    // What the pod mounts as played: a ConfigMap's volume is named by its config's hash, and the
    // config played may differ from the one rendered now (the LogService's pod IP, a changed stack).
    const played = existed ? playedVolumes(name) : [];
    if (existed) removePod(name);
    // `kube down` would leave ConfigMap volumes and volumes we created ourselves; remove them by name.
    // A ConfigMap's volume is shared by the replicas of a Deployment: removed only when no other
    // pod's container still uses it (`--force` would remove those containers too).
    let removed = existed;
    for (const v of volumesOf(pod, "emptyDir")) {
        if (podman(["volume", "exists", v], { allowFail: true }).code === 0) {
            podman(["volume", "rm", "--force", v]);
            removed = true;
        }
    }
    for (const v of new Set([...volumesOf(pod, "configMap"), ...played])) {
        if (podman(["volume", "exists", v], { allowFail: true }).code === 0)
            removed = podman(["volume", "rm", v], { allowFail: true }).code === 0 || removed;
    }
    return removed;
}

export interface PlayOptions {
    /** How long to wait for every container to run. @default 120 s */
    timeoutMs?: number;
    log?: (line: string) => void;
}

/**
 * Replaces any earlier pod of the same name, plays the objects, and waits until every
 * container runs. Kubernetes semantics that podman lacks are set up here:
 *  - an emptyDir starts empty (podman would copy the image's files into a new volume: the
 *    nginx image's access.log -> /dev/stdout symlinks would then hide the logs), and
 *  - an emptyDir is world-writable (0777) as the kubelet makes it; podman makes it 0755 root.
 */
export async function playPod(objects: KubeObject[], options: PlayOptions = {}): Promise<PodInfo> {
    const log = options.log ?? console.log;
    const pod = thePod(objects);
    const name = pod.metadata.name;
    if ((pod.spec.initContainers ?? []).some((c: { restartPolicy?: string }) => c.restartPolicy === "Always")) {
        throw new Error(
            "podman kube play runs init containers to completion, so a native sidecar (nativeSidecar: true) " +
                "never lets nginx start; play it on a Kubernetes 1.29+ cluster, or set nativeSidecar: false here",
        );
    }
    downPod(objects);
    for (const v of volumesOf(pod, "emptyDir")) {
        podman(["volume", "create", "--opt", "nocopy", v]);
        fs.chmodSync(volumeMountpoint(v), 0o777);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webserver-play-"));
    const file = path.join(dir, "pod.yaml");
    fs.writeFileSync(file, toYaml(objects.map(withoutPorts).map(withDownwardValues)));
    try {
        log(`podman kube play (pod ${name}) ...`);
        const played = podman(["kube", "play", file], { allowFail: true });
        // podman chowns a volume to the mount point's owner on first use; give it Kubernetes' mode back.
        for (const v of volumesOf(pod, "emptyDir")) fs.chmodSync(volumeMountpoint(v), 0o777);
        if (played.code !== 0) {
            // A pod it could not fully create stays behind: take it down before reporting.
            if (podInfo(name) !== undefined) downPod(objects);
            throw new Error(`podman kube play failed: ${played.stderr.trim().split("\n").slice(-2).join(" | ")}`);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    const total = pod.spec.containers.length;
    try {
        return await poll(`${total}/${total} containers running in pod ${name}`, options.timeoutMs ?? 120_000, () => {
            const info = podInfo(name);
            return info?.readyContainers === `${total}/${total}` ? info : undefined;
        });
    } catch (e) {
        const info = podInfo(name);
        const states = info?.containers.map((c) => `${c.name}=${c.state}`).join(", ") ?? "no pod";
        const logs = pod.spec.containers
            .map((c: any) => podman(["logs", "--tail", "3", containerName(name, c.name)], { allowFail: true }))
            .map((r: { stdout: string; stderr: string }) => (r.stdout + r.stderr).trim())
            .filter(Boolean)
            .join(" | ");
        throw new Error(`${(e as Error).message} (${states})${logs ? `; last log lines: ${logs}` : ""}`);
    }
}

/** Host PID of a process inside the pod, to enter its network namespace. */
export function podNetnsPid(podName: string): number {
    const r = podman(["pod", "inspect", podName, "--format", "{{.InfraContainerID}}"]);
    return Number(podman(["inspect", r.stdout.trim(), "--format", "{{.State.Pid}}"]).stdout.trim());
}

/**
 * argv for `nsenter` running curl inside the pod's network namespace against nginx on loopback:
 * the traffic never leaves the pod.
 */
export function curlInPodArgs(podName: string, url: string, curlOptions: string[] = []): string[] {
    return ["-t", String(podNetnsPid(podName)), "-n", "curl", "-s", "-o", "/dev/null", "-m", "5", ...curlOptions, url];
}

/**
 * bash: one request line ($1) to 127.0.0.1:$0, then the status line's code on stdout. The request
 * line is an argument, never pasted into the script.
 */
export const RAW_REQUEST_SCRIPT =
    'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1; printf "%s\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n" "$1" >&3; read -r _ code _ <&3; printf %s "$code"';

/**
 * A request written as raw text from inside the pod to nginx on loopback (bash's /dev/tcp), for
 * what curl will not send (another HTTP version); returns the status line's code (0: no answer).
 * `requestLine` is the tests' own constant, passed as an argument, never pasted into the script.
 */
export function rawRequestInPod(podName: string, requestLine: string, port = 80): number {
    const script = RAW_REQUEST_SCRIPT;
    const r = run(
        "nsenter",
        ["-t", String(podNetnsPid(podName)), "-n", "timeout", "5", "bash", "-c", script, String(port), requestLine],
        {
            allowFail: true,
        },
    );
    return Number(r.stdout.trim() || 0);
}

/** An HTTP GET from inside the pod to nginx on loopback. Returns the status code (0: no answer). */
export function requestInPod(podName: string, urlPath: string, port = 80): number {
    const r = run("nsenter", curlInPodArgs(podName, `http://127.0.0.1:${port}${urlPath}`, ["-w", "%{http_code}"]), {
        allowFail: true,
    });
    return Number(r.stdout.trim() || 0);
}
