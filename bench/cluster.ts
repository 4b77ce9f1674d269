// npm run bench:cluster [-- --quick]
// A Deployment of three webservers' log agents into the LogService, a single node against cluster
// mode (two storage nodes and a front node with the component's command line), side by side in
// one run, all plain processes on this machine: each agent under the production preset's CPU limit
// drains a backlog into one of the two; the records a second all three deliver together, the
// LogService's own CPU per 10 000 records, and every record counted (missing, duplicated). Rounds
// alternate the two, the order flipped each round. Writes bench/results-cluster.md
// (results-cluster-quick.md with --quick). Needs root (CPU limits are cgroups) and rsyslog with its
// elasticsearch module; builds VictoriaLogs from its Go module when it is not cached.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateLogService } from "../components";
import { frontendArgs } from "../components/logService/cluster";
import { parseFlags, runMain } from "../scripts/lib/cli";
import { awaitProgress, isRoot, run } from "../scripts/lib/exec";
import { REPO_ROOT } from "../scripts/lib/render";
import { rsyslogd } from "../scripts/lib/syslogReceiver";
import { pinnedVersions } from "../scripts/lib/tools";
import { VictoriaLogsProcess } from "../scripts/lib/victoriaLogs";
import { log } from "./pods";
import { withShippers } from "./peer/contenders";
import { appendBacklog, countOf, storedOf } from "./peer/records";
import { PRESET_MILLICORES } from "./peer/settings";
import { spread, Spread } from "./stats";

const AGENTS = 3;
const SETTINGS = {
    full: { rounds: 3, perAgent: 10_000 },
    quick: { rounds: 1, perAgent: 3_000 },
};

type Mode = "single" | "cluster";

/** Where the agents deliver (`front`) and every process of the LogService (for its CPU). */
interface Target {
    mode: Mode;
    front: VictoriaLogsProcess;
    processes: VictoriaLogsProcess[];
}

interface FleetResult {
    mode: Mode;
    perSecond: number;
    serviceCpuPer10k: number;
    missing: number;
    duplicated: number;
}

/** Three agents at the preset's limit drain `n` records each into `t`; the rate counts from 10% to 90% of all stored. */
async function measureFleet(t: Target, n: number, round: number): Promise<FleetResult> {
    const id = `${t.mode}-${round}-${Date.now() % 100_000}`;
    const specs = Array.from({ length: AGENTS }, (_, i) => ({
        contender: "agent" as const,
        pod: `fleet-${id}-${i}`,
        millicores: PRESET_MILLICORES,
    }));
    return withShippers(t.front, specs, async (shippers) => {
        for (const s of shippers) appendBacklog([s.run], s.pod, n);
        const cpu = () => t.processes.reduce((sum, p) => sum + p.cpuSeconds(), 0);
        const cpuBefore = cpu();
        shippers.forEach((s) => s.start());
        const total = AGENTS * n;
        const samples: Array<{ t: number; n: number }> = [];
        const { stalled } = await awaitProgress(
            async () => {
                const counts = await Promise.all(shippers.map((s) => countOf(t.front, s.pod)));
                const sum = counts.reduce((a, b) => a + b, 0);
                samples.push({ t: Date.now(), n: sum });
                return { done: sum >= total, progress: sum };
            },
            { stallMs: 60_000, intervalMs: 250, capMs: 15 * 60_000 },
        );
        const serviceCpu = cpu() - cpuBefore;
        const stored = await Promise.all(shippers.map((s) => storedOf(t.front, s.pod)));
        const missing = stored.reduce((a, st) => a + (n - st.distinct), 0);
        const duplicated = stored.reduce((a, st) => a + (st.all - st.distinct), 0);
        if (stalled || missing > 0)
            throw new Error(
                `${t.mode}: ${missing} of ${total} records missing${stalled ? " (delivery stalled)" : ""}; the agents said:\n${shippers.map((s) => s.output().slice(-800)).join("\n")}`,
            );
        const at = (share: number) => samples.find((x) => x.n >= share * total)!;
        const [a, b] = [at(0.1), at(0.9)];
        const perSecond = (b.n - a.n) / Math.max((b.t - a.t) / 1000, 0.25);
        log(
            `  ${t.mode}: ${total} records, ${perSecond.toFixed(0)}/s, the service's CPU ${serviceCpu.toFixed(1)} s, duplicated ${duplicated}`,
        );
        return { mode: t.mode, perSecond, serviceCpuPer10k: (serviceCpu / total) * 10_000, missing, duplicated };
    });
}

