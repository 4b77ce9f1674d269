// npm run bench:profile [-- --quick]
// Where the log agent's time goes (docs/benchmark.md, "Where the agent's time goes"): the agent
// alone drains a backlog of nginx JSON records into VictoriaLogs under a CPU limit, and what each
// record costs is counted outside it -- requests and rows from VictoriaLogs' own /metrics, the
// agent's CPU from its cgroup, VictoriaLogs' CPU from /proc. Two configurations, alternating:
//  - "as shipped": the config the component generates for destination.elasticsearch;
//  - "queue in memory": the same with the ruleset's Direct queue replaced by an in-memory queue
//    that dequeues up to 1024 lines at once, the one change that batches lines into a request.
//    It is NOT what the component ships: imfile then records lines as read once they are queued,
//    and a kill -9 loses what the queue held. The last measure counts that loss.
// Writes bench/results-profile.md (results-profile-quick.md with --quick). Needs root (cgroups).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags, runMain } from "../../scripts/lib/cli";
import { isRoot, run } from "../../scripts/lib/exec";
import { REPO_ROOT } from "../../scripts/lib/render";
import { rsyslogd } from "../../scripts/lib/syslogReceiver";
import { pinnedVersions } from "../../scripts/lib/tools";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { log, sleep } from "../pods";
import { spread } from "../stats";
import { withShippers } from "./contenders";
import { measureThroughput } from "./measures";
import { appendBacklog, countOf, storedOf } from "./records";
import { ONE_CORE } from "./settings";

const VARIANTS = {
    "as shipped": (c: string) => c,
    "queue in memory": (c: string) => {
        const direct = 'ruleset(name="deliver" queue.type="Direct")';
        if (!c.includes(direct)) throw new Error(`the generated config no longer has ${direct}`);
        return c.replace(direct, 'ruleset(name="deliver" queue.type="LinkedList" queue.dequeueBatchSize="1024")');
    },
} as const;
type Variant = keyof typeof VARIANTS;

interface Drain {
    perSecond: number;
    agentCpuPer10k: number;
    serviceCpuPer10k: number;
    requestsPer1000: number;
}

/** Drains `n` records already in the log (bench/peer/measures.ts' throughput measure), and counts the requests and VictoriaLogs' CPU around it. */
async function drain(vl: VictoriaLogsProcess, variant: Variant, n: number, round: number): Promise<Drain> {
    const [requests0, service0] = [await vl.metric("vl_http_requests_total", "_bulk"), vl.cpuSeconds()];
    const t = await measureThroughput(vl, "agent", ONE_CORE, n, round, VARIANTS[variant]);
    const requests = (await vl.metric("vl_http_requests_total", "_bulk")) - requests0;
    const d = {
        perSecond: t.perSecond,
        agentCpuPer10k: t.cpuPer10k,
        serviceCpuPer10k: ((vl.cpuSeconds() - service0) / n) * 10_000,
        requestsPer1000: (requests / n) * 1000,
    };
    log(`  ${variant}: ${requests} bulk requests, VictoriaLogs CPU ${d.serviceCpuPer10k.toFixed(2)} s per 10 000`);
    return d;
}

