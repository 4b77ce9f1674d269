// The images the local cluster's real node can pull: every image the project's defaults, presets
// and stacks name, each served by the node's own registry (crane, scripts/cluster.sh) as a
// stand-in built from Debian packages or from a Go module's binary (scripts/standin). No registry
// on the internet is reached; an image not in this table fails to pull on the node, as a missing
// tag fails on Docker Hub.
import { IMAGES, LOG_ALERTING, LOG_SERVICE, LOG_SERVICE_ACCESS, SEED } from "../../components/defaults";
import {
    qualified,
    rsyslogTestingStandin,
    standinImage,
    uutilsStandin,
    victoriaLogsStandin,
    vmalertStandin,
    vmauthStandin,
} from "./images";

/** What stands in for an image on the node, and why that one. */
export interface NodeImage {
    /** The stand-in's podman tag (built once, cached). */
    readonly standin: () => string;
    /** What the stand-in is, for the cluster's report. */
    readonly what: string;
}

const nginx: NodeImage = { standin: () => standinImage("nginx"), what: "Debian bookworm's nginx, the official layout" };
const ubuntuGnu: NodeImage = { standin: () => standinImage("ubuntu"), what: "Debian bookworm, GNU coreutils" };

/** Fully qualified image name (as the kubelet pulls it) -> its stand-in. */
export const NODE_IMAGES: Readonly<Record<string, NodeImage>> = {
    [qualified(SEED.nginxImage)]: nginx,
    [qualified(IMAGES.nginx)]: nginx,
    // Today's ubuntu:latest (26.04) runs uutils coreutils: so does its stand-in.
    [qualified(SEED.sidecarImage)]: {
        standin: () => uutilsStandin(),
        what: "Ubuntu 26.04's userland (uutils coreutils)",
    },
    [qualified(IMAGES.ubuntu)]: ubuntuGnu,
    [qualified("ubuntu:24.04")]: ubuntuGnu,
    [qualified(IMAGES.rsyslog)]: { standin: () => standinImage("rsyslog"), what: "Debian bookworm's rsyslog 8.2302" },
    [qualified(IMAGES.rsyslogRelpTls)]: {
        standin: () => rsyslogTestingStandin(),
        what: "Debian testing's rsyslog (8.2606 or later)",
    },
    [qualified(LOG_SERVICE.image)]: {
        standin: () => victoriaLogsStandin(),
        what: "VictoriaLogs built from its Go module",
    },
    [qualified(LOG_ALERTING.image)]: {
        standin: () => vmalertStandin(),
        what: "vmalert built from VictoriaMetrics' Go module",
    },
    [qualified(LOG_SERVICE_ACCESS.image)]: {
        standin: () => vmauthStandin(),
        what: "vmauth built from VictoriaMetrics' Go module",
    },
};

/** The pod sandbox's ("pause") image: the GNU ubuntu stand-in sleeping, under the node's own name. */
export const PAUSE_IMAGE = { repository: "webserver-node/pause", tag: "standin" } as const;

/** The path a qualified name has in the node's registry (`docker.io/library/nginx:latest` -> `library/nginx:latest`). */
export function registryPath(qualifiedName: string): string {
    const [domain, ...rest] = qualifiedName.split("/");
    if (domain !== "docker.io") throw new Error(`the node's registry mirrors docker.io only, not ${qualifiedName}`);
    return rest.join("/");
}
