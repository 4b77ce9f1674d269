// npm run local [-- --stack NAME | --config-file FILE]       render the stack, play it on podman, print the outputs
// npm run local:down [-- --stack NAME | --config-file FILE]  remove its pods and their volumes
// Try the webserver without a cluster. Where the configured images cannot be pulled, stand-ins
// built from Debian packages run instead, and the output says so. A Deployment is played as one
// Pod per replica (scripts/lib/pod.ts, podsOf: what differs from a cluster is said there). A stack
// with a LogService (`logService: true`, Pulumi.logs.yaml) plays its pod first, delivers to it at
// its pod IP, and ends by finding a request it just made with a query for the last 24 hours.
import { parseFlags, runMain, UsageError } from "./lib/cli";
import { uiQueryUrls } from "../components/logService/queries";
import {
    logServicePodOf,
    PLAYED_OPEN_NOTE,
    playedBulkUrl,
    playedOpen,
    playedUiUrl,
    queryPlayed,
    unplayableLogService,
    withRunnableImage,
} from "./lib/logServicePod";
import { downPod, objectsForPod, PodInfo, playPod, podsOf, requestInPod } from "./lib/pod";
import { ensurePodman } from "./lib/podman";
import { projectName, readStackConfig, renderStack } from "./lib/render";
import { renderRunnable } from "./lib/runnable";
import { KubeObject } from "./lib/schema";

export async function main(argv: string[]): Promise<void> {
    const flags = parseFlags(argv, { stack: "dev", "config-file": "" });
    const [command, ...extra] = flags.positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (command !== "up" && command !== "down") throw new UsageError(`unknown command ${command}; use up or down`);
    const configFile = flags["config-file"] || undefined;
    ensurePodman();
    // A LogService is played open (playedOpen says why); every render below the same.
    const opened = playedOpen(readStackConfig(flags.stack, undefined, configFile)[`${projectName()}:logService`]);
    const overrides: Record<string, string> = opened === undefined ? {} : { logService: opened };
    if (command === "down") {
        const objects = await renderStack({ stack: flags.stack, configFile, overrides });
        const logs = logServicePodOf(objects);
        for (const pod of [...podsOf(objects), ...(logs ? [logs] : [])]) {
            const name = pod.metadata.name;
            const removed = downPod(objectsForPod(objects, pod));
            console.log(removed ? `removed pod ${name} and its volumes` : `nothing to remove (no pod ${name})`);
        }
        return;
    }
    // The LogService first: the webserver delivers to its pod IP (podman has no Services).
    const logs = await playLogService(flags.stack, overrides, configFile);
    const { objects, images, notes } = await renderRunnable(
        flags.stack,
        { ...overrides, ...logs?.overrides },
        console.log,
        configFile,
    );
    if (opened !== undefined) notes.unshift(PLAYED_OPEN_NOTE);
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
    if (logs) rows.push(...logs.rows);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log(
        `\nsidecar's output: podman logs -f ${infos[0].podName}-sidecar-container    remove: npm run local:down${flags.stack === "dev" ? "" : ` -- --stack ${flags.stack}`}`,
    );
    if (logs) await showLastDay(logs.info, infos[0], objects);
}

/** Plays the stack's LogService, if it has one; the config that points the webserver at it. */
async function playLogService(stack: string, overrides: Record<string, string>, configFile?: string) {
    const declared = await renderStack({ stack, configFile, overrides });
    const unplayable = unplayableLogService(declared);
    if (unplayable) throw new UsageError(unplayable);
    const pod = logServicePodOf(declared);
    if (!pod) return undefined;
    const { pod: runnable, image } = withRunnableImage(pod, console.log);
    const info = await playPod([runnable]);
    // A destination the stack sets wins, as in the program.
    const own = readStackConfig(stack, undefined, configFile)[`${projectName()}:destination`] === undefined;
    const url = playedBulkUrl(info.podIp);
    return {
        info,
        overrides: (own ? { destination: JSON.stringify({ elasticsearch: { url } }) } : {}) as Record<string, string>,
        rows: [
            ["logService", `${info.podName}  ${info.podIp}  ${info.podStatus}  ${info.readyContainers}`],
            [
                "victoria-logs",
                `${image.used}${image.used === image.requested ? "" : ` (for ${image.requested})`}: ${image.how}`,
            ],
            ...(own ? [["destination", url]] : []),
        ] as Array<[string, string]>,
    };
}

/** A request to nginx, found in the LogService by a query for the last 24 hours: the whole path works. */
async function showLastDay(logs: PodInfo, web: PodInfo, objects: KubeObject[]): Promise<void> {
    const nginx = podsOf(objects)[0].spec.containers[0];
    const port = nginx.ports?.[0]?.containerPort ?? 80;
    const probe = `/local-check-${Date.now().toString(36)}`;
    const code = requestInPod(web.podName, probe, port);
    const query = `_time:24h "${probe.slice(1)}"`;
    // Bounded: the agent delivers within a second or two; a minute covers a busy machine.
    const deadline = Date.now() + 60_000;
    let records: Array<Record<string, string>> = [];
    while ((records = await queryPlayed(logs.podIp, query)).length < 2) {
        if (Date.now() > deadline)
            throw new Error(
                `the LogService did not hold the request ${probe}'s access and error lines after 60 s (found ${records.length}); see podman logs ${web.podName}-sidecar-container`,
            );
        await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`\nGET ${probe} answered ${code}; the LogService holds its access and error lines:`);
    for (const r of records) console.log(`  ${r._time}  ${r.log}  ${r._msg}`);
    const links = uiQueryUrls(playedUiUrl(logs.podIp));
    console.log("\nin the web UI:");
    console.log(`  the last 24 hours:      ${links.last24h}`);
    console.log(`  5xx answers by pod:     ${links.errorsByPod}`);
    console.log(`  the slowest requests:   ${links.slowestRequests}`);
    console.log(
        `or with curl:  curl -s http://${logs.podIp}:9428/select/logsql/query -d 'query=_time:24h status:>=400 | fields _time, pod, path, status'`,
    );
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
