// What `npm run render` says beside the manifests: for each workload whose sidecar is the log agent,
// how long an outage of the destination its log volume holds before the agent drops the oldest
// undelivered lines (docs/delivery.md, "The volume's bound"), or why nothing bounds it.
import { quantityValue } from "../../components/grammar";
import { OUTAGE_ESTIMATE, outageSurvivedSeconds, volumeBoundBytes } from "../../components/retention";
import { SEED } from "../../components/defaults";
import { podSpecOf, pulumiType } from "../../policy/rules";
import { KubeObject } from "./schema";

/** 7321 -> "2 h 2 min", 732 -> "12 min", 42 -> "42 s". */
export function formatDuration(seconds: number): string {
    const s = Math.floor(seconds);
    if (s < 60) return `${s} s`;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h} h${m > 0 ? ` ${m} min` : ""}` : `${m} min`;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** One line per workload with the log agent; none for the others (the seed's cat loop, the stream shipper). */
export function outageLines(objects: KubeObject[]): string[] {
    const lines: string[] = [];
    for (const o of objects) {
        const spec: any = podSpecOf(pulumiType(o.apiVersion, o.kind), o);
        if (!spec) continue;
        const sidecar = [...(spec.initContainers ?? []), ...spec.containers].find(
            (c: any) => c.name === SEED.sidecarContainer,
        );
        // agentCommand's argv: bash -c SCRIPT log-agent DIR CONF KEEP_BYTES ...
        if (sidecar?.command?.[3] !== "log-agent") continue;
        const retention = sidecar.command[6] !== "0";
        const limit = spec.volumes?.find((v: any) => v.name === SEED.volumeName)?.emptyDir?.sizeLimit;
        const what = `${o.kind} ${o.metadata.name}`;
        if (!retention) {
            lines.push(
                `outage: ${what}: without retention the agent frees nothing, delivered or not: the log volume grows with every request${limit ? ` until the kubelet evicts the Pod at its sizeLimit (${limit})` : ""}; set retention`,
            );
        } else if (!limit) {
            lines.push(
                `outage: ${what}: no logVolume.sizeLimit, so no bound: an outage of the destination fills the node's disk until it ends`,
            );
        } else {
            const bytes = quantityValue(String(limit));
            const [low, high] = OUTAGE_ESTIMATE.requestsPerSecond;
            const at = (rps: number) =>
                formatDuration(outageSurvivedSeconds(bytes, rps * OUTAGE_ESTIMATE.accessLineBytes));
            lines.push(
                `outage: ${what}: the log volume holds an outage of the destination for about ${at(low)} at ${low} requests a second, ${at(high)} at ${high} (its bound, ${mib(volumeBoundBytes(bytes))} of the sizeLimit ${limit}, at about ${OUTAGE_ESTIMATE.accessLineBytes} bytes a request); past it the oldest undelivered lines are dropped, counted and said in a gap record`,
            );
        }
    }
    return lines;
}
