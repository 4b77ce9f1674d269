// A syslog receiver as a pod of its own on podman: rsyslog in receiver mode (the same agent image,
// or its Debian stand-in), its config (syslogReceiver.ts) in a ConfigMap, writing
// what it accepted to an emptyDir that the e2e test and the benchmark read from the host.
import * as fs from "fs";
import * as path from "path";
import { AGENT, SyslogProtocol } from "../../components";
import { chooseImage } from "./images";
import { containerName, downPod, playPod, podInfo, volumeMountpoint } from "./pod";
import { podman } from "./podman";
import { KubeObject } from "./schema";
import { parseReceived, Received, RECEIVED_FILE, receiverConf } from "./syslogReceiver";

const NAME = "log-receiver";
const CONTAINER = "receiver";
const DATA = "receiver-data";
const DATA_DIR = "/var/lib/receiver";

export interface ReceiverPod {
    /** "host:port" for destination.syslog.address. */
    address: string;
    container: string;
    messages(): Received[];
    /** What arrived, as nginx wrote it (each record's message), a line each: for counting access-log lines. */
    text(): string;
    stop(): void;
    start(): Promise<void>;
    down(): void;
}

/**
 * The receiver's objects: its config in a ConfigMap and the Pod. On "podman" a second container
 * holds the pod (and its IP) while the receiver is stopped (podman 4.3 stops a pod whose last
 * container stops and gives it a new IP on start); in a "cluster" a Service gives it a stable
 * name instead, `log-receiver:PORT`, which Pulumi.delivery.yaml's destination names.
 */
export function receiverObjects(
    image: string,
    protocol: SyslogProtocol,
    port: number,
    where: "podman" | "cluster",
): KubeObject[] {
    const receiver = {
        name: CONTAINER,
        image,
        imagePullPolicy: "IfNotPresent",
        command: ["rsyslogd", "-n", "-iNONE", "-f", "/etc/receiver/rsyslog.conf"],
        volumeMounts: [
            { name: DATA, mountPath: DATA_DIR },
            { name: "conf", mountPath: "/etc/receiver", readOnly: true },
        ],
        ...(where === "cluster" && { ports: [{ name: "syslog", containerPort: port }] }),
    };
    const keeper = { name: "keeper", image, imagePullPolicy: "IfNotPresent", command: ["sleep", "infinity"] };
    const labels = { "app.kubernetes.io/name": NAME };
    return [
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: `${NAME}-conf` },
            data: { "rsyslog.conf": receiverConf(protocol, port, DATA_DIR) },
        } as KubeObject,
        {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: NAME, ...(where === "cluster" && { labels }) },
            spec: {
                volumes: [
                    { name: DATA, emptyDir: {} },
                    { name: "conf", configMap: { name: `${NAME}-conf` } },
                ],
                containers: where === "podman" ? [receiver, keeper] : [receiver],
            },
        } as KubeObject,
        ...(where === "cluster"
            ? [
                  {
                      apiVersion: "v1",
                      kind: "Service",
                      metadata: { name: NAME },
                      spec: { selector: labels, ports: [{ name: "syslog", port, targetPort: port }] },
                  } as KubeObject,
              ]
            : []),
    ];
}

/** Where the receiver keeps what it accepted, in its container. */
export const RECEIVER_FILE_IN_POD = `${DATA_DIR}/${RECEIVED_FILE}`;

export async function startReceiverPod(
    protocol: SyslogProtocol,
    report: (line: string) => void = console.log,
    port = 2514,
): Promise<ReceiverPod> {
    const image = chooseImage(AGENT.image, "rsyslog", report);
    report(
        `receiver: ${image.used}${image.used === image.requested ? "" : ` standing in for ${image.requested}`} (${image.how}), ${protocol} on ${port}`,
    );
    const objects = receiverObjects(image.used, protocol, port, "podman");
    const info = await playPod(objects, { log: report });
    const container = containerName(NAME, CONTAINER);
    const file = path.join(volumeMountpoint(DATA), RECEIVED_FILE);
    const raw = () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
    report(`receiver pod ${NAME} at ${info.podIp}:${port}`);
    return {
        address: `${info.podIp}:${port}`,
        container,
        // The records are JSON (escaped "/" included): count the messages, not the file's bytes.
        text: () =>
            parseReceived(raw())
                .map((m) => m.msg)
                .join("\n"),
        messages: () => parseReceived(raw()),
        // Stopped by hand, podman does not restart it (as a receiver's outage, not a crash).
        stop: () => void podman(["stop", "--time", "2", container]),
        start: async () => {
            podman(["start", container]);
            const start = Date.now();
            while (podInfo(NAME)?.readyContainers !== "2/2") {
                if (Date.now() - start > 30_000) throw new Error("the receiver did not run again within 30 s");
                await new Promise((r) => setTimeout(r, 100));
            }
        },
        down: () => {
            downPod(objects);
            report(`removed pod ${NAME}`);
        },
    };
}