const fmt = (x: Spread, digits = 0) =>
    `${x.median.toFixed(digits)} (${x.min.toFixed(digits)}–${x.max.toFixed(digits)})`;

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { quick: false });
    const quick = flags.quick || process.env.npm_config_quick === "true";
    const s = quick ? SETTINGS.quick : SETTINGS.full;
    if (!isRoot()) throw new Error("the agents' CPU limits are cgroups: run it as root");
    rsyslogd();
    run("bash", [path.join(REPO_ROOT, "scripts", "tools.sh"), "install", "victorialogs"], {
        live: true,
        timeoutMs: 30 * 60_000,
    });
    const started = Date.now();
    const single = await VictoriaLogsProcess.start();
    const storage = [await VictoriaLogsProcess.start(), await VictoriaLogsProcess.start()];
    // The component's front node: its -storageNode lists as many nodes as these.
    const v = validateLogService("logs", { access: { open: true }, cluster: { storageNodes: storage.length } });
    const listed = frontendArgs(v.name, v.cluster!)
        .find((a) => a.startsWith("-storageNode="))!
        .split(",");
    if (listed.length !== storage.length) throw new Error(`the front node lists ${listed.length} storage nodes`);
    const front = await VictoriaLogsProcess.start({ storageNodes: storage.map((x) => `127.0.0.1:${x.httpPort}`) });
    const targets: Target[] = [
        { mode: "single", front: single, processes: [single] },
        { mode: "cluster", front, processes: [front, ...storage] },
    ];
    try {
        const results: FleetResult[] = [];
        for (let round = 0; round < s.rounds; round++)
            for (const t of round % 2 ? [...targets].reverse() : targets)
                results.push(await measureFleet(t, s.perAgent, round));
        const of = (mode: Mode) => results.filter((r) => r.mode === mode);
        const row = (mode: Mode, what: string) => {
            const rs = of(mode);
            return `| ${what} | ${fmt(spread(rs.map((r) => r.perSecond)))} | ${fmt(spread(rs.map((r) => r.serviceCpuPer10k)), 2)} | ${rs.reduce((a, r) => a + r.missing, 0)} | ${rs.reduce((a, r) => a + r.duplicated, 0)} |`;
        };
        const pin = pinnedVersions();
        const md = `# LogService: one node or the cluster, under a Deployment of three agents

Measured by \`npm run bench:cluster${quick ? " -- --quick" : ""}\` in one run (${Math.round((Date.now() - started) / 1000)} s) on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), kernel ${os.release()}, Node ${process.version}; VictoriaLogs ${pin.VICTORIALOGS_VERSION}, all plain processes.

${AGENTS} log agents (the component's rsyslog config for the bulk API), each under the production preset's CPU limit (${PRESET_MILLICORES}m), drain ${s.perAgent} access records each into the LogService: a single node, or cluster mode with ${storage.length} storage nodes and a front node (the component's command line). ${s.rounds} round${s.rounds > 1 ? "s" : ""} each, alternating, the order flipped each round; median (min–max across rounds).

| LogService | records/s, all ${AGENTS} agents together | the service's CPU s per 10 000 records | missing | duplicated |
|---|---|---|---|---|
${row("single", "single node")}
${row("cluster", `cluster (${storage.length} storage, 1 front)`)}
`;
        console.log(md);
        fs.writeFileSync(path.join(REPO_ROOT, "bench", quick ? "results-cluster-quick.md" : "results-cluster.md"), md);
    } finally {
        for (const p of [front, ...storage, single]) await p.stop();
    }
});
