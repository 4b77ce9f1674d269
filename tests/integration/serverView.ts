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
        c.image = choice.used;
    }
    const { name, namespace, labels, annotations } = stored.metadata;
    return {
        pod: { apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels, annotations }, spec },
        dropped,
        images,
    };
}
