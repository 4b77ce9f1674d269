// Pods and load for the benchmark's measures: play a render, load nginx with wrk on the pod's
// loopback, read a container's cgroup. Process helpers come from scripts/lib.
import * as fs from "fs";
import { runAsync } from "../scripts/lib/exec";
import { downPod, playPod, podNetnsPid, thePod, withOwnEmptyDirs } from "../scripts/lib/pod";
import { podman } from "../scripts/lib/podman";
import { KubeObject } from "../scripts/lib/schema";
import { Settings } from "./settings";

export const log = (line: string): void => console.error(`[bench] ${line}`);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The stream shipper as production runs it: with retention (the preset's bounds). */
export const STREAM_RETAINED = { shipper: "stream", retention: JSON.stringify({ maxAge: "24h", maxSize: "200Mi" }) };

/** Runs `fn` with a pod of `objects` up, and always removes it afterwards. */
export async function withPod<T>(objects: KubeObject[], fn: (name: string) => Promise<T>): Promise<T> {
    await playPod(objects, { log: () => undefined, timeoutMs: 120_000 });
    try {
        return await fn(thePod(objects).metadata.name);
    } finally {
        downPod(objects);
    }
}

/** nginx alone: the same rendered Pod without the sidecar, as the baseline of the serving cost. */
export function nginxAlone(objects: KubeObject[]): KubeObject[] {
    return objects.map((o) => {
        if (o.kind !== "Pod") return o;
        const spec = (o as any).spec;
        return {
            ...o,
            spec: { ...spec, containers: spec.containers.filter((c: any) => c.name === "nginx-container") },
        };
    });
}

/** The render's Pod as a Pod of its own name, with its own emptyDirs, to play beside others. */
export function asPod(objects: KubeObject[], name: string): KubeObject[] {
    return objects.map((o) => {
        if (o.kind !== "Pod") return o;
        const pod = o as any;
        return { ...pod, metadata: { ...pod.metadata, name }, spec: withOwnEmptyDirs(pod.spec, name) };
    });
}

/** wrk on the pod's loopback for `seconds`: its requests a second. */
export async function wrk(name: string, s: Settings, seconds = s.wrkSeconds): Promise<number> {
    const args = [
        "-t",
        String(podNetnsPid(name)),
        "-n",
        "wrk",
        "-t1",
        `-c${s.wrkConnections}`,
        `-d${seconds}s`,
        "http://127.0.0.1/",
    ];
    const out = await runAsync("nsenter", args, (seconds + 30) * 1000);
    const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
    if (!m) throw new Error(`wrk printed no Requests/sec: ${out}`);
    return Number(m[1]);
}

/** CPU time (ns) and peak memory (bytes, page cache included) of a container, from its cgroup (v1 or v2). */
export function cgroupUsage(container: string): { cpuNs: number; memPeak: number } {
    const cg = podman(["inspect", container, "--format", "{{.State.CgroupPath}}"]).stdout.trim();
    const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, "utf8").trim() : undefined);
    const v1cpu = read(`/sys/fs/cgroup/cpuacct${cg}/cpuacct.usage`);
    if (v1cpu !== undefined) {
        return {
            cpuNs: Number(v1cpu),
            memPeak: Number(read(`/sys/fs/cgroup/memory${cg}/memory.max_usage_in_bytes`) ?? NaN),
        };
    }
    const usec = /usage_usec (\d+)/.exec(read(`/sys/fs/cgroup${cg}/cpu.stat`) ?? "")?.[1];
    return { cpuNs: Number(usec ?? NaN) * 1000, memPeak: Number(read(`/sys/fs/cgroup${cg}/memory.peak`) ?? NaN) };
}
