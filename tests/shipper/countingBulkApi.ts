// A bulk API on this machine that counts what it stores, for the agent's tests
// (tests/shipper/agent-metrics.test.ts, agent-overflow.test.ts), and the agent's metrics as a
// scraper reads them.
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import { AGENT } from "../../components";
import { ElasticsearchTarget } from "../../components/model";
import { parsePrometheus, Samples } from "../helpers/prometheus";
import { AgentProcess, accessRecordOf } from "./agentHarness";
import { ShipperOptions, until } from "./harness";

/** A bulk API that stores every document's message, refusing (400, inside a 200) those starting with "bad". */
export class CountingBulkApi {
    readonly stored: string[] = [];
    readonly refused: string[] = [];
    private server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
            res.setHeader("content-type", "application/json");
            if (req.method !== "POST" || !body.trim()) return void res.end("{}");
            const docs = body
                .split("\n")
                .filter(Boolean)
                .filter((_, i) => i % 2 === 1)
                .map((d) => String(JSON.parse(d).message));
            const items = docs.map((m) => {
                if (m.startsWith("bad")) {
                    this.refused.push(m);
                    return { create: { status: 400, error: { type: "document_parsing_exception", reason: "bad" } } };
                }
                this.stored.push(m);
                return { create: { status: 201 } };
            });
            res.end(JSON.stringify({ took: 1, errors: items.some((i) => i.create.status >= 400), items }));
        });
    });
    private port = 0;

    async up(): Promise<ElasticsearchTarget> {
        await new Promise<void>((r) => this.server.listen(this.port, "127.0.0.1", () => r()));
        this.port = (this.server.address() as net.AddressInfo).port;
        return { kind: "elasticsearch", server: `http://127.0.0.1:${this.port}`, query: "", index: "nginx" };
    }

    /** Stops listening and drops open connections: the agent's next request is refused. */
    async down(): Promise<void> {
        const closed = new Promise((r) => this.server.close(r));
        this.server.closeAllConnections();
        await closed;
    }

    count(prefix: string): number {
        return this.stored.filter((m) => m.startsWith(prefix)).length;
    }
}

/** The agent's metrics file as a scraper would read it (strictly parsed), or no samples before its first. */
export function metricsOf(r: AgentProcess): Samples {
    const f = r.file(AGENT.metrics.file);
    return fs.existsSync(f) ? parsePrometheus(fs.readFileSync(f, "utf8")) : new Map();
}

export { agentMetric as metric } from "../helpers/prometheus";

/** nginx's JSON access line with `message` and its @timestamp at `at` (nginx's $time_iso8601, UTC). */
export const accessLine = (message: string, at = new Date()) =>
    accessRecordOf({ message, "@timestamp": at.toISOString().replace(/\.\d+Z$/, "+00:00") });

/** The messages `before 0` .. `before <n-1>` the tests deliver before taking the service away. */
export const earlyLines = (n: number): string[] => Array.from({ length: n }, (_, i) => `before ${i}`);

/**
 * The agent started against `api` with `options`, and `n` access lines (earlyLines) written and
 * stored: the outages of the tests start past byte 512, where imfile records its position once
 * out of turn (agent.sh's rewind_first_record says more).
 */
export async function agentWithEarlyLines(
    api: CountingBulkApi,
    options: ShipperOptions,
    n: number,
    onStart: (r: AgentProcess) => void,
): Promise<AgentProcess> {
    const r = new AgentProcess(await api.up(), options);
    onStart(r);
    r.start();
    r.write(
        "access.log",
        earlyLines(n).map((m) => accessLine(m)),
    );
    await until(
        "the first lines stored",
        30_000,
        () => api.count("before") === n,
        () => r.err.slice(-2000),
    );
    return r;
}
