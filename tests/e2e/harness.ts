// Shared steps of the podman end-to-end tests: render a stack with runnable images, play it,
// and tear it down afterwards, whatever happened. Each step prints what it ran and measured.
import {
    containerName,
    downPod,
    objectsForPod,
    playPod,
    podInfo,
    PodInfo,
    podsOf,
    thePod,
} from "../../scripts/lib/pod";
import { ensurePodman, podman, podmanVersion } from "../../scripts/lib/podman";
import { renderRunnable } from "../../scripts/lib/runnable";
import * as fs from "fs";
import { poll } from "../../scripts/lib/exec";
import { KubeObject } from "../../scripts/lib/schema";
import { readBytesOf } from "../shipper/harness";

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

/** Renders `stack` (+ overrides) with runnable images, saying which images run. */
async function renderForPodman(stack: string, overrides: Record<string, string | null>): Promise<KubeObject[]> {
    ensurePodman(report);
    report(`podman ${podmanVersion()}`);
    const { objects, images, notes } = await renderRunnable(stack, overrides, report);
    for (const n of notes) report(`note: ${n}`);
    for (const i of images)
        report(
            `${i.container}: ${i.used}${i.used === i.requested ? "" : ` standing in for ${i.requested}`} (${i.how})`,
        );
    return objects;
}

/** Plays one pod of a render and waits for it; removes it again if that fails. */
async function playOne(
    objects: KubeObject[],
    pod: KubeObject & { spec: any },
    timeoutMs?: number,
): Promise<RunningPod> {
    const own = objectsForPod(objects, pod);
    const name = pod.metadata.name;
    const started = Date.now();
    let info: PodInfo;
    try {
        info = await playPod(own, { log: report, timeoutMs });
    } catch (e) {
        downPod(own);
        throw e;
    }
    report(
        `pod ${name} ${info.readyContainers} ${info.podStatus} after ${((Date.now() - started) / 1000).toFixed(1)}s, pod IP ${info.podIp}`,
    );
    const container = (c: string) => containerName(name, c);
    return {
        objects: own,
        info,
        name,
        container,
        exec: (c, cmd) => podman(["exec", container(c), ...cmd]).stdout,
        logs: (c) => {
            const r = podman(["logs", container(c)]);
            return r.stdout + r.stderr;
        },
        down: () => {
            downPod(own);
            report(`removed pod ${name}`);
        },
    };
}

/**
 * Renders `stack` (+ overrides) as a Pod, plays it on podman, waits (at most `timeoutMs`, default
 * 2 minutes) for every container to run; if they do not, removes it and fails with their last lines.
 */
export async function startPod(
    stack: string,
    overrides: Record<string, string | null> = {},
    timeoutMs?: number,
): Promise<RunningPod> {
    const objects = await renderForPodman(stack, overrides);
    return playOne(objects, thePod(objects), timeoutMs);
}

/**
 * Renders `stack` (+ overrides) and plays every pod it declares (each replica of a Deployment as
 * a pod of its own; scripts/lib/pod.ts, podsOf); all are removed again if one fails to start.
 */
export async function startPods(stack: string, overrides: Record<string, string | null> = {}): Promise<RunningPod[]> {
    const objects = await renderForPodman(stack, overrides);
    const pods: RunningPod[] = [];
    try {
        for (const p of podsOf(objects)) pods.push(await playOne(objects, p));
    } catch (e) {
        for (const p of pods) p.down();
        throw e;
    }
    return pods;
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

/** The host PID of a container's main process. */
export function hostPid(pod: RunningPod, container: string): number {
    return Number(podman(["inspect", pod.container(container), "--format", "{{.State.Pid}}"]).stdout.trim());
}

/** Waits (bounded) until the container runs with a process other than `before`; returns when. */
export async function awaitRunning(pod: RunningPod, container: string, before: number): Promise<number> {
    await poll(
        `${container} running again`,
        60_000,
        () => {
            const state = podman(
                ["inspect", pod.container(container), "--format", "{{.State.Status}} {{.State.Pid}}"],
                {
                    allowFail: true,
                },
            )
                .stdout.trim()
                .split(" ");
            return state[0] === "running" && Number(state[1]) !== before && Number(state[1]) > 0 ? true : undefined;
        },
        50,
    );
    return Date.now();
}

/**
 * Kills a container's main process with SIGKILL; podman restarts it (restartPolicy Always).
 * `afterKill` runs right after the signal, before the restart: to read what the killed process
 * left behind (its records, the log's end) before its successor moves anything.
 */
export async function killAndAwaitRestart(
    pod: RunningPod,
    container: string,
    afterKill: () => void = () => undefined,
): Promise<number> {
    const before = hostPid(pod, container);
    const started = Date.now();
    process.kill(before, "SIGKILL");
    afterKill();
    await awaitRunning(pod, container, before);
    return (Date.now() - started) / 1000;
}

/** The host PIDs of a container's processes: its main process and every descendant. */
export function containerPids(pod: RunningPod, container: string): number[] {
    const pids = [hostPid(pod, container)];
    for (let i = 0; i < pids.length; i++) {
        try {
            for (const task of fs.readdirSync(`/proc/${pids[i]}/task`)) {
                const children = fs.readFileSync(`/proc/${pids[i]}/task/${task}/children`, "utf8").trim();
                if (children) pids.push(...children.split(/\s+/).map(Number));
            }
        } catch {
            // the process ended while it was listed
        }
    }
    return pids;
}

/**
 * Bytes a container's processes have read (rchar, /proc/PID/io): the live ones, and through the
 * main process's figure the children it has reaped. What a start cost in reads, at any speed.
 */
export function containerReadBytes(pod: RunningPod, container: string): number {
    return readBytesOf(containerPids(pod, container));
}
