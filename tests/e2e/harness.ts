// Shared steps of the podman end-to-end tests: render a stack with runnable images, play it,
// and tear it down afterwards, whatever happened. Each step prints what it ran and measured.
import { containerName, downPod, playPod, podInfo, PodInfo, thePod } from "../../scripts/lib/pod";
import { ensurePodman, podman, podmanVersion } from "../../scripts/lib/podman";
import { renderRunnable } from "../../scripts/lib/runnable";
import { spawn } from "child_process";
import { poll } from "../../scripts/lib/exec";
import { podNetnsPid } from "../../scripts/lib/pod";
import { KubeObject } from "../../scripts/lib/schema";

export function report(line: string): void {
    console.log(`      | ${line}`);
}

export interface RunningPod {
    objects: KubeObject[];
    info: PodInfo;
    name: string;
    container(name: string): string;
    /** Runs a command in one of the pod's containers; returns its stdout. */
    exec(container: string, cmd: string[]): string;
    /** The container's output so far (stdout and stderr, as `kubectl logs` shows both). */
    logs(container: string): string;
    down(): void;
}

/** Renders `stack` (+ overrides), plays it on podman, waits for every container to run. */
export async function startPod(stack: string, overrides: Record<string, string> = {}): Promise<RunningPod> {
    ensurePodman(report);
    report(`podman ${podmanVersion()}`);
    const { objects, images, notes } = await renderRunnable(stack, overrides, report);
    for (const n of notes) report(`note: ${n}`);
    for (const i of images)
        report(
            `${i.container}: ${i.used}${i.used === i.requested ? "" : ` standing in for ${i.requested}`} (${i.how})`,
        );
    const name = thePod(objects).metadata.name;
    const started = Date.now();
    let info: PodInfo;
    try {
        info = await playPod(objects, { log: report });
    } catch (e) {
        downPod(objects);
        throw e;
    }
    report(
        `pod ${name} ${info.readyContainers} ${info.podStatus} after ${((Date.now() - started) / 1000).toFixed(1)}s, pod IP ${info.podIp}`,
    );
    const container = (c: string) => containerName(name, c);
    return {
        objects,
        info,
        name,
        container,
        exec: (c, cmd) => podman(["exec", container(c), ...cmd]).stdout,
        logs: (c) => {
            const r = podman(["logs", container(c)]);
            return r.stdout + r.stderr;
        },
        down: () => {
            downPod(objects);
            report(`removed pod ${name}`);
        },
    };
}

/** Waits (bounded) until `text` shows up in a container's logs; returns the seconds it took. */
export async function waitForLog(
    pod: RunningPod,
    container: string,
    texts: string[],
    timeoutMs: number,
): Promise<number> {
    const start = Date.now();
    await poll(
        `${texts.join(" and ")} in ${container}'s logs`,
        timeoutMs,
        () => {
            const logs = pod.logs(container);
            return texts.every((t) => logs.includes(t)) ? true : undefined;
        },
        500,
    );
    return (Date.now() - start) / 1000;
}

/** True when nothing of the pod is left: no pod, no containers, no volumes it used. */
export function nothingLeft(pod: RunningPod): string[] {
    const left: string[] = [];
    if (podInfo(pod.name) !== undefined) left.push(`pod ${pod.name}`);
    const containers = podman(["ps", "-a", "--format", "{{.Names}}"])
        .stdout.split("\n")
        .filter((n) => n.startsWith(`${pod.name}-`));
    left.push(...containers.map((c) => `container ${c}`));
    const volumes = new Set(podman(["volume", "ls", "--format", "{{.Name}}"]).stdout.split("\n"));
    for (const v of thePod(pod.objects).spec.volumes ?? []) {
        const name = v.configMap ? v.configMap.name : v.name;
        if (volumes.has(name)) left.push(`volume ${name}`);
    }
    return left;
}

export interface LoadResult {
    sent: number;
    ok: number;
    seconds: number;
    /** The request path of request i (1-based) is `${prefix}${i}`. */
    prefix: string;
}

/**
 * Sends `n` GET requests to nginx on the pod's loopback, from a second process (curl, in the
 * pod's network namespace: the traffic never leaves the pod), paced at `ratePerSecond`.
 * Bounded: curl stops after `n` requests or `timeoutMs`.
 */
export function loadPod(
    pod: RunningPod,
    n: number,
    options: { port?: number; ratePerSecond?: number; tag?: string; timeoutMs?: number } = {},
): Promise<LoadResult> {
    const prefix = `/?load=${options.tag ?? Date.now().toString(36)}&i=`;
    const url = `http://127.0.0.1:${options.port ?? 80}${prefix}[1-${n}]`;
    const args = [
        "-t",
        String(podNetnsPid(pod.name)),
        "-n",
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}\\n",
        ...(options.ratePerSecond ? ["--rate", `${options.ratePerSecond}/s`] : []),
        "-m",
        "5",
        url,
    ];
    const start = Date.now();
    return new Promise((resolve, reject) => {
        // Asynchronous, so the test can sample the volume while the load runs.
        const child = spawn("nsenter", args, { stdio: ["ignore", "pipe", "ignore"] });
        const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.on("error", reject);
        child.on("close", () => {
            clearTimeout(timer);
            const codes = out.split("\n").filter(Boolean);
            resolve({
                sent: codes.length,
                ok: codes.filter((c) => c === "200").length,
                seconds: (Date.now() - start) / 1000,
                prefix,
            });
        });
    });
}

/** How often each request of a load appears as an access-log line in `text`: index i-1 holds request i's count. */
export function countShipped(text: string, load: LoadResult, n: number): number[] {
    const counts = new Array<number>(n).fill(0);
    const marker = `"GET ${load.prefix}`;
    for (const line of text.split("\n")) {
        const at = line.indexOf(marker);
        if (at < 0) continue;
        const i = parseInt(line.slice(at + marker.length), 10);
        if (i >= 1 && i <= n) counts[i - 1]++;
    }
    return counts;
}

export function summarize(counts: number[]): { missing: number; once: number; duplicated: number; extra: number } {
    return {
        missing: counts.filter((c) => c === 0).length,
        once: counts.filter((c) => c === 1).length,
        duplicated: counts.filter((c) => c > 1).length,
        extra: counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
    };
}
