// The LogService (a StatefulSet, which podman 4.3 cannot play) as podman plays it: its one pod,
// `<name>-0`, with the claim as a volume of its own (an emptyDir podman keeps until local:down,
// writable by the pod's non-root user), and the image podman has or a stand-in built from
// VictoriaLogs' Go module. What runs is still the pod template the component declares.
import { LOG_SERVICE } from "../../components";
import { bulkUrlOf } from "../../components/logService/manifest";
import { chooseImage, ImageChoice } from "./images";
import { queryLogsQL } from "./victoriaLogs";
import { withOwnEmptyDirs } from "./pod";
import { KubeObject } from "./schema";

/**
 * What of a LogService podman does not play, as a sentence, or undefined: its cluster mode (storage
 * and front nodes, reached through Services podman lacks) and its alerting (vmalert, which queries
 * the LogService by its Service's name).
 */
export function unplayableLogService(objects: KubeObject[]): string | undefined {
    const labelled = (kind: string, key: string, value: string) =>
        objects.some((o) => o.kind === kind && (o.metadata as any).labels?.[key] === value);
    const what = [
        ...(labelled("StatefulSet", "app.kubernetes.io/component", "storage") ? ["cluster mode"] : []),
        ...(labelled("Deployment", "app.kubernetes.io/name", "vmalert") ? ["alerting"] : []),
    ];
    return what.length === 0
        ? undefined
        : `the stack's LogService has ${what.join(" and ")}, which npm run local does not play (podman has no Services): remove ${what.length > 1 ? "them" : "it"} from the stack's logService to play the single node, or deploy the stack to a cluster with pulumi up`;
}

/**
 * The stack's `logService` value (the engine's string) with the LogService opened, as npm run local
 * plays it: podman has no NetworkPolicy and no Secrets to hand the agents, and the offline render
 * cannot read the stack's passwords (secrets). Undefined when the stack deploys no LogService.
 * `pulumi up` deploys it as the stack says: closed unless the stack opens it.
 */
export function playedOpen(raw: string | undefined): string | undefined {
    if (raw === undefined || raw === "false") return undefined;
    let settings: unknown;
    try {
        settings = raw === "true" ? {} : JSON.parse(raw);
    } catch {
        return undefined; // not a mapping: the render refuses it with the program's message
    }
    if (settings === null || typeof settings !== "object" || Array.isArray(settings)) return undefined;
    return JSON.stringify({ ...settings, access: { open: true } });
}

/** The note npm run local prints when it opens the LogService (playedOpen). */
export const PLAYED_OPEN_NOTE =
    "the LogService is played open (podman has no NetworkPolicy, and the stack's passwords are secrets the offline render cannot read); pulumi up deploys it closed unless the stack opens it";

/** The LogService's pod from a render (its declared image), or undefined when the stack has none. */
export function logServicePodOf(objects: KubeObject[]): (KubeObject & { spec: any }) | undefined {
    const sts = objects.find((o) => o.kind === "StatefulSet") as any;
    if (!sts) return undefined;
    const name = `${sts.metadata.name}-0`;
    const template = structuredClone(sts.spec.template);
    const volumes = sts.spec.volumeClaimTemplates.map((t: any) => ({ name: t.metadata.name, emptyDir: {} }));
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, ...(sts.metadata.namespace && { namespace: sts.metadata.namespace }), ...template.metadata },
        spec: withOwnEmptyDirs({ ...template.spec, volumes }, name),
    };
}

/** The pod with an image that runs here: podman's, pulled, or the stand-in. */
export function withRunnableImage(
    pod: KubeObject & { spec: any },
    log: (line: string) => void,
): { pod: KubeObject & { spec: any }; image: ImageChoice } {
    const runnable = structuredClone(pod);
    const container = runnable.spec.containers[0];
    const image = chooseImage(container.image, "victorialogs", log);
    container.image = image.used;
    // A local stand-in cannot be pulled; podman would try to under "Always".
    if (image.used !== image.requested) container.imagePullPolicy = "IfNotPresent";
    return { pod: runnable, image };
}

/** destination.elasticsearch.url of the played LogService, reached at its pod IP. */
export const playedBulkUrl = (podIp: string) => bulkUrlOf(podIp);

/** Its web UI, from this machine (pod IPs are reachable from the host under podman). */
export const playedUiUrl = (podIp: string) => `http://${podIp}:${LOG_SERVICE.httpPort}/select/vmui/`;

/** Runs a LogsQL query against the played LogService; the records it returns. */
export const queryPlayed = (podIp: string, logsql: string) =>
    queryLogsQL({ host: podIp, port: LOG_SERVICE.httpPort }, logsql);
