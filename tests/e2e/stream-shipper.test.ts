// The stream shipper on a real podman, with retention on, under load and faults: every access-log
// line reaches the sidecar's stdout, counted line by line. Each test prints what it measured.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { poll, run } from "../../scripts/lib/exec";
import { podman } from "../../scripts/lib/podman";
import { requestInPod } from "../../scripts/lib/pod";
import { awaitRunning, hostPid, killAndAwaitRestart, nothingLeft, report, RunningPod, startPod } from "./harness";
import { countShipped, LoadResult, loadPod, summarize } from "../../scripts/lib/load";
import { readShipperRecord } from "../shipper/harness";

const SHIP_TIMEOUT_MS = 30_000;
const MiB = 2 ** 20;

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

describe("e2e: the stream shipper on podman, retention on", function () {
    this.timeout(15 * 60_000);
    // "4Mi": about 2 MiB per log, well above a second's worth of access log at this machine's rate.
    const maxSize = 4 * MiB;
    let pod: RunningPod;
    let volume: string;
    const state = (log: string, kind: "pos" | "freed") => Number(readShipperRecord(volume, `${log}.${kind}`)?.[1] ?? 0);
    const allocated = () => Number(run("du", ["-s", "-B1", volume]).stdout.split(/\s+/)[0]);

    before(async () => {
        pod = await startPod("dev", {
            shipper: "stream",
            retention: JSON.stringify({ maxAge: "24h", maxSize: "4Mi" }),
        });
        volume = podman(["volume", "inspect", "shared-logs", "--format", "{{.Mountpoint}}"]).stdout.trim();
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

    it("rotation: the volume stays within maxSize under load and no line is missing from the stream", async () => {
        const apparent = () => Number(run("du", ["-s", "-B1", "--apparent-size", volume]).stdout.split(/\s+/)[0]);
        const n = 60_000; // ~6 MiB of access log: half again the bound
        let peak = 0;
        const sampler = setInterval(() => {
            peak = Math.max(peak, allocated());
        }, 200);
        try {
            const load = await loadPod(pod.name, n, { tag: "rot" });
            const { counts } = await awaitShipped(pod, load, n);
            const settled = Date.now();
            await poll("retention to catch up", 15_000, () => (allocated() <= maxSize ? true : undefined), 250).catch(
                () => undefined,
            );
            report(
                `retention caught up ${((Date.now() - settled) / 1000).toFixed(1)}s after the last line was shipped`,
            );
            peak = Math.max(peak, allocated());
            const s = summarize(counts);
            report(
                `retention 4Mi: ${n} requests in ${load.seconds.toFixed(1)}s (${Math.round(n / load.seconds)} req/s); logs written ${(apparent() / MiB).toFixed(2)} MiB, volume uses ${(allocated() / MiB).toFixed(2)} MiB now, peak ${(peak / MiB).toFixed(2)} MiB sampled every 200 ms (bound 4.00 MiB); shipped once ${s.once}, missing ${s.missing}, duplicated ${s.duplicated}`,
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

    it("fault: sidecar kill -9 under load -> nothing missing, at most about a second of lines re-shipped", async () => {
        // curl's --rate waits whole milliseconds: at most 1000 requests a second are paced.
        const n = 6000;
        const rate = 500;
        const loading = loadPod(pod.name, n, { tag: "sidecar-kill", ratePerSecond: rate, timeoutMs: 60_000 });
        await new Promise((r) => setTimeout(r, 3000));
        const restart = await killAndAwaitRestart(pod, "sidecar-container");
        const loadingAtKill = !(await Promise.race([loading.then(() => true), Promise.resolve(false)]));
        const load = await loading;
        const { counts, waited } = await awaitShipped(pod, load, n);
        const s = summarize(counts);
        const bound = Math.ceil(rate * 1.5); // a second of traffic, plus a poll and the restart's own poll
        report(
            `sidecar kill -9 at ${rate} req/s: restarted in ${restart.toFixed(2)}s; ${n} requests: missing ${s.missing}, re-shipped ${s.extra} lines (bound ${bound}: a second of traffic and a poll); all shipped ${waited.toFixed(2)}s after the load ended`,
        );
        expect(loadingAtKill, "the load was still running when the sidecar was killed").to.equal(true);
        expect(load.ok).to.equal(n);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("fault: shipping stalled (sidecar paused) -> retention frees nothing unshipped; after it resumes nothing is missing", async () => {
        const n = 20_000; // ~2 MiB, as the sidecar stays frozen
        const before = { pos: state("access.log", "pos"), freed: state("access.log", "freed") };
        podman(["pause", pod.container("sidecar-container")]);
        let load: LoadResult;
        let during: { pos: number; freed: number; size: number };
        try {
            load = await loadPod(pod.name, n, { tag: "stall" });
            await new Promise((r) => setTimeout(r, 2000));
            during = {
                pos: state("access.log", "pos"),
                freed: state("access.log", "freed"),
                size: fs.statSync(path.join(volume, "access.log")).size,
            };
        } finally {
            podman(["unpause", pod.container("sidecar-container")]);
        }
        const { counts, waited } = await awaitShipped(pod, load, n);
        const s = summarize(counts);
        report(
            `stalled: while paused the log grew to ${during.size} bytes; checkpoint ${before.pos} -> ${during.pos}, freed ${before.freed} -> ${during.freed} (never past the checkpoint); after unpause ${waited.toFixed(2)}s to ship all: missing ${s.missing}, duplicated ${s.duplicated}`,
        );
        expect(during.freed).to.be.at.most(during.pos);
        expect(during.pos, "nothing was shipped while paused").to.equal(before.pos);
        expect(s.missing).to.equal(0);
        expect(s.duplicated).to.equal(0);
    });

    it("fault: nginx kill -9 -> restarted; lines written before and after are all shipped", async () => {
        const before = await loadPod(pod.name, 300, { tag: "pre-nginx-kill" });
        await awaitShipped(pod, before, 300);
        const restart = await killAndAwaitRestart(pod, "nginx-container");
        await poll(
            "nginx answering again",
            30_000,
            () => (requestInPod(pod.name, "/") === 200 ? true : undefined),
            250,
        );
        const after = await loadPod(pod.name, 300, { tag: "post-nginx-kill" });
        const a = summarize((await awaitShipped(pod, before, 300)).counts);
        const b = summarize((await awaitShipped(pod, after, 300)).counts);
        report(
            `nginx kill -9: restarted in ${restart.toFixed(2)}s; before the kill: missing ${a.missing}, duplicated ${a.duplicated}; after: missing ${b.missing}, duplicated ${b.duplicated}`,
        );
        expect(before.ok).to.equal(300);
        expect(after.ok).to.equal(300);
        expect(a).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
        expect(b).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
    });

    it("fault: access.log truncated (`: > access.log`) -> lines before and after are all shipped", async () => {
        const before = await loadPod(pod.name, 300, { tag: "pre-truncate" });
        await awaitShipped(pod, before, 300);
        pod.exec("nginx-container", ["sh", "-c", ": > /var/log/nginx/access.log"]);
        const after = await loadPod(pod.name, 300, { tag: "post-truncate" });
        const a = summarize((await awaitShipped(pod, before, 300)).counts);
        const b = summarize((await awaitShipped(pod, after, 300)).counts);
        report(
            `truncate: before missing ${a.missing}, duplicated ${a.duplicated}; after missing ${b.missing}, duplicated ${b.duplicated}`,
        );
        expect(a).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
        expect(b).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
    });

    it("restart on a long freed history (a 20 GiB sparse prefix): the first new line within 2 s, no NUL shipped", async () => {
        const sidecar = pod.container("sidecar-container");
        const old = await loadPod(pod.name, 100, { tag: "pre-history" });
        await awaitShipped(pod, old, 100);
        // Stopped (podman does not restart a container it was told to stop): TERM, so it checkpoints.
        const pid = hostPid(pod, "sidecar-container");
        podman(["stop", "--time", "5", sidecar]);
        const log = path.join(volume, "access.log");
        // 20 GiB of freed history between what was shipped and what nginx writes next.
        fs.truncateSync(log, fs.statSync(log).size + 20 * 2 ** 30);
        const fresh = await loadPod(pod.name, 200, { tag: "post-history" });
        const apparent = fs.statSync(log).size;
        podman(["start", sidecar]);
        await awaitRunning(pod, "sidecar-container", pid);
        // Both instants from the runtime's own clock: when the container started, and when its first
        // new line was logged (podman logs --timestamps), not when this test's polling saw them.
        const startedNs = BigInt(
            podman(["inspect", sidecar, "--format", "{{.State.StartedAt.UnixNano}}"]).stdout.trim(),
        );
        const marker = `"GET ${fresh.prefix}`;
        let firstLine = "";
        await poll(
            "the first line written after the freed history",
            30_000,
            () => {
                const out = podman([
                    "logs",
                    "--timestamps",
                    "--since",
                    new Date(Number(startedNs / 1_000_000n) - 1000).toISOString(),
                    sidecar,
                ]).stdout;
                firstLine = out.split("\n").find((l) => l.includes(marker)) ?? "";
                return firstLine ? true : undefined;
            },
            100,
        );
        const stamp = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d+)Z/.exec(firstLine)!;
        const firstNs = BigInt(Date.parse(`${stamp[1]}Z`)) * 1_000_000n + BigInt(stamp[2].padEnd(9, "0").slice(0, 9));
        const recovery = Number(firstNs - startedNs) / 1e9;
        const { counts } = await awaitShipped(pod, fresh, 200);
        const s = summarize(counts);
        const logs = pod.logs("sidecar-container");
        report(
            `access.log ${(apparent / 2 ** 30).toFixed(1)} GiB apparent, ${((fs.statSync(log).blocks * 512) / MiB).toFixed(1)} MiB on disk; the restarted sidecar logged its first new line ${recovery.toFixed(2)}s after it started (runtime timestamps); ${JSON.stringify(s)}; NUL bytes shipped: ${logs.includes("\0")}`,
        );
        expect(recovery).to.be.below(2);
        expect(s.missing).to.equal(0);
        expect(logs.includes("\0")).to.equal(false);
    });
});
