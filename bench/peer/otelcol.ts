// The OpenTelemetry Collector as a user would set it up for the same job as the log agent (built by
// `npm run tools -- otelcol` with the collector's builder): the filelog receiver reading both of
// nginx's logs from the start with its offsets checkpointed in file_storage, the otlp_http exporter
// into VictoriaLogs' OTLP input with its sending queue persisted in the same storage (what its docs
// give for surviving an outage and a restart) and retries that never give up. Records carry what
// the agent's carry: the JSON access record's fields, `message` as the text, `@timestamp` as the
// time, and log, namespace, pod, node, container.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ShipperOptions, ShipperRun } from "../../tests/shipper/harness";
import { toolDir } from "../../scripts/lib/tools";
import { VICTORIALOGS_BULK_QUERY } from "../../components/defaults";

/** VictoriaLogs' OTLP logs endpoint with the stream fields the agent's bulk requests name. */
export function otlpLogsEndpoint(httpPort: number): string {
    const stream = new URLSearchParams(VICTORIALOGS_BULK_QUERY).get("_stream_fields")!;
    return `http://127.0.0.1:${httpPort}/insert/opentelemetry/v1/logs?_stream_fields=${stream}`;
}

/** The collector's config (YAML is a superset of JSON): logs of `logDir` to `endpoint`, state in `storageDir`. */
export function otelcolConfig(logDir: string, storageDir: string, endpoint: string): string {
    const fromEnv = (field: string, env: string) => ({ type: "add", field, value: `EXPR(env("${env}"))` });
    const config = {
        extensions: { file_storage: { directory: storageDir } },
        receivers: {
            file_log: {
                include: [path.join(logDir, "access.log"), path.join(logDir, "error.log")],
                // Lines written before the collector started are shipped too, as the agent's are.
                start_at: "beginning",
                storage: "file_storage",
                include_file_name: true,
                // Reading waits while the exporter refuses (a full queue) instead of dropping.
                retry_on_failure: { enabled: true, max_elapsed_time: 0 },
                operators: [
                    // Access records are JSON: fields, their text and their time.
                    {
                        type: "json_parser",
                        if: 'body matches "^\\\\{"',
                        timestamp: {
                            parse_from: 'attributes["@timestamp"]',
                            layout_type: "gotime",
                            layout: "2006-01-02T15:04:05Z07:00",
                        },
                    },
                    { type: "move", if: "attributes.message != nil", from: "attributes.message", to: "body" },
                    // "access" or "error", as the agent's records say which log.
                    {
                        type: "add",
                        field: "attributes.log",
                        value: 'EXPR(attributes["log.file.name"] == "access.log" ? "access" : "error")',
                    },
                    { type: "remove", field: 'attributes["log.file.name"]' },
                    fromEnv("attributes.namespace", "POD_NAMESPACE"),
                    fromEnv("attributes.pod", "POD_NAME"),
                    fromEnv("attributes.node", "NODE_NAME"),
                    { type: "add", field: "attributes.container", value: "nginx-container" },
                ],
            },
        },
        exporters: {
            otlp_http: {
                logs_endpoint: endpoint,
                sending_queue: { storage: "file_storage", batch: {} },
                retry_on_failure: { enabled: true, max_elapsed_time: 0 },
            },
        },
        service: {
            extensions: ["file_storage"],
            telemetry: { metrics: { level: "none" }, logs: { level: "warn" } },
            pipelines: { logs: { receivers: ["file_log"], exporters: ["otlp_http"] } },
        },
    };
    return JSON.stringify(config, null, 2);
}

/** The collector reading a log directory a writer appends to, as a plain process. */
export class OtelcolProcess extends ShipperRun {
    private readonly confDir = fs.mkdtempSync(path.join(os.tmpdir(), "otelcol-"));

    constructor(endpoint: string, options: ShipperOptions) {
        super(options);
        fs.mkdirSync(path.join(this.confDir, "storage"));
        fs.writeFileSync(this.confFile, otelcolConfig(this.dir, path.join(this.confDir, "storage"), endpoint));
    }

    get confFile(): string {
        return path.join(this.confDir, "config.yaml");
    }

    override argv(): string[] {
        return [path.join(toolDir("otelcol"), "otelcol"), `--config=${this.confFile}`];
    }

    override async dispose(): Promise<void> {
        await super.dispose();
        fs.rmSync(this.confDir, { recursive: true, force: true });
    }
}
