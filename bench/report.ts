// The benchmark's report: one typed result per measure (bench/measures/), as the Markdown tables
// of bench/results.md, each median with the spread of its rounds beside it.
import { AGENT } from "../components";
import { RunnableRender } from "../scripts/lib/runnable";
import { DeliveryResult } from "./measures/delivery";
import { GrowthResult } from "./measures/growth";
import { LatencyResult } from "./measures/latency";
import { RecoveryResult } from "./measures/recovery";
import { RenderResult, StartResult } from "./measures/render";
import { SaturationResult, ServingVariant } from "./measures/serving";
import { Settings } from "./settings";
import { spread } from "./stats";

export interface Machine {
    cores: number;
    memGiB: number;
    cpu: string;
    kernel: string;
    podman: string;
    node: string;
}

export interface BenchReport {
    s: Settings;
    machine: Machine;
    images: RunnableRender["images"];
    render: RenderResult;
    start: StartResult;
    latency: LatencyResult[];
    growth: GrowthResult[];
    serving: ServingVariant[];
    saturation: SaturationResult;
    recovery: RecoveryResult;
    delivery: DeliveryResult;
    seconds: number;
}

export function report(r: BenchReport): string {
    const f = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(d));
    /** A median and the range of the rounds beside it. */
    const sp = (xs: number[], d = 2) => {
        const v = spread(xs);
        return `**${f(v.median, d)}** | ${f(v.min, d)}-${f(v.max, d)}`;
    };
    const { s, machine } = r;
    const lines = [
        `# Benchmark results${s.quick ? " (quick run)" : ""}`,
        "",
        `Measured by \`npm run bench${s.quick ? " -- --quick" : ""}\` in one run (${r.seconds.toFixed(0)} s) on ${machine.cores} cores, ${machine.memGiB} GiB (${machine.cpu}), kernel ${machine.kernel}, podman ${machine.podman}, Node ${machine.node}.`,
        "Times on a shared machine vary from run to run; the ratios are the headline.",
        `Images: ${r.images.map((i) => `${i.container} ${i.used}${i.used === i.requested ? "" : ` (stand-in for ${i.requested})`}`).join("; ")}.`,
        "",
        "![latency and output growth](" + (s.quick ? "chart-quick.svg" : "chart.svg") + ")",
        "",
        "## Serving cost and latency at saturation (headline)",
        "",
        `The three variants run as three pods side by side; \`wrk -t1 -c${s.wrkConnections}\` loads one at a time on its pod's loopback for ${s.servingWindowSeconds} s, each in turn, ${s.servingCycles} cycles, the order rotated each cycle. The ratio is taken per cycle against that cycle's nginx-alone window (seconds apart, so a neighbour's load on this shared machine, which shifts over minutes, mostly cancels out); median, with the middle half (p25-p75) and min-max of the cycles. Sidecar CPU: its cgroup's CPU time during its windows over their wall time (100% = one core), median; memory: its cgroup's peak, page cache included. The stream shipper runs with retention (maxAge 24h, maxSize 200Mi), as production does.`,
        "",
        "| variant | requests/s median (min-max) | ratio to nginx alone | p25-p75 | min-max | sidecar CPU % | sidecar memory MiB (peak) |",
        "|---|---|---|---|---|---|---|",
        ...r.serving.map(
            (v) =>
                `| ${v.label} | ${f(v.rps, 0)} (${f(v.rpsMin, 0)}-${f(v.rpsMax, 0)}) | **${f(v.ratio)}** | ${f(v.ratioP25)}-${f(v.ratioP75)} | ${f(v.ratioMin)}-${f(v.ratioMax)} | ${f(v.sidecarCpu, 1)} | ${f(v.sidecarMemMiB, 1)} |`,
        ),
        "",
        `Shipping latency while wrk saturates nginx (stream + retention; ${s.saturationRounds} \`wrk -d${s.wrkSeconds}s\` run(s) of their own, so the sender's CPU does not count above): about ${s.saturationTagRate} requests a second sent beside wrk by a shell loop in the pod's network namespace, each carrying its send time; latency = the runtime's timestamp of its line in the sidecar's log (conmon's log file) minus that send time. ${r.saturation.n} requests over all rounds, ${r.saturation.missing} not shipped when the sidecar's output had stopped growing for 10 s (read incrementally; a failed read fails the run).`,
        "",
        "| p50 s | p95 s | p99 s | max s |",
        "|---|---|---|---|",
        `| ${f(r.saturation.p50)} | ${f(r.saturation.p95)} | **${f(r.saturation.p99)}** | ${f(r.saturation.max)} |`,
        "",
        "## Restart recovery (stream + retention)",
        "",
        `${s.recoveryRounds} round(s). Kill: \`kill -9\` of the sidecar 2.5 s into an 8 s load of 500 requests/s; podman restarts it. History: the sidecar stopped, 20 GiB of freed history (a hole) put between what it shipped and what nginx writes next, then started. Times from the runtime's own timestamps (container start to the first new line in its log).`,
        "",
        "| measure | median | min-max |",
        "|---|---|---|",
        ...[
            ["kill -9: process restarted after (s)", r.recovery.kill.map((k) => k.restartS)],
            ["kill -9: first new line after the restart (s)", r.recovery.kill.map((k) => k.firstLineS)],
            ["kill -9: lines shipped again", r.recovery.kill.map((k) => k.reshipped)],
            [
                "kill -9: lines shipped again, in seconds of traffic",
                r.recovery.kill.map((k) => k.reshipped / k.perSecond),
            ],
            ["20 GiB history: first new line after the start (s)", r.recovery.history],
        ].map(([label, xs]) => `| ${label} | ${sp(xs as number[])} |`),
        "",
        "## Delivery to a syslog receiver (destination, RELP)",
        "",
        `The dev Pod with \`destination\` at a receiver pod (rsyslog in receiver mode, imrelp, from the same image). Latency: ${r.delivery.latency.n} requests one at a time, 50 ms apart, from just before a request is sent (so curl's own start in the pod's network namespace is included, which on this machine is most of it: measured from curl's exit instead, lines arrived before it; an upper bound) to its arrival by the receiver's own clock (its reception time); the dev Pod has no CPU limits; ${r.delivery.latency.missing} not delivered when arrivals had stopped for 10 s. Outage: ${s.outageRounds} round(s) of a ${s.outageSeconds} s receiver stop in a load of 200 requests/s (a backlog of about ${200 * s.outageSeconds} lines); recovery = the receiver's start to the arrival of the last line nginx had logged by then (the agent retries at most ${AGENT.retryMaxSeconds} s apart, so up to that much of it is the retry interval).`,
        "",
        "| measure | median | min-max |",
        "|---|---|---|",
        `| latency, request sent -> receiver, p50 (s; an upper bound) | **${f(r.delivery.latency.p50)}** | p95 ${f(r.delivery.latency.p95)}, p99 ${f(r.delivery.latency.p99)} |`,
        ...[
            ["outage: recovery, the backlog delivered after the start (s)", r.delivery.outage.map((o) => o.recoveryS)],
            ["outage: lines missing", r.delivery.outage.map((o) => o.missing)],
            ["outage: lines delivered twice", r.delivery.outage.map((o) => o.duplicated)],
        ].map(([label, xs]) => `| ${label} | ${sp(xs as number[])} |`),
        "",
        "## Shipping latency",
        "",
        `From a request's completion to its line on the sidecar's stdout as the runtime records it (conmon's log file, which \`kubectl logs\` / \`podman logs\` read; polled every 20 ms), ${r.latency[0].n} requests each, one at a time, spread over one period for cat-loop.`,
        "",
        "| shipper | p50 s | p95 s | p99 s | not shipped |",
        "|---|---|---|---|---|",
        ...r.latency.map(
            (l) =>
                `| ${l.shipper}${l.period ? ` (period ${l.period} s)` : ""} | ${f(l.p50)} | ${f(l.p95)} | ${f(l.p99)} | ${l.missing} |`,
        ),
        "",
        "## Output growth (duplication factor)",
        "",
        `Bytes on the sidecar's stdout per byte of access.log + error.log, with steady traffic of ${s.growthRate} requests/s; cat-loop's period shortened to ${s.growthPeriod} s so the run stays short (same clock for stream).`,
        "",
        "| shipper | after 1 period | after 5 periods | after 10 periods |",
        "|---|---|---|---|",
        ...r.growth.map((g) => `| ${g.shipper} | ${f(g.ratios[1])} | ${f(g.ratios[5])} | ${f(g.ratios[10])} |`),
        "",
        "## Render and start",
        "",
        "| measure | median | min-max |",
        "|---|---|---|",
        `| \`npm run render\` wall time, ms (new process: Node, sucrase, SDK; npm's own start left out; ${s.reps} runs) | **${f(r.render.cliMs.median, 0)}** | ${f(r.render.cliMs.min, 0)}-${f(r.render.cliMs.max, 0)} |`,
        `| program evaluation alone, ms (index.ts under the mock engine, warm process; ${s.reps * 2} runs) | **${f(r.render.evalMs.median, 1)}** | ${f(r.render.evalMs.min, 1)}-${f(r.render.evalMs.max, 1)} |`,
        `| \`podman kube play\` to 2/2 running, s, images cached (incl. emptyDir setup; ${r.start.runs} runs) | **${f(r.start.seconds.median)}** | ${f(r.start.seconds.min)}-${f(r.start.seconds.max)} |`,
        "",
    ];
    return lines.join("\n");
}
