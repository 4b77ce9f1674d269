// npm run bench [-- --quick]   (also: npm run bench --quick)
// Measures, side by side in one run on this machine: render time, pod start, shipping latency,
// output growth and serving cost for the cat-loop and stream shippers and for nginx alone, and
// the log agent's delivery to a syslog receiver (latency, recovery after a receiver outage).
// Prints a table and writes bench/results.md (bench/results-quick.md with --quick) and a chart.
// Load goes only to nginx on the pod's loopback (from inside its network namespace), bounded.
// One file per measure (bench/measures/), each returning a typed result; a measure that fails
// fails the run.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags, runMain } from "../scripts/lib/cli";
import { have, isRoot, run } from "../scripts/lib/exec";
import { containersConf, ensurePodman, podmanVersion } from "../scripts/lib/podman";
import { REPO_ROOT } from "../scripts/lib/render";
import { renderRunnable } from "../scripts/lib/runnable";
import { writeChart } from "./chart";
import { measureDelivery } from "./measures/delivery";
import { measureGrowth } from "./measures/growth";
import { measureLatency } from "./measures/latency";
import { measureRecovery } from "./measures/recovery";
import { measureRender, measureStart } from "./measures/render";
import { measureServing } from "./measures/serving";
import { log } from "./pods";
import { Machine, report } from "./report";
import { FULL, QUICK, Settings } from "./settings";

runMain(async () => {
    const flags = parseFlags(process.argv.slice(2), { quick: false });
    const quick = flags.quick || process.env.npm_config_quick === "true";
    const s: Settings = quick ? QUICK : FULL;
    const started = Date.now();
    ensurePodman(log);
    if (!have("wrk")) {
        if (!isRoot()) throw new Error("wrk is not installed; install it with: sudo apt-get install -y wrk");
        log("installing wrk (Debian package)");
        run("apt-get", ["install", "-y", "-q", "wrk"], {
            live: true,
            env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        });
    }
    // `podman logs` is spawned directly by the growth measure: give it the private config too.
    process.env.CONTAINERS_CONF = containersConf();
    const machine: Machine = {
        cores: os.cpus().length,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        cpu: os.cpus()[0]?.model ?? "unknown",
        kernel: os.release(),
        podman: podmanVersion(),
        node: process.version,
    };
    log(
        `machine: ${machine.cores} cores, ${machine.memGiB} GiB, ${machine.cpu}; podman ${machine.podman}; ${quick ? "quick" : "full"} run`,
    );

    log("render ...");
    const render = await measureRender(s);
    const { objects: seedObjects, images } = await renderRunnable("dev", {}, log);
    log("start ...");
    const start = await measureStart(s, seedObjects);
    log("shipping latency ...");
    const latency = [await measureLatency(s, "cat-loop"), await measureLatency(s, "stream")];
    log("output growth ...");
    const growth = [await measureGrowth(s, "cat-loop"), await measureGrowth(s, "stream")];
    log("serving cost and latency at saturation ...");
    const { serving, saturation } = await measureServing(s);
    log("restart recovery ...");
    const recovery = await measureRecovery(s);
    log("delivery to a syslog receiver ...");
    const delivery = await measureDelivery(s);
    const seconds = (Date.now() - started) / 1000;

    const md = report({
        s,
        machine,
        images,
        render,
        start,
        latency,
        growth,
        serving,
        saturation,
        recovery,
        delivery,
        seconds,
    });
    console.log(md);
    const out = path.join(REPO_ROOT, "bench", quick ? "results-quick.md" : "results.md");
    fs.writeFileSync(out, md);
    const chart = path.join(REPO_ROOT, "bench", quick ? "chart-quick.svg" : "chart.svg");
    writeChart(chart, latency, growth);
    log(`wrote ${path.relative(REPO_ROOT, out)} and ${path.relative(REPO_ROOT, chart)} in ${seconds.toFixed(0)} s`);
});
