// The comparison bench's pure parts (npm run bench:peer runs the rest on this machine): the
// collector's config is the at-least-once setup the report describes, the CPU limit is the preset's,
// and a shipper is called ahead only when every round of it beats every round of the other.
import { expect } from "chai";
import { PRODUCTION_PRESET, VICTORIALOGS_BULK_QUERY } from "../../components/defaults";
import { otelcolConfig, otlpLogsEndpoint } from "../../bench/peer/otelcol";
import { verdict } from "../../bench/peer/report";
import { PRESET_MILLICORES } from "../../bench/peer/settings";

describe("bench:peer (log agent vs OpenTelemetry Collector)", () => {
    it("configures the collector to lose nothing: offsets and sending queue in file_storage, reading from the start, retries without end", () => {
        const c = JSON.parse(otelcolConfig("/logs", "/state", otlpLogsEndpoint(9428)));
        expect(c.extensions.file_storage.directory).to.equal("/state");
        const r = c.receivers.file_log;
        expect(r.include).to.deep.equal(["/logs/access.log", "/logs/error.log"]);
        expect(r).to.deep.include({ start_at: "beginning", storage: "file_storage" });
        expect(r.retry_on_failure).to.deep.equal({ enabled: true, max_elapsed_time: 0 });
        const e = c.exporters.otlp_http;
        expect(e.sending_queue.storage).to.equal("file_storage");
        expect(e.retry_on_failure).to.deep.equal({ enabled: true, max_elapsed_time: 0 });
        expect(c.service.pipelines.logs).to.deep.equal({ receivers: ["file_log"], exporters: ["otlp_http"] });
        expect(c.service.extensions).to.deep.equal(["file_storage"]);
    });

    it("gives the collector's records the fields and stream the agent's carry", () => {
        const c = JSON.parse(otelcolConfig("/logs", "/state", otlpLogsEndpoint(9428)));
        const fields = c.receivers.file_log.operators.map((o: { field?: string; to?: string }) => o.field ?? o.to);
        for (const f of [
            "attributes.log",
            "attributes.namespace",
            "attributes.pod",
            "attributes.node",
            "attributes.container",
        ])
            expect(fields, f).to.include(f);
        const endpoint = new URL(c.exporters.otlp_http.logs_endpoint);
        expect(endpoint.pathname).to.equal("/insert/opentelemetry/v1/logs");
        expect(endpoint.searchParams.get("_stream_fields")).to.equal(
            new URLSearchParams(VICTORIALOGS_BULK_QUERY).get("_stream_fields"),
        );
    });

    it("limits both to the sidecar's CPU limit of the production preset", () => {
        expect(`${PRESET_MILLICORES}m`).to.equal(PRODUCTION_PRESET.resources.sidecar.limits.cpu);
    });

    it("names a shipper ahead, with a ratio, only where all its rounds beat all the other's", () => {
        const row = (agent: number[], otelcol: number[], better: "higher" | "lower") => ({
            figure: "x",
            rounds: { agent, otelcol },
            better,
            digits: 0,
        });
        expect(verdict(row([500, 520, 540], [1600, 1650, 1700], "higher"))).to.equal("otelcol 3.2× more");
        expect(verdict(row([18, 19, 20], [40, 42, 45], "lower"))).to.equal("agent 2.2× less");
        // Overlapping rounds: no claim either way.
        expect(verdict(row([0.9, 1.0, 1.1], [1.0, 1.05, 1.2], "lower"))).to.equal("within the rounds' spread");
        expect(verdict(row([500, 900], [800, 1000], "higher"))).to.equal("within the rounds' spread");
    });
});
