// The stream shipper on a real podman, under load and faults: every access-log line reaches the
// sidecar's stdout, counted line by line. Each test prints what it measured.
import { expect } from "chai";
import { poll, run } from "../../scripts/lib/exec";
import { podman } from "../../scripts/lib/podman";
import { requestInPod } from "../../scripts/lib/pod";
import { nothingLeft, report, RunningPod, startPod } from "./harness";
import { countShipped, LoadResult, loadPod, summarize } from "../../scripts/lib/load";

const SHIP_TIMEOUT_MS = 30_000;

function hostPid(pod: RunningPod, container: string): number {
    return Number(podman(["inspect", pod.container(container), "--format", "{{.State.Pid}}"]).stdout.trim());
}

/** Kills a container's main process with SIGKILL and waits (bounded) for podman to restart it. */
async function killAndAwaitRestart(pod: RunningPod, container: string): Promise<number> {
    const before = hostPid(pod, container);
    const started = Date.now();
    run("kill", ["-9", String(before)]);
    await poll(
        `${container} restarted`,
        60_000,
        () => {
            const state = podman(
                ["inspect", pod.container(container), "--format", "{{.State.Status}} {{.State.Pid}}"],
                { allowFail: true },
            )
                .stdout.trim()
                .split(" ");
            return state[0] === "running" && Number(state[1]) !== before && Number(state[1]) > 0 ? true : undefined;
        },
        200,
    );
    return (Date.now() - started) / 1000;
}

/** Waits until every request of a load was shipped at least once; returns the counts and the wait. */
async function awaitShipped(pod: RunningPod, load: LoadResult, n: number) {
    const start = Date.now();
    let counts: number[] = [];
    try {
        await poll(
            "every request's line in the sidecar's output",
            SHIP_TIMEOUT_MS,
            () => {
                counts = countShipped(pod.logs("sidecar-container"), load, n);
                return counts.every((c) => c > 0) ? true : undefined;
            },
            250,
        );
    } catch {
        // fall through: the assertions below report what is missing
    }
    return { counts, waited: (Date.now() - start) / 1000 };
}

