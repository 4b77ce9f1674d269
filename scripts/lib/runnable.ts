// Renders a stack with images that can run on this machine: the configured ones where podman has
// or can pull them, stand-ins otherwise -- passed in through the component's own image options,
// so what runs is still what the program declares.
import { chooseImage, ImageChoice, StandinKind } from "./images";
import { renderStack } from "./render";
import { KubeObject } from "./schema";
import { podSpecOf } from "./pod";

// Which config key sets each container's image, and which stand-in replaces it.
const IMAGE_OPTIONS: Array<{ container: string; configKey: string; kind: StandinKind }> = [
    { container: "nginx-container", configKey: "nginxImage", kind: "nginx" },
    { container: "sidecar-container", configKey: "sidecarImage", kind: "ubuntu" },
];

export interface RunnableRender {
    objects: KubeObject[];
    images: Array<ImageChoice & { container: string }>;
    /** What was changed from the declared render to run here, and why. */
    notes: string[];
}

export async function renderRunnable(
    stack: string,
    overrides: Record<string, string | null> = {},
    log: (line: string) => void = console.log,
    configFile?: string,
): Promise<RunnableRender> {
    const declared = await renderStack({ stack, overrides, configFile });
    const spec = podSpecOf(declared);
    const containers = [...(spec.initContainers ?? []), ...spec.containers];
    const images = IMAGE_OPTIONS.map(({ container, kind }) => {
        const c = containers.find((x: { name: string }) => x.name === container);
        if (!c) throw new Error(`the render has no ${container}`);
        // With a destination the sidecar runs the log agent: its stand-in has rsyslogd.
        const standin = c.command?.[3] === "log-agent" ? "rsyslog" : kind;
        return { container, ...chooseImage(c.image, standin, log) };
    });
    const swaps = Object.fromEntries(
        images.flatMap((img, i) => (img.used === img.requested ? [] : [[IMAGE_OPTIONS[i].configKey, img.used]])),
    );
    const notes: string[] = [];
    if (
        Object.keys(swaps).length > 0 &&
        containers.some((c: { imagePullPolicy?: string }) => c.imagePullPolicy === "Always")
    ) {
        // A local stand-in cannot be pulled; podman would try to under "Always".
        swaps.imagePullPolicy = "IfNotPresent";
        notes.push("imagePullPolicy Always -> IfNotPresent: the stand-in images exist only in local storage");
    }
    const objects =
        Object.keys(swaps).length > 0
            ? await renderStack({ stack, configFile, overrides: { ...overrides, ...swaps } })
            : declared;
    return { objects, images, notes };
}
