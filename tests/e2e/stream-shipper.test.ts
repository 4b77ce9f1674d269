// The stream shipper on a real podman, with retention on, under load and faults: every access-log
// line reaches the sidecar's stdout, counted line by line. Each test prints what it measured.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { poll, run } from "../../scripts/lib/exec";
import { podman } from "../../scripts/lib/podman";
import { requestInPod, volumeMountpoint } from "../../scripts/lib/pod";
import {
    awaitRunning,
    containerPids,
    containerReadBytes,
    hostPid,
    killAndAwaitRestart,
    nothingLeft,
    report,
    RunningPod,
    startPod,
} from "./harness";
import { awaitShipped, linesBetween, LoadResult, loadPod, loadPrefix, summarize } from "../../scripts/lib/load";
import { newestAge, recordOffset, retentionExcess } from "../shipper/harness";
import { uutilsStandin } from "../../scripts/lib/images";

/** Waits for shipping's end when nothing more was shipped for this long (a slow machine keeps shipping). */
const STALL_MS = 30_000;
const MiB = 2 ** 20;

/** Waits until every request a load sent is in the sidecar's output, or none more came for STALL_MS. */
let marks = 0;
const awaitInOutput = (pod: RunningPod, load: LoadResult) =>
    awaitShipped(
        () => pod.logs("sidecar-container"),
        load,
        STALL_MS,
        () => {
            const mark = `/settled-${++marks}-${Date.now().toString(36)}`;
            requestInPod(pod.name, mark);
            return mark;
        },
    );

/** The sidecar's `tail` processes (the stream shipper's shipping; its retention runs in the script). */
function tails(pod: RunningPod): number[] {
    return containerPids(pod, "sidecar-container").filter((p) => {
        try {
            return fs.readFileSync(`/proc/${p}/comm`, "utf8").trim() === "tail";
        } catch {
            return false;
        }
    });
}