describe("e2e: the stream shipper on podman", function () {
    this.timeout(15 * 60_000);

    describe("without retention", () => {
        let pod: RunningPod;
        before(async () => {
            pod = await startPod("dev", { shipper: "stream" });
        });
        after(() => {
            if (!pod) return;
            pod.down();
            expect(nothingLeft(pod)).to.deep.equal([]);
        });

        it("load: every request's access-log line is shipped exactly once", async () => {
            const n = 2000;
            const load = await loadPod(pod.name, n, { tag: "load" });
            expect(load.ok, "requests answered 200").to.equal(n);
            const { counts, waited } = await awaitShipped(pod, load, n);
            const s = summarize(counts);
            report(
                `load: ${n} requests in ${load.seconds.toFixed(2)}s (${Math.round(n / load.seconds)} req/s); shipped once ${s.once}, missing ${s.missing}, duplicated ${s.duplicated}; all shipped ${waited.toFixed(2)}s after the load ended`,
            );
            expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        });

        it("fault: nginx killed -> restarted, earlier lines kept in the volume, later lines shipped", async () => {
            const before = await loadPod(pod.name, 50, { tag: "pre-kill" });
            await awaitShipped(pod, before, 50);
            const restart = await killAndAwaitRestart(pod, "nginx-container");
            const volume = pod.exec("sidecar-container", ["cat", "/var/log/nginx/access.log"]);
            const kept = summarize(countShipped(volume, before, 50));
            await poll(
                "nginx answering again",
                30_000,
                () => (requestInPod(pod.name, "/") === 200 ? true : undefined),
                250,
            );
            const after = await loadPod(pod.name, 200, { tag: "post-kill" });
            const { counts, waited } = await awaitShipped(pod, after, 200);
            const s = summarize(counts);
            report(
                `nginx kill -9: restarted in ${restart.toFixed(2)}s; ${kept.once}/50 earlier lines still in access.log; after restart ${s.once}/200 shipped once, missing ${s.missing}, duplicated ${s.duplicated} (${waited.toFixed(2)}s)`,
            );
            expect(kept.missing, "earlier lines lost from the volume").to.equal(0);
            expect(after.ok).to.equal(200);
            expect(s.missing).to.equal(0);
            expect(s.duplicated).to.equal(0);
        });

        it("fault: sidecar killed -> after its restart no line is missing (duplicates counted)", async () => {
            const n = 300;
            const first = await loadPod(pod.name, n, { tag: "pre-sidecar-kill" });
            await awaitShipped(pod, first, n);
            const restart = await killAndAwaitRestart(pod, "sidecar-container");
            // Lines written while the shipper is (re)starting must not be lost either.
            const during = await loadPod(pod.name, n, { tag: "sidecar-restart" });
            const a = await awaitShipped(pod, first, n);
            const b = await awaitShipped(pod, during, n);
            const sa = summarize(a.counts);
            const sb = summarize(b.counts);
            report(
                `sidecar kill -9: restarted in ${restart.toFixed(2)}s; lines before the kill: missing ${sa.missing}, re-shipped ${sa.duplicated} (tail -n +1 starts over); lines after: missing ${sb.missing}, duplicated ${sb.duplicated}`,
            );
            expect(sa.missing).to.equal(0);
            expect(sb.missing).to.equal(0);
        });
    });

    describe("with retention", () => {
        // "4Mi": 2 MiB per file, well above a second's worth of access log at this machine's rate.
        const maxSize = 4 * 1024 * 1024;
        let pod: RunningPod;
        before(async () => {
            pod = await startPod("dev", {
                shipper: "stream",
                retention: JSON.stringify({ maxAge: "24h", maxSize: "4Mi" }),
            });
        });
        after(() => {
            if (!pod) return;
            pod.down();
            expect(nothingLeft(pod)).to.deep.equal([]);
        });

        it("rotation: the volume stays within maxSize under load and no line is missing from the stream", async () => {
            const mount = podman(["volume", "inspect", "shared-logs", "--format", "{{.Mountpoint}}"]).stdout.trim();
            const allocated = () => Number(run("du", ["-s", "-B1", mount]).stdout.split(/\s+/)[0]);
            const apparent = () => Number(run("du", ["-s", "-B1", "--apparent-size", mount]).stdout.split(/\s+/)[0]);
            const n = 60_000; // ~6 MiB of access log: half again the bound
            let peak = 0;
            const sampler = setInterval(() => {
                peak = Math.max(peak, allocated());
            }, 200);
            let load: LoadResult;
            try {
                load = await new Promise((resolve) =>
                    setImmediate(() => resolve(loadPod(pod.name, n, { tag: "rot", ratePerSecond: 2000 }))),
                );
                const { counts } = await awaitShipped(pod, load, n);
                // Retention runs once a second: wait (bounded) until it has caught up with the load.
                const settled = Date.now();
                await poll(
                    "retention to catch up",
                    15_000,
                    () => (allocated() <= maxSize ? true : undefined),
                    250,
                ).catch(() => undefined);
                report(
                    `retention caught up ${((Date.now() - settled) / 1000).toFixed(1)}s after the last line was shipped`,
                );
                peak = Math.max(peak, allocated());
                const s = summarize(counts);
                report(
                    `retention 4Mi: ${n} requests in ${load.seconds.toFixed(1)}s (${Math.round(n / load.seconds)} req/s); access log written ${(apparent() / 2 ** 20).toFixed(2)} MiB, volume uses ${(allocated() / 2 ** 20).toFixed(2)} MiB now, peak ${(peak / 2 ** 20).toFixed(2)} MiB sampled every 200 ms during the load (bound 4.00 MiB); shipped once ${s.once}, missing ${s.missing}, duplicated ${s.duplicated}`,
                );
                expect(apparent(), "the load wrote more than the bound").to.be.greaterThan(maxSize);
                expect(allocated(), "volume usage now").to.be.at.most(maxSize);
                expect(peak, "volume usage during the load").to.be.at.most(maxSize);
                expect(s.missing).to.equal(0);
                expect(s.duplicated).to.equal(0);
            } finally {
                clearInterval(sampler);
            }
        });
    });
});
