// Restart recovery of the stream shipper with retention: `kill -9` under load (restart time, first
// new line, lines shipped again), and a start on a 20 GiB freed history (first new line).
import * as fs from "fs";
import * as path from "path";
import { poll } from "../../scripts/lib/exec";
import { awaitShipped, countShipped, loadPod } from "../../scripts/lib/load";
import { containerName, volumeMountpoint } from "../../scripts/lib/pod";
import { podman } from "../../scripts/lib/podman";
import { renderRunnable } from "../../scripts/lib/runnable";
import { log, sleep, STREAM_RETAINED, withPod } from "../pods";
import { firstLineAfterStart } from "../runtimeLog";
import { Settings } from "../settings";

export interface KillRound {
    restartS: number;
    firstLineS: number;
    reshipped: number;
    perSecond: number;
}

export interface RecoveryResult {
    kill: KillRound[];
    /** Per round: seconds from the start to the first new line after 20 GiB of freed history. */
    history: number[];
}

export async function measureRecovery(s: Settings): Promise<RecoveryResult> {
    const { objects } = await renderRunnable("dev", STREAM_RETAINED, log);
    const kill: KillRound[] = [];
    const history: number[] = [];
    for (let round = 0; round < s.recoveryRounds; round++) {
        await withPod(objects, async (name) => {
            const sidecar = containerName(name, "sidecar-container");
            const pid = () => Number(podman(["inspect", sidecar, "--format", "{{.State.Pid}}"]).stdout.trim());
            // curl paces at most 1000 requests a second (whole milliseconds).
            const rate = 500;
            const loading = loadPod(name, rate * 8, { tag: `rec${round}`, ratePerSecond: rate });
            await sleep(2500);
            const before = pid();
            const t0 = Date.now();
            process.kill(before, "SIGKILL");
            await poll("sidecar restarted", 30_000, () => (pid() > 0 && pid() !== before ? true : undefined), 20);
            const restartS = (Date.now() - t0) / 1000;
            const load = await loading;
            const { counts } = await awaitShipped(() => podman(["logs", sidecar]).stdout, load);
            const { startedNs, firstNs } = firstLineAfterStart(sidecar, `"GET ${load.prefix}`, t0 - 1000);
            kill.push({
                restartS,
                firstLineS: firstNs ? Number(firstNs - startedNs) / 1e9 : NaN,
                reshipped: counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
                perSecond: load.ok / load.seconds,
            });
            log(`recovery round ${round + 1}: kill ${JSON.stringify(kill[kill.length - 1])}`);

            // 20 GiB of freed history between what was shipped and what comes next.
            podman(["stop", "--time", "5", sidecar]);
            const file = path.join(volumeMountpoint("shared-logs"), "access.log");
            fs.truncateSync(file, fs.statSync(file).size + 20 * 2 ** 30);
            const fresh = await loadPod(name, 50, { tag: `hist${round}` });
            const t1 = Date.now();
            podman(["start", sidecar]);
            await poll(
                "first line after the history",
                60_000,
                () => (countShipped(podman(["logs", sidecar]).stdout, fresh, 50).some((c) => c > 0) ? true : undefined),
                100,
            );
            const h = firstLineAfterStart(sidecar, `"GET ${fresh.prefix}`, t1 - 1000);
            history.push(h.firstNs ? Number(h.firstNs - h.startedNs) / 1e9 : NaN);
            log(
                `recovery round ${round + 1}: 20 GiB history -> first line ${history[history.length - 1].toFixed(2)} s`,
            );
        });
    }
    return { kill, history };
}