describe("e2e: the stream shipper on podman, retention on", function () {
    this.timeout(15 * 60_000);
    // "4Mi": about 2 MiB per log, well above a second's worth of access log at this machine's rate.
    const maxSize = 4 * MiB;
    let pod: RunningPod;
    let volume: string;
    /** A state record's offset, or undefined when there is none. */
    const state = (log: string, kind: "pos" | "freed") => recordOffset(volume, `${log}.${kind}`);
    const allocated = () => Number(run("du", ["-s", "-B1", volume]).stdout.split(/\s+/)[0]);

    before(async () => {
        pod = await startPod("dev", {
            shipper: "stream",
            retention: JSON.stringify({ maxAge: "24h", maxSize: "4Mi" }),
        });
        volume = volumeMountpoint("shared-logs");
    });
    after(() => {
        if (!pod) return;
        pod.down();
        expect(nothingLeft(pod)).to.deep.equal([]);
    });

    it("load: every request's access-log line is shipped exactly once", async () => {
        const n = 2000;
        const load = await loadPod(pod.name, n, { tag: "load" });
        expect(load.ok, "requests answered 200 (of those sent)").to.equal(load.sent);
        const { counts, waited } = await awaitInOutput(pod, load);
        const s = summarize(counts);
        report(
            `load: ${load.sent} of ${n} requests sent in ${load.seconds.toFixed(2)}s (${Math.round(load.sent / load.seconds)} req/s); shipped once ${s.once}, missing ${s.missing}, duplicated ${s.duplicated}; all shipped ${waited.toFixed(2)}s after the load ended`,
        );
        expect(load.sent, "requests sent").to.be.above(0);
        expect(s).to.deep.equal({ missing: 0, once: load.sent, duplicated: 0, extra: 0 });
    });

    it("rotation: the volume stays within maxSize (but for unshipped bytes) under load, no line missing from the stream", async () => {
        const apparent = () => Number(run("du", ["-s", "-B1", "--apparent-size", volume]).stdout.split(/\s+/)[0]);
        const n = 60_000; // ~6 MiB of access log: half again the bound
        let peak = 0;
        let worst = -Infinity;
        let samples = 0;
        // README: the volume stays within maxSize, yielding only to bytes not yet shipped.
        const sampler = setInterval(() => {
            const { excess, recorded } = retentionExcess(volume, maxSize, allocated);
            peak = Math.max(peak, allocated());
            worst = Math.max(worst, excess);
            if (recorded) samples++;
        }, 200);
        try {
            const load = await loadPod(pod.name, n, { tag: "rot" });
            const { counts } = await awaitInOutput(pod, load);
            const settled = Date.now();
            await poll("retention to catch up", 60_000, () => (allocated() <= maxSize ? true : undefined), 250).catch(
                () => undefined,
            );
            report(
                `retention caught up ${((Date.now() - settled) / 1000).toFixed(1)}s after the last line was shipped`,
            );
            const s = summarize(counts);
            report(
                `retention 4Mi: ${load.sent} requests in ${load.seconds.toFixed(1)}s (${Math.round(load.sent / load.seconds)} req/s); logs written ${(apparent() / MiB).toFixed(2)} MiB, volume uses ${(allocated() / MiB).toFixed(2)} MiB now, peak ${(peak / MiB).toFixed(2)} MiB sampled every 200 ms (bound 4.00 MiB; most over it + unshipped: ${worst} bytes, ${samples} samples after the first punch); shipped once ${s.once}, missing ${s.missing}, duplicated ${s.duplicated}`,
            );
            expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
            expect(apparent(), "the load wrote more than the bound").to.be.greaterThan(maxSize);
            expect(samples, "samples after retention's first punch").to.be.above(0);
            expect(worst, "over maxSize only by bytes not yet shipped").to.be.at.most(0);
            expect(allocated(), "volume usage once shipped").to.be.at.most(maxSize);
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
        let loadDone = false;
        const loading = loadPod(pod.name, n, { tag: "sidecar-kill", ratePerSecond: rate }).finally(
            () => (loadDone = true),
        );
        const before = state("access.log", "pos") ?? 0;
        await poll("the checkpoint to move under the load", 60_000, () =>
            (state("access.log", "pos") ?? 0) > before ? true : undefined,
        );
        const loadingAtKill = !loadDone;
        // After the kill: the last checkpoint (where the restart resumes, at the start of its
        // line; it is already 8 KiB behind what tail had read, stream.sh) and the log's end. What
        // is shipped again is at most the lines between them, plus the one the checkpoint cuts.
        let bound = 0;
        let checkpoint: number | undefined;
        const restart = await killAndAwaitRestart(pod, "sidecar-container", () => {
            const log = path.join(volume, "access.log");
            checkpoint = state("access.log", "pos");
            bound = linesBetween(log, checkpoint ?? 0, fs.statSync(log).size) + 1;
        });
        const load = await loading;
        const { counts, waited } = await awaitInOutput(pod, load);
        const s = summarize(counts);
        report(
            `sidecar kill -9 under ${rate} req/s: restarted in ${restart.toFixed(2)}s; ${load.sent} requests: missing ${s.missing}, re-shipped ${s.extra} lines (bound ${bound}: the lines after the checkpoint ${checkpoint} at the kill); all shipped ${waited.toFixed(2)}s after the load ended`,
        );
        expect(loadingAtKill, "the load was still running when the sidecar was killed").to.equal(true);
        expect(checkpoint, "a checkpoint at the kill").to.not.equal(undefined);
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("fault: shipping stalled (tail stopped, retention running) -> frees nothing unshipped; after it resumes nothing is missing", async () => {
        const n = 20_000; // ~2 MiB
        // Only the shipping stops (SIGSTOP to the sidecar's tails): the script, and with it
        // retention, keeps running, so a retention that freed past what was shipped would show.
        const stopped = tails(pod);
        expect(stopped, "the sidecar's tail processes").to.have.length.above(0);
        for (const p of stopped) process.kill(p, "SIGSTOP");
        let load: LoadResult;
        let during: { pos?: number; freed?: number; size: number; shipped: number };
        try {
            load = await loadPod(pod.name, n, { tag: "stall" });
            // A retention pass after the whole load was logged: each pass notes the log's age
            // checkpoint once a minute (ageCheckpointSeconds, components/defaults.ts): the event
            // that one has run.
            const logged = Math.floor(Date.now() / 1000);
            await poll("a retention pass (its age checkpoint) after the load", 150_000, () =>
                newestAge(volume) > logged ? true : undefined,
            );
            during = {
                freed: state("access.log", "freed"),
                pos: state("access.log", "pos"),
                size: fs.statSync(path.join(volume, "access.log")).size,
                // What reached the output while the tails were stopped (none can).
                shipped: pod.logs("sidecar-container").split(loadPrefix("stall")).length - 1,
            };
        } finally {
            for (const p of stopped) process.kill(p, "SIGCONT");
        }
        const { counts, waited } = await awaitInOutput(pod, load);
        const s = summarize(counts);
        report(
            `stalled: while the tails were stopped the log grew to ${during.size} bytes, ${during.shipped} of the load's lines on stdout; checkpoint ${during.pos}, freed ${during.freed} (never past the checkpoint); after SIGCONT ${waited.toFixed(2)}s to ship all: missing ${s.missing}, duplicated ${s.duplicated}`,
        );
        expect(load.ok, "answered 200 (of those sent)").to.equal(load.sent);
        expect(during.shipped, "nothing shipped while the tails were stopped").to.equal(0);
        expect(during.freed, "retention's record (earlier tests shipped megabytes)").to.not.equal(undefined);
        expect(during.freed!).to.be.at.most(during.pos!);
        expect(s.missing).to.equal(0);
        expect(s.duplicated).to.equal(0);
    });

    it("fault: nginx kill -9 -> restarted; lines written before and after are all shipped", async () => {
        const before = await loadPod(pod.name, 300, { tag: "pre-nginx-kill" });
        await awaitInOutput(pod, before);
        const restart = await killAndAwaitRestart(pod, "nginx-container");
        await poll(
            "nginx answering again",
            30_000,
            () => (requestInPod(pod.name, "/") === 200 ? true : undefined),
            250,
        );
        const after = await loadPod(pod.name, 300, { tag: "post-nginx-kill" });
        const a = summarize((await awaitInOutput(pod, before)).counts);
        const b = summarize((await awaitInOutput(pod, after)).counts);
        report(
            `nginx kill -9: restarted in ${restart.toFixed(2)}s; before the kill: missing ${a.missing}, duplicated ${a.duplicated}; after: missing ${b.missing}, duplicated ${b.duplicated}`,
        );
        for (const l of [before, after]) expect([l.sent, l.ok], "sent, answered 200").to.deep.equal([300, 300]);
        expect(a).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
        expect(b).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
    });

    it("fault: access.log truncated (`: > access.log`) -> lines before and after are all shipped", async () => {
        const before = await loadPod(pod.name, 300, { tag: "pre-truncate" });
        await awaitInOutput(pod, before);
        pod.exec("nginx-container", ["sh", "-c", ": > /var/log/nginx/access.log"]);
        // 30 requests after 300 (same line length): the log never grows back to where the shipper
        // was, so the truncation is seen whenever it next looks.
        const after = await loadPod(pod.name, 30, { tag: "post-truncate" });
        const a = summarize((await awaitInOutput(pod, before)).counts);
        const b = summarize((await awaitInOutput(pod, after)).counts);
        report(
            `truncate: before missing ${a.missing}, duplicated ${a.duplicated}; after missing ${b.missing}, duplicated ${b.duplicated}`,
        );
        for (const l of [before, after]) expect(l.ok, "answered 200").to.equal(l.sent);
        expect(a).to.deep.equal({ missing: 0, once: before.sent, duplicated: 0, extra: 0 });
        expect(b).to.deep.equal({ missing: 0, once: after.sent, duplicated: 0, extra: 0 });
    });

    it("restart on a long freed history (a 20 GiB sparse prefix): reads far less than the hole, no NUL shipped", async () => {
        const sidecar = pod.container("sidecar-container");
        const old = await loadPod(pod.name, 100, { tag: "pre-history" });
        await awaitInOutput(pod, old);
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
        const { counts } = await awaitInOutput(pod, fresh);
        // What the restarted sidecar read: through the hole would be 20 GiB of NULs.
        const read = containerReadBytes(pod, "sidecar-container");
        const s = summarize(counts);
        const logs = pod.logs("sidecar-container");
        report(
            `access.log ${(apparent / 2 ** 30).toFixed(1)} GiB apparent, ${((fs.statSync(log).blocks * 512) / MiB).toFixed(1)} MiB on disk; the restarted sidecar logged its first new line ${recovery.toFixed(2)}s after it started (runtime timestamps), having read ${(read / MiB).toFixed(2)} MiB; ${JSON.stringify(s)}; NUL bytes shipped: ${logs.includes("\0")}`,
        );
        expect(read, "bytes the restarted sidecar read").to.be.below(64 * MiB);
        expect(s.missing).to.equal(0);
        expect(logs.includes("\0")).to.equal(false);
    });
});

describe("e2e: the stream shipper on Ubuntu 26.04's userland (uutils coreutils 0.8, a stand-in)", function () {
    this.timeout(15 * 60_000);

    it("the sidecar stops at start with one line naming GNU tail and the fix; nothing shipped, nothing left", async () => {
        const image = uutilsStandin(report);
        const tail = podman(["run", "--rm", image, "tail", "--version"]).stdout.split("\n")[0];
        const cp = podman(["run", "--rm", image, "cp", "--version"]).stdout.split("\n")[0];
        report(`sidecar image ${image}: tail is "${tail}", cp is "${cp}" (as on 26.04)`);
        expect(tail).to.contain("uutils coreutils");
        expect(cp).to.contain("GNU coreutils");
        // The sidecar starts, says why it cannot run, and ends (podman restarts it, as a kubelet would:
        // CrashLoopBackOff). Whether podman saw both containers up in between is a race either way.
        let pod: RunningPod | undefined;
        let failure = "";
        try {
            pod = await startPod("dev", { shipper: "stream", sidecarImage: image }, 30_000);
        } catch (e) {
            failure = (e as Error).message;
        }
        try {
            let said = failure;
            if (pod) {
                await poll("the sidecar's refusal in its output", 60_000, () => {
                    said = pod!.logs("sidecar-container");
                    return said.includes("cannot run on this image") ? true : undefined;
                });
                const refusals = () => pod!.logs("sidecar-container").split("cannot run on this image").length - 1;
                const before = refusals();
                expect(requestInPod(pod.name, "/uutils-probe")).to.equal(404);
                const vol = volumeMountpoint("shared-logs");
                // podman starts the sidecar again (restartPolicy Always): a refusal after the
                // request is a run that met the line in the log and shipped nothing of it.
                await poll("a refusal after the request (the sidecar restarted)", 60_000, () =>
                    refusals() > before ? true : undefined,
                );
                said = pod.logs("sidecar-container");
                expect(said, "nothing shipped").to.not.contain("/uutils-probe");
                expect(fs.existsSync(path.join(vol, ".shipper")), "no state written").to.equal(false);
            }
            const line = said.split("\n").find((l) => l.includes("cannot run on this image")) ?? "";
            report(`sidecar: ${line}`);
            expect(line).to.match(/^stream-shipper: cannot run on this image: it lacks GNU coreutils' tail/);
            expect(line).to.contain("tail (uutils coreutils) 0.8.0").and.contain("coreutils-from-gnu");
        } finally {
            pod?.down();
        }
        expect(podman(["pod", "exists", "webserver"], { allowFail: true }).code, "pod removed").to.not.equal(0);
    });
});
