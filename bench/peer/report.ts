// The comparison's report: one row per figure, each shipper's median with the range of its rounds
// beside it, and which one is ahead -- by a ratio only where the rounds' ranges do not overlap.
import { percentile, spread } from "../stats";
import { Contender, CONTENDERS, TITLE } from "./contenders";
import { LossResult, SteadyResult, ThroughputResult } from "./measures";
import { ONE_CORE, PeerSettings, PRESET_MILLICORES } from "./settings";

export interface PeerReport {
    s: PeerSettings;
    machine: string;
    versions: string;
    throughput: ThroughputResult[];
    steady: SteadyResult[][];
    outage: LossResult[][];
    kill: LossResult[][];
    seconds: number;
}

interface Row {
    figure: string;
    /** Per shipper, one value per round. */
    rounds: Record<Contender, number[]>;
    better: "higher" | "lower";
    digits: number;
}

const f = (x: number, d: number) => x.toFixed(d);

/** Who is ahead on a row: a ratio of medians when every round of one beats every round of the other. */
export function verdict(row: Row): string {
    const [a, b] = CONTENDERS.map((c) => spread(row.rounds[c]));
    const aAhead = row.better === "higher" ? a.min > b.max : a.max < b.min;
    const bAhead = row.better === "higher" ? b.min > a.max : b.max < a.min;
    if (!aAhead && !bAhead) return "within the rounds' spread";
    const [win, lose, who] = aAhead ? [a, b, CONTENDERS[0]] : [b, a, CONTENDERS[1]];
    const ratio = row.better === "higher" ? win.median / lose.median : lose.median / win.median;
    return `${who} ${Number.isFinite(ratio) ? `${f(ratio, 1)}×` : ""} ${row.better === "higher" ? "more" : "less"}`;
}

function rows(r: PeerReport): Row[] {
    const by = <T extends { contender: Contender }>(xs: T[], v: (x: T) => number) =>
        Object.fromEntries(CONTENDERS.map((c) => [c, xs.filter((x) => x.contender === c).map(v)])) as Record<
            Contender,
            number[]
        >;
    const tp = (mc: number) => r.throughput.filter((x) => x.millicores === mc);
    const steady = r.steady.flat();
    const mc = (m: number) => (m >= ONE_CORE ? `${m / ONE_CORE} core` : `${m}m CPU`);
    return [
        {
            figure: `most records/s at ${mc(PRESET_MILLICORES)} (the preset's sidecar limit)`,
            rounds: by(tp(PRESET_MILLICORES), (x) => x.perSecond),
            better: "higher",
            digits: 0,
        },
        {
            figure: `most records/s at ${mc(ONE_CORE)}`,
            rounds: by(tp(ONE_CORE), (x) => x.perSecond),
            better: "higher",
            digits: 0,
        },
        {
            figure: `request → queryable, p50 s (${r.s.steadyRate}/s, ${mc(PRESET_MILLICORES)})`,
            rounds: by(steady, (x) => percentile(x.latencies, 50)),
            better: "lower",
            digits: 2,
        },
        {
            figure: `request → queryable, p95 s`,
            rounds: by(steady, (x) => percentile(x.latencies, 95)),
            better: "lower",
            digits: 2,
        },
        {
            figure: `CPU s per 10 000 records at ${r.s.steadyRate}/s`,
            rounds: by(steady, (x) => x.cpuPer10k),
            better: "lower",
            digits: 2,
        },
        {
            figure: `CPU s per 10 000 records draining at ${mc(ONE_CORE)}`,
            rounds: by(tp(ONE_CORE), (x) => x.cpuPer10k),
            better: "lower",
            digits: 2,
        },
        {
            figure: `peak memory MiB at ${r.s.steadyRate}/s`,
            rounds: by(steady, (x) => x.peakRssMiB),
            better: "lower",
            digits: 1,
        },
        {
            figure: `peak memory MiB draining at ${mc(ONE_CORE)}`,
            rounds: by(tp(ONE_CORE), (x) => x.peakRssMiB),
            better: "lower",
            digits: 1,
        },
    ];
}

export function peerReport(r: PeerReport): string {
    const cell = (xs: number[], d: number) => {
        const v = spread(xs);
        return `**${f(v.median, d)}** (${f(v.min, d)}-${f(v.max, d)})`;
    };
    /** Records lost and stored twice, summed over the rounds: "missing / duplicated of written". */
    const losses = (xs: LossResult[], c: Contender) => {
        const mine = xs.filter((x) => x.contender === c);
        const sum = (k: "missing" | "duplicated" | "records") => mine.reduce((t, x) => t + x[k], 0);
        return `${sum("missing")} / ${sum("duplicated")} of ${sum("records")}`;
    };
    const outage = r.outage.flat();
    const kill = r.kill.flat();
    return [
        `# Log agent vs OpenTelemetry Collector${r.s.quick ? " (quick run)" : ""}`,
        "",
        `Measured by \`npm run bench:peer${r.s.quick ? " -- --quick" : ""}\` in one run (${r.seconds.toFixed(0)} s) on ${r.machine}. ${r.versions}`,
        "",
        "Both ship the same nginx JSON access records (written to each one's own log, the same moment) into one VictoriaLogs, as plain processes on this machine, each in a cgroup with a CPU quota as a container's `limits.cpu` sets. The agent: rsyslog with the config the component generates for `destination.elasticsearch` (bulk API, no queue: the log is the buffer). The collector: filelog receiver (from the start, offsets in `file_storage`, JSON parsed, time from `@timestamp`, the same Kubernetes fields) → `otlp_http` into VictoriaLogs' OTLP input, its sending queue persisted in `file_storage`, retries without end: what its docs give for surviving an outage.",
        "",
        `Throughput: each drains a backlog already in its log, alone, ${r.s.throughputRounds} round(s) each, alternating; the rate counts from 10% to 90% stored. Steady: both at once at ${r.s.steadyRate} records/s for ${r.s.steadySeconds} s, ${r.s.steadyRounds} round(s); a probe record each second is polled every 50 ms until a query finds it (VictoriaLogs' own delay before a record is queryable is in both figures). CPU: the cgroup's CPU time; memory: the sum of its processes' peak RSS. Median of the rounds, their range in brackets; a shipper is called ahead only where all its rounds beat all the other's.`,
        "",
        `| figure | ${TITLE.agent} | ${TITLE.otelcol} | ahead |`,
        "|---|---|---|---|",
        ...rows(r).map(
            (row) =>
                `| ${row.figure} | ${cell(row.rounds.agent, row.digits)} | ${cell(row.rounds.otelcol, row.digits)} | ${verdict(row)} |`,
        ),
        `| through ${r.s.outageRounds} outage(s) of VictoriaLogs of ${r.s.outageSeconds} s at ${r.s.steadyRate}/s: missing / duplicated of written | ${losses(outage, "agent")} | ${losses(outage, "otelcol")} | |`,
        `| through ${r.s.killRounds} \`kill -9\`(s) of the shipper at ${r.s.steadyRate}/s, started again: missing / duplicated of written | ${losses(kill, "agent")} | ${losses(kill, "otelcol")} | |`,
        "",
    ].join("\n");
}
