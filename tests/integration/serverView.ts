// The Pod as the API server stores it, made playable by podman: what only a kubelet provides is
// taken out (and named), images nobody can pull here are swapped for stand-ins through the
// caller's chooser; everything else -- the server's defaults included -- is played as stored.
import { ImageChoice, StandinKind } from "../../scripts/lib/images";
import { KubeObject } from "../../scripts/lib/schema";

export interface PlayablePod {
    pod: KubeObject & { spec: any };
    /** What was taken out, one line each. */
    dropped: string[];
    images: Array<ImageChoice & { container: string }>;
}

/** The stand-in kind for an image: nginx, the rsyslog agent, or an ubuntu/debian shell. */
export function standinKind(image: string): StandinKind {
    if (/(^|\/)nginx([:@]|$)/.test(image)) return "nginx";
    if (/rsyslog/.test(image)) return "rsyslog";
    return "ubuntu";
}

export function podForPodman(stored: any, choose: (requested: string, kind: StandinKind) => ImageChoice): PlayablePod {
    const dropped: string[] = [];
    const spec = structuredClone(stored.spec);
    // The service-account token is a projected volume the kubelet fills; podman has none.
    const projected = new Set<string>((spec.volumes ?? []).filter((v: any) => v.projected).map((v: any) => v.name));
    spec.volumes = (spec.volumes ?? []).filter((v: any) => !projected.has(v.name));
    for (const name of projected) dropped.push(`volume ${name} (service-account token) and its mounts`);
    // Scheduling is done: the node is kwok's, not this machine.
    for (const field of ["nodeName", "serviceAccountName", "serviceAccount"]) {
        if (spec[field] !== undefined) dropped.push(`spec.${field}: ${spec[field]}`);
        delete spec[field];
    }
    const images: PlayablePod["images"] = [];
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        c.volumeMounts = (c.volumeMounts ?? []).filter((m: any) => !projected.has(m.name));
        const choice = choose(c.image, standinKind(c.image));
        images.push({ ...choice, container: c.name });
        if (choice.used !== c.image) {
            // A stand-in exists only on this machine: the server's pull policy (Always, for a
            // :latest image) would send podman to a registry for it.
            dropped.push(
                `${c.name}: image ${c.image} -> ${choice.used}, imagePullPolicy ${c.imagePullPolicy} -> Never`,
            );
            c.image = choice.used;
            c.imagePullPolicy = "Never";
        }
    }
    const { name, namespace, labels } = stored.metadata;
    // podman 4.3 holds annotation values to the 63 characters of a label value, so it refuses
    // e.g. kubectl's last-applied-configuration; such annotations are taken out (and named).
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries<string>(stored.metadata.annotations ?? {})) {
        if (v.length > 63) dropped.push(`annotation ${k} (${v.length} characters; podman takes 63)`);
        else annotations[k] = v;
    }
    return {
        pod: { apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels, annotations }, spec },
        dropped,
        images,
    };
}
