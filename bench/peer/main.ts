// npm run bench:peer [-- --quick]
// The log agent against the peer a user would pick instead, the OpenTelemetry Collector, side by
// side in one run and into one VictoriaLogs (all plain processes on this machine, no podman): the
// most records a second each sustains at the preset's CPU limit and at one core, latency from a
// record's write to a query finding it, CPU and memory, records lost and duplicated through an
// outage of the service and through a kill -9. Prints a table and writes bench/results-peer.md (results-peer-quick.md
// with --quick). Needs root (CPU limits are cgroups), rsyslog with its elasticsearch module, and
// builds VictoriaLogs and the collector from their Go modules when they are not cached.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags, runMain } from "../../scripts/lib/cli";
import { isRoot, run } from "../../scripts/lib/exec";
import { REPO_ROOT } from "../../scripts/lib/render";
import { rsyslogd } from "../../scripts/lib/syslogReceiver";
import { pinnedVersions } from "../../scripts/lib/tools";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { log } from "../pods";
import { CONTENDERS } from "./contenders";
import {
    measureKill,
    measureOutage,
    measureSteady,
    measureThroughput,
    LossResult,
    SteadyResult,
    ThroughputResult,
} from "./measures";
import { peerReport } from "./report";
import { FULL, ONE_CORE, PRESET_MILLICORES, QUICK } from "./settings";

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { quick: false });
    const s = flags.quick || process.env.npm_config_quick === "true" ? QUICK : FULL;
    if (!isRoot()) throw new Error("the comparison sets CPU limits with cgroups: run it as root");
    rsyslogd();
    log("VictoriaLogs and the OpenTelemetry Collector (built from their Go modules when not cached) ...");
    // Cold, both builds take minutes (about 3 each here).
    run("bash", [path.join(REPO_ROOT, "scripts", "tools.sh"), "install", "victorialogs", "otelcol"], {
        live: true,
        timeoutMs: 60 * 60_000,
    });
    const pin = pinnedVersions();
    // "rsyslogd  8.2302.0 (aka 2023.02) compiled with:" -> "rsyslogd 8.2302.0"
    const rsyslogVersion = `rsyslogd ${/rsyslogd\s+(\S+)/.exec(run(rsyslogd(), ["-v"]).stdout)?.[1] ?? "(unknown version)"}`;
    const started = Date.now();
    const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB (${os.cpus()[0]?.model ?? "unknown"}), kernel ${os.release()}, Node ${process.version}`;

    const vl = await VictoriaLogsProcess.start();
    try {
        log(`throughput at ${PRESET_MILLICORES}m and ${ONE_CORE}m CPU ...`);
        const throughput: ThroughputResult[] = [];
        for (const mc of [PRESET_MILLICORES, ONE_CORE])
            for (let round = 0; round < s.throughputRounds; round++)
                // Alternating, the order flipped each round: a neighbour's load shifts over minutes.
                for (const c of round % 2 ? [...CONTENDERS].reverse() : CONTENDERS)
                    throughput.push(await measureThroughput(vl, c, mc, s.backlog(mc), round));
        log(`steady load, ${s.steadyRate} records/s ...`);
        const steady: SteadyResult[][] = [];
        for (let round = 0; round < s.steadyRounds; round++) steady.push(await measureSteady(vl, s, round));
        log(`outage of ${s.outageSeconds} s under load ...`);
        const outage: LossResult[][] = [];
        for (let round = 0; round < s.outageRounds; round++) outage.push(await measureOutage(vl, s, round));
        log(`kill -9 of both under load ...`);
        const kill: LossResult[][] = [];
        for (let round = 0; round < s.killRounds; round++) kill.push(await measureKill(vl, s, round));

        const md = peerReport({
            s,
            machine,
            versions: `VictoriaLogs ${pin.VICTORIALOGS_VERSION}; ${rsyslogVersion}; OpenTelemetry Collector ${pin.OTELCOL_VERSION} (contrib ${pin.OTELCOL_CONTRIB_VERSION}).`,
            throughput,
            steady,
            outage,
            kill,
            seconds: (Date.now() - started) / 1000,
        });
        console.log(md);
        const out = path.join(REPO_ROOT, "bench", s.quick ? "results-peer-quick.md" : "results-peer.md");
        fs.writeFileSync(out, md);
        log(`wrote ${path.relative(REPO_ROOT, out)}`);
    } finally {
        await vl.stop();
    }
});