/** A kill -9 of the agent once a sixth of a backlog is stored, then started again: records missing and stored twice. */
async function killMidBacklog(vl: VictoriaLogsProcess, variant: Variant, n: number, round: number) {
    const pod = `profile-kill-${variant.replace(/ /g, "-")}-${round}-${Date.now() % 100_000}`;
    const spec = { contender: "agent" as const, pod, millicores: ONE_CORE, confEdit: VARIANTS[variant] };
    return withShippers(vl, [spec], async ([s]) => {
        appendBacklog([s.run], pod, n);
        s.start();
        for (const start = Date.now(); (await countOf(vl, pod)) < n / 6; await sleep(50))
            if (Date.now() - start > 120_000) throw new Error(`${variant}: a sixth of ${n} not stored in 120 s`);
        await s.run.stop("SIGKILL");
        s.start();
        let st = { all: 0, distinct: 0 };
        for (let last = -1, since = Date.now(); st.distinct < n; await sleep(500)) {
            st = await storedOf(vl, pod, pod);
            if (st.distinct !== last) [last, since] = [st.distinct, Date.now()];
            else if (Date.now() - since > 30_000) break; // what is missing stays missing
        }
        const r = { missing: n - st.distinct, duplicated: st.all - st.distinct };
        log(`  ${variant}: kill -9 mid-backlog: ${r.missing} missing, ${r.duplicated} stored twice of ${n}`);
        return r;
    });
}

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { quick: false });
    const quick = flags.quick || process.env.npm_config_quick === "true";
    const [rounds, n, killN] = quick ? [1, 20_000, 12_000] : [3, 100_000, 30_000];
    if (!isRoot()) throw new Error("the profile sets CPU limits with cgroups: run it as root");
    log("VictoriaLogs (built from its Go module when not cached) ...");
    run("bash", [path.join(REPO_ROOT, "scripts", "tools.sh"), "install", "victorialogs"], { live: true });
    const rsyslogVersion = /rsyslogd\s+(\S+)/.exec(run(rsyslogd(), ["-v"]).stdout)?.[1] ?? "(unknown version)";
    const started = Date.now();
    const vl = await VictoriaLogsProcess.start();
    const drains: Record<Variant, Drain[]> = { "as shipped": [], "queue in memory": [] };
    const kills: Record<Variant, Array<{ missing: number; duplicated: number }>> = {
        "as shipped": [],
        "queue in memory": [],
    };
    try {
        for (let r = 0; r < rounds; r++)
            for (const v of Object.keys(VARIANTS) as Variant[]) drains[v].push(await drain(vl, v, n, r));
        for (let r = 0; r < rounds; r++)
            for (const v of Object.keys(VARIANTS) as Variant[]) kills[v].push(await killMidBacklog(vl, v, killN, r));
    } finally {
        await vl.stop();
    }
    const cell = (v: Variant, f: (d: Drain) => number, digits: number) => {
        const s = spread(drains[v].map(f));
        return `**${s.median.toFixed(digits)}** (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
    };
    const lossCell = (v: Variant) =>
        kills[v].map((k) => `${k.missing} / ${k.duplicated}`).join(", ") + ` of ${killN} each`;
    const rows = [
        ["records/s at 1 core, draining", (v: Variant) => cell(v, (d) => d.perSecond, 0)],
        ["bulk requests per 1000 records", (v: Variant) => cell(v, (d) => d.requestsPer1000, 1)],
        ["agent CPU s per 10 000 records", (v: Variant) => cell(v, (d) => d.agentCpuPer10k, 2)],
        ["VictoriaLogs CPU s per 10 000 records", (v: Variant) => cell(v, (d) => d.serviceCpuPer10k, 2)],
        ["kill -9 mid-backlog, started again: missing / stored twice", lossCell],
    ] as const;
    const text = `# Where the log agent's time goes

Measured by \`npm run bench:profile${quick ? " -- --quick" : ""}\` in one run (${Math.round((Date.now() - started) / 1000)} s) on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), kernel ${os.release()}, Node ${process.version}; rsyslogd ${rsyslogVersion}, VictoriaLogs ${pinnedVersions().VICTORIALOGS_VERSION}.

The agent alone drains ${n} nginx JSON records already in its log into VictoriaLogs' bulk API, under a CPU limit of one core (a cgroup quota), ${rounds} round(s) per configuration, alternating; the rate counts from 10% to 90% stored. Requests and rows are VictoriaLogs' own counters (\`vl_http_requests_total\` of the bulk path), the agent's CPU its cgroup's, VictoriaLogs' from /proc. Median of the rounds, their range in brackets. "queue in memory" is **not** what the component ships: the ruleset's Direct queue replaced by an in-memory queue dequeuing up to 1024 lines at once; imfile then records lines as read once they are queued, and a kill -9 loses what the queue held (last row, ${killN} records, killed once a sixth is stored).

| figure | as shipped (Direct: one line at a time) | queue in memory (not shipped) |
|---|---|---|
${rows.map(([name, f]) => `| ${name} | ${f("as shipped")} | ${f("queue in memory")} |`).join("\n")}
`;
    const file = path.join(REPO_ROOT, "bench", quick ? "results-profile-quick.md" : "results-profile.md");
    fs.writeFileSync(file, text);
    console.log(`\n${text}\nwritten to ${path.relative(REPO_ROOT, file)}`);
});
