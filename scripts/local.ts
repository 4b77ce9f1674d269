// npm run local [-- --stack NAME]       render the stack, play it on podman, print the outputs
// npm run local:down [-- --stack NAME]  remove the pod and its volumes
// Try the Pod without a cluster. Where the configured images cannot be pulled, stand-ins built
// from Debian packages run instead, and the output says so.
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { downPod, playPod, thePod } from "./lib/pod";
import { ensurePodman } from "./lib/podman";
import { renderStack } from "./lib/render";
import { renderRunnable } from "./lib/runnable";

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { stack: "dev" });
    const [command, ...extra] = flags.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (command !== "up" && command !== "down") throw new UsageError(`unknown command ${command}; use up or down`);
    ensurePodman();
    if (command === "down") {
        const objects = await renderStack({ stack: flags.stack });
        const name = thePod(objects).metadata.name;
        console.log(downPod(objects) ? `removed pod ${name} and its volumes` : `nothing to remove (no pod ${name})`);
        return;
    }
    const { objects, images, notes } = await renderRunnable(flags.stack);
    for (const n of notes) console.log(`note: ${n}`);
    const info = await playPod(objects);
    const rows: Array<[string, string]> = [
        ["podName", info.podName],
        ["podIp", info.podIp],
        ["podStatus", info.podStatus],
        ["readyContainers", info.readyContainers],
        ...images.map((i): [string, string] => [
            i.container,
            `${i.used}${i.used === i.requested ? "" : ` (for ${i.requested})`}: ${i.how}`,
        ]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(`\nsidecar's output: podman logs -f ${info.podName}-sidecar-container    remove: npm run local:down`);
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
