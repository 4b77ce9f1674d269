// Shared steps of the podman end-to-end tests: render a stack with runnable images, play it,
// and tear it down afterwards, whatever happened. Each step prints what it ran and measured.
import { containerName, downPod, playPod, podInfo, PodInfo, thePod } from "../../scripts/lib/pod";
import { ensurePodman, podman, podmanVersion } from "../../scripts/lib/podman";
import { renderRunnable } from "../../scripts/lib/runnable";
import { poll } from "../../scripts/lib/exec";
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
