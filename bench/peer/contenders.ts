// The two log shippers the comparison runs side by side into one VictoriaLogs: the component's log
// agent (rsyslog, agent.sh and the config the component generates for destination.elasticsearch,
// tests/shipper/agentHarness.ts) and the OpenTelemetry Collector (./otelcol.ts). Each reads its own
// log directory, which the writer fills with the same lines, runs under its own CPU limit, and
// labels its records with its own pod name, so one query counts what each delivered.
import { ShipperRun } from "../../tests/shipper/harness";
import { AgentProcess, bulkTargetOf, RECORD_ENV } from "../../tests/shipper/agentHarness";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { CpuLimit } from "./cpuLimit";
import { OtelcolProcess, otlpLogsEndpoint } from "./otelcol";

export const CONTENDERS = ["agent", "otelcol"] as const;
export type Contender = (typeof CONTENDERS)[number];

/** How the report names them. */
export const TITLE: Record<Contender, string> = {
    agent: "log agent (rsyslog, bulk API)",
    otelcol: "OpenTelemetry Collector (filelog → OTLP/HTTP)",
};

/** One contender reading its own directory, under its own CPU limit, its records labelled `pod`. */
export class Shipper {
    readonly run: ShipperRun;
    readonly limit: CpuLimit;

    constructor(
        readonly contender: Contender,
        readonly pod: string,
        vl: VictoriaLogsProcess,
        millicores: number,
        /** A change to the agent's generated config (the profile's variants, bench/peer/profile.ts). */
        confEdit?: (conf: string) => string,
    ) {
        this.limit = new CpuLimit(`webserver-bench-${pod}`, millicores);
        const options = { env: { ...RECORD_ENV, POD_NAME: pod }, launcher: (argv: string[]) => this.limit.wrap(argv) };
        this.run =
            contender === "agent"
                ? new AgentProcess(bulkTargetOf(vl), options, confEdit)
                : new OtelcolProcess(otlpLogsEndpoint(vl.httpPort), options);
    }

    start(): void {
        this.run.start();
    }

    /** What it printed: the agent's lines or the collector's warnings. */
    output(): string {
        return (this.run.out + this.run.err).trim();
    }

    async dispose(): Promise<void> {
        await this.run.dispose();
        this.limit.dispose();
    }
}

/** Runs `fn` with a shipper of each spec started, and always stops them and removes their directories. */
export async function withShippers<T>(
    vl: VictoriaLogsProcess,
    specs: Array<{ contender: Contender; pod: string; millicores: number; confEdit?: (conf: string) => string }>,
    fn: (s: Shipper[]) => Promise<T>,
): Promise<T> {
    const shippers: Shipper[] = [];
    try {
        for (const x of specs) shippers.push(new Shipper(x.contender, x.pod, vl, x.millicores, x.confEdit));
        return await fn(shippers);
    } finally {
        for (const s of shippers) await s.dispose();
    }
}
