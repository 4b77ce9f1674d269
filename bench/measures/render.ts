// Render and start: `npm run render`'s wall time, the program's evaluation alone, and
// `podman kube play` to 2/2 running.
import { spawnSync } from "child_process";
import { downPod, playPod } from "../../scripts/lib/pod";
import { REPO_ROOT, renderStack } from "../../scripts/lib/render";
import { KubeObject } from "../../scripts/lib/schema";
import { Settings } from "../settings";
import { spread, Spread } from "../stats";

export interface RenderResult {
    /** `npm run render` in a new process (npm's own start left out), ms. */
    cliMs: Spread;
    /** The program evaluated under the mock engine in a warm process, ms. */
    evalMs: Spread;
}

export async function measureRender(s: Settings): Promise<RenderResult> {
    const cli: number[] = [];
    for (let i = 0; i < s.reps; i++) {
        const t = process.hrtime.bigint();
        const r = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "scripts/render.ts"], {
            cwd: REPO_ROOT,
        });
        if (r.status !== 0) throw new Error(`npm run render failed: ${r.stderr}`);
        cli.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    await renderStack({ stack: "dev" }); // warm: modules loaded once, as in a long-lived process
    const evaluation: number[] = [];
    for (let i = 0; i < s.reps * 2; i++) {
        const t = process.hrtime.bigint();
        await renderStack({ stack: "dev" });
        evaluation.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return { cliMs: spread(cli), evalMs: spread(evaluation) };
}

export interface StartResult {
    seconds: Spread;
    runs: number;
}

export async function measureStart(s: Settings, objects: KubeObject[]): Promise<StartResult> {
    const times: number[] = [];
    for (let i = 0; i < Math.max(s.reps, 3); i++) {
        const t = Date.now();
        await playPod(objects, { log: () => undefined });
        times.push((Date.now() - t) / 1000);
        downPod(objects);
    }
    return { seconds: spread(times), runs: times.length };
}
