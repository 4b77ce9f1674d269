// npm run local [-- --stack NAME | --config-file FILE]       render the stack, play it on podman, print the outputs
// npm run local:down [-- --stack NAME | --config-file FILE]  remove its pods and their volumes
// Try the webserver without a cluster. Where the configured images cannot be pulled, stand-ins
// built from Debian packages run instead, and the output says so. A Deployment is played as one
// Pod per replica (scripts/lib/pod.ts, podsOf: what differs from a cluster is said there).
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { downPod, objectsForPod, PodInfo, playPod, podsOf } from "./lib/pod";
import { ensurePodman } from "./lib/podman";
import { renderStack } from "./lib/render";
import { renderRunnable } from "./lib/runnable";

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { stack: "dev", "config-file": "" });
    const [command, ...extra] = flags.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (command !== "up" && command !== "down") throw new UsageError(`unknown command ${command}; use up or down`);
    const configFile = flags["config-file"] || undefined;
    ensurePodman();
    if (command === "down") {
        const objects = await renderStack({ stack: flags.stack, configFile });
        for (const pod of podsOf(objects)) {
            const name = pod.metadata.name;
            const removed = downPod(objectsForPod(objects, pod));
            console.log(removed ? `removed pod ${name} and its volumes` : `nothing to remove (no pod ${name})`);
        }
        return;
    }
    const { objects, images, notes } = await renderRunnable(flags.stack, {}, console.log, configFile);
    for (const n of notes) console.log(`note: ${n}`);
    const deployment = objects.find((o) => o.kind === "Deployment");
    const service = objects.find((o) => o.kind === "Service");
    const infos: PodInfo[] = [];
    for (const pod of podsOf(objects)) infos.push(await playPod(objectsForPod(objects, pod)));
    const rows: Array<[string, string]> = deployment
        ? [
              ["workload", `Deployment ${deployment.metadata.name}, played as ${infos.length} pods`],
              ["readyReplicas", `${infos.filter((i) => i.podStatus === "Running").length}/${infos.length}`],
              ...infos.map((i): [string, string] => [i.podName, `${i.podIp}  ${i.podStatus}  ${i.readyContainers}`]),
          ]
        : [
              ["podName", infos[0].podName],
              ["podIp", infos[0].podIp],
              ["podStatus", infos[0].podStatus],
              ["readyContainers", infos[0].readyContainers],
          ];
    if (service) rows.push(["serviceName", `${service.metadata.name} (not played: podman has no Services)`]);
    rows.push(
        ...images.map((i): [string, string] => [
            i.container,
            `${i.used}${i.used === i.requested ? "" : ` (for ${i.requested})`}: ${i.how}`,
        ]),
    );
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(
        `\nsidecar's output: podman logs -f ${infos[0].podName}-sidecar-container    remove: npm run local:down`,
    );
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
