// The stream shipper as a plain process (tests/shipper/harness.ts): every line once, whole lines,
// checkpointed restarts, truncation, retention within its bound and never past what was shipped,
// a start that costs the same after 20 GiB of freed history. Each test prints what it measured.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
    newestAge,
    POLL_MS,
    report,
    retentionExcess,
    ShipperRun,
    summarize,
    until,
    writeShipperRecord,
} from "./harness";
import { linesBetween } from "../../scripts/lib/load";
import { uutilsDir } from "./userlands";
import * as os from "os";
import { STREAM_SHIPPER_SCRIPT } from "../../components/shippers";
import { DRAIN } from "../../components/defaults";

const REAL_FALLOCATE = spawnSync("sh", ["-c", "command -v fallocate"], { encoding: "utf8" }).stdout.trim();

describe("stream shipper (a plain process, no podman)", function () {
    // A safety limit: each wait below is bounded by its own (generous) limit.
    this.timeout(5 * 60_000);
    let run: ShipperRun;
    afterEach(async () => {
        if (run) await run.dispose();
    });

    it("ships every line once, in order: access.log to stdout, error.log to stderr", async () => {
        run = new ShipperRun().start();
        run.write("access.log", ["warm-up"]);
        await until("the shipper's start", 30_000, () => run.out.includes("warm-up\n"));
        // Latency of a line once the shipper runs (a poll, 0.2 s, plus a write: README), reported
        // only: how soon a process is scheduled is the machine's business. The bench measures it.
        run.write("access.log", ["first"]);
        const latency = await until("the first line", 30_000, () => run.out.includes("first\n"));
        await Promise.all([run.writeAt("access.log", "a", 5000, 5000), run.writeAt("error.log", "e", 300, 300)]);
        await until(
            "every line",
            60_000,
            () => !run.counts("a", 5000).includes(0) && !run.counts("e", 300, "err").includes(0),
        );
        await run.settled("access.log");
        await run.settled("error.log");
        const a = summarize(run.counts("a", 5000));
        const e = summarize(run.counts("e", 300, "err"));
        const order = (tag: string) =>
            run.out
                .split("\n")
                .filter((l) => l.startsWith(`${tag} `))
                .map((l) => Number(l.split(" ")[1]));
        report(
            `first line shipped after ${latency.toFixed(2)}s (poll ${POLL_MS} ms); access: ${JSON.stringify(a)}; error: ${JSON.stringify(e)}`,
        );
        expect(a).to.deep.equal({ missing: 0, once: 5000, duplicated: 0, extra: 0 });
        expect(e).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
        expect(order("a")).to.deep.equal([...Array(5000).keys()]);
    });

    it("never breaks a line: one still being written is completed on the same stream", async () => {
        run = new ShipperRun().start();
        run.write("access.log", ["a 0"]);
        await until("a 0", 30_000, () => run.out.includes("a 0\n"));
        const fd = fs.openSync(run.file("access.log"), "a");
        fs.writeSync(fd, "a 1 first half");
        // tail has read the half line (its read offset is at the log's end) and shipped the other
        // log meanwhile: the second half comes after both.
        const size = fs.statSync(run.file("access.log")).size;
        await until("tail's read of the half line", 30_000, () => run.readOffset("access.log") === size);
        run.write("error.log", ["e 0", "e 1"]);
        await until("the error log's lines", 30_000, () => run.err.includes("e 1\n"));
        fs.writeSync(fd, " second half\n");
        fs.closeSync(fd);
        await until("both logs", 30_000, () => run.out.includes("second half\n") && run.err.includes("e 1\n"));
        report(`stdout: ${JSON.stringify(run.out)}; stderr: ${JSON.stringify(run.err)}`);
        expect(run.out).to.equal("a 0\na 1 first half second half\n");
        expect(run.err).to.equal("e 0\ne 1\n");
    });

    it("kill -9 under load: nothing missing; only lines after the last checkpoint shipped again", async () => {
        run = new ShipperRun().start();
        const n = 12_000;
        const rate = 2000;
        let writing = true;
        const load = run.writeAt("access.log", "k", n, rate).then(() => (writing = false));
        await until("a checkpoint", 30_000, () => (run.stateOffset("access.log", "pos") ?? 0) > 0);
        // The checkpoint just before the kill: the restart resumes there, so what it ships again
        // is at most the lines from it (less the 8 KiB tail may have read and not written,
        // stream.sh) to the end of the log at the kill.
        const checkpoint = run.stateOffset("access.log", "pos")!;
        const writingAtKill = writing;
        const killedAt = Date.now();
        await run.stop("SIGKILL");
        const sizeAtKill = fs.statSync(run.file("access.log")).size;
        run.start();
        const restarted = (Date.now() - killedAt) / 1000;
        await load;
        await until("every line after the restart", 60_000, () => !run.counts("k", n).includes(0));
        await run.settled();
        const s = summarize(run.counts("k", n));
        const bound = linesBetween(run.file("access.log"), checkpoint - 8192, sizeAtKill) + 1;
        report(
            `kill -9 under ${rate} lines/s, restarted ${restarted.toFixed(2)}s later: ${JSON.stringify(s)}; bound ${bound} lines (checkpoint ${checkpoint} - 8 KiB to ${sizeAtKill})`,
        );
        expect(writingAtKill, "the writer was still writing at the kill").to.equal(true);
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(bound);
    });

    it("after a quiet second, or a TERM, a restart ships nothing again", async () => {
        run = new ShipperRun().start();
        run.write(
            "access.log",
            Array.from({ length: 500 }, (_, i) => `q ${i}`),
        );
        await until("the lines", 30_000, () => !run.counts("q", 500).includes(0));
        const size = fs.statSync(run.file("access.log")).size;
        // Quiet: the checkpoint (written once a second) reaches the end of the log.
        await until("the checkpoint at the log's end", 30_000, () => run.stateOffset("access.log", "pos") === size);
        await run.stop("SIGKILL");
        run.start();
        run.write(
            "access.log",
            Array.from({ length: 500 }, (_, i) => `t ${i}`),
        );
        await until("the next lines", 30_000, () => !run.counts("t", 500).includes(0));
        await run.stop("SIGTERM");
        run.start();
        run.write("access.log", ["after"]);
        await until("the last line", 30_000, () => run.out.includes("after\n"));
        const q = summarize(run.counts("q", 500));
        const t = summarize(run.counts("t", 500));
        report(`quiet then kill -9: ${JSON.stringify(q)}; lines flowing then TERM: ${JSON.stringify(t)}`);
        expect(q).to.deep.equal({ missing: 0, once: 500, duplicated: 0, extra: 0 });
        expect(t).to.deep.equal({ missing: 0, once: 500, duplicated: 0, extra: 0 });
    });

    describe("drain on TERM", () => {
        it("TERM under load: every line written before it is shipped, then the shipper exits", async () => {
            run = new ShipperRun().start();
            run.write("access.log", ["first"]);
            await until("the first line", 30_000, () => run.out.includes("first\n"));
            // stdout blocked while the lines are written and the TERM arrives: at the TERM most of
            // them are unshipped, whatever the machine's speed.
            run.pauseOutput(true);
            const n = 20_000;
            run.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `d ${i} ${"x".repeat(60)}`),
            );
            await until("tail blocked writing to the full pipe", 30_000, () => run.tailBlockedWriting());
            const termAt = Date.now();
            const exit = run.signalAndExit("SIGTERM");
            run.pauseOutput(false);
            const code = await exit;
            const drained = (Date.now() - termAt) / 1000;
            await run.outputRead();
            const s = summarize(run.counts("d", n));
            report(
                `TERM with ${n} lines written and stdout blocked: exit ${code} after ${drained.toFixed(2)} s; ${JSON.stringify(s)}`,
            );
            expect(code).to.equal(0);
            expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
            expect(run.err).to.not.contain("drain deadline");
            expect(run.terminationMessage()).to.equal("");
        });

        it("TERM with stdout blocked past the deadline: exits at it, saying how many lines it leaves (stderr, termination message)", async () => {
            // A 4 s grace period: the drain may take 2 s.
            run = new ShipperRun({ terminationGracePeriodSeconds: 4 }).start();
            run.pauseOutput(true);
            const n = 5000;
            run.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `l ${i} ${"x".repeat(100)}`),
            );
            await until("tail blocked writing to the full pipe", 30_000, () => run.tailBlockedWriting());
            const code = await run.signalAndExit("SIGTERM");
            const said = run.err.trim().split("\n").pop() ?? "";
            const message = run.terminationMessage();
            run.pauseOutput(false);
            await run.outputRead();
            const s = summarize(run.counts("l", n));
            report(`stdout blocked through the drain: exit ${code}; stderr: ${said}; on stdout ${JSON.stringify(s)}`);
            const m =
                /^stream-shipper: terminating at the drain deadline \(2s after TERM\) with up to (\d+) lines \((\d+) bytes\) of access\.log not shipped$/.exec(
                    said,
                );
            expect(m, said).to.not.equal(null);
            expect(message).to.equal(`${said}\n`);
            expect(code).to.equal(0);
            // The count is a bound: what tail had read and not written when it was stopped is not known.
            expect(s.missing, "lines left behind").to.be.above(0);
            expect(s.missing).to.be.at.most(Number(m![1]));
            expect(Number(m![1]) - s.missing, "tail reads at most 8 KiB ahead").to.be.at.most(Math.ceil(8192 / 100));
        });

        it("after the preStop hook (a classic sidecar): the deadline counts from when the Pod's stop began, not from the TERM", async () => {
            // A 12 s grace period: the drain may take 10 s after the stop began.
            run = new ShipperRun({ terminationGracePeriodSeconds: 12 }).start();
            run.pauseOutput(true);
            const n = 5000;
            run.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `h ${i} ${"x".repeat(100)}`),
            );
            await until("tail blocked writing to the full pipe", 30_000, () => run.tailBlockedWriting());
            // What the hook does first (components/shipper/prestop.sh); then it waits for nginx to exit
            // (here: 5 s) before the kubelet sends the TERM.
            const began = Math.floor(Date.now() / 1000);
            fs.writeFileSync(path.join(run.dir, DRAIN.stopBeganFile), `${began}\n`);
            await new Promise((r) => setTimeout(r, 5000));
            const termAt = Date.now();
            const code = await run.signalAndExit("SIGTERM");
            const drained = (Date.now() - termAt) / 1000;
            const lines = run.err.trim().split("\n");
            run.pauseOutput(false);
            await run.outputRead();
            report(
                `stop began at ${began}, TERM 5 s later: exit ${code} ${drained.toFixed(2)} s after the TERM; stderr: ${lines.join(" | ")}`,
            );
            expect(code).to.equal(0);
            expect(lines.pop()).to.match(
                /^stream-shipper: terminating at the drain deadline \(10s after the Pod's stop began\) with up to \d+ lines \(\d+ bytes\) of access\.log not shipped$/,
            );
            // Counted from the TERM it would end 10 s after it, past the grace period's end.
            expect(drained, "seconds from TERM to exit").to.be.below(8);
        });

        it("a stop-began record older than the shipper (a previous container's) is not this stop's: the deadline counts from the TERM", async () => {
            run = new ShipperRun({ terminationGracePeriodSeconds: 4 });
            fs.mkdirSync(path.dirname(path.join(run.dir, DRAIN.stopBeganFile)), { recursive: true });
            fs.writeFileSync(path.join(run.dir, DRAIN.stopBeganFile), `${Math.floor(Date.now() / 1000) - 3600}\n`);
            run.start();
            run.pauseOutput(true);
            run.write(
                "access.log",
                Array.from({ length: 5000 }, (_, i) => `o ${i} ${"x".repeat(100)}`),
            );
            await until("tail blocked writing to the full pipe", 30_000, () => run.tailBlockedWriting());
            const code = await run.signalAndExit("SIGTERM");
            const said = run.err.trim().split("\n").pop() ?? "";
            run.pauseOutput(false);
            await run.outputRead();
            report(`an hour-old record: exit ${code}; stderr: ${said}`);
            expect(code).to.equal(0);
            expect(said).to.match(/^stream-shipper: terminating at the drain deadline \(2s after TERM\) /);
        });
    });

    it("a truncated log (`: > access.log`) is followed from its new start; nothing before or after is lost", async () => {
        run = new ShipperRun().start();
        // Long lines before, short ones after: the log never grows back to where the shipper was,
        // so the truncation is seen whenever the shipper next looks (were the new content as long,
        // a shipper that looked only after the rewrite could not tell; no shipper can).
        run.write(
            "access.log",
            Array.from({ length: 300 }, (_, i) => `b ${i} ${"x".repeat(100)}`),
        );
        await until("lines before", 30_000, () => !run.counts("b", 300).includes(0));
        fs.truncateSync(run.file("access.log"), 0);
        run.write(
            "access.log",
            Array.from({ length: 300 }, (_, i) => `t ${i}`),
        );
        await until("lines after", 30_000, () => !run.counts("t", 300).includes(0));
        await run.settled();
        const b = summarize(run.counts("b", 300));
        const t = summarize(run.counts("t", 300));
        report(`truncate: before ${JSON.stringify(b)}; after ${JSON.stringify(t)}`);
        expect(b.missing + t.missing).to.equal(0);
        expect(b.extra + t.extra).to.equal(0);
    });

    describe("retention", () => {
        const MiB = 2 ** 20;

        it("keeps the volume within maxSize while every line is shipped once, and frees nothing unshipped", async () => {
            const maxBytes = 1 * MiB;
            run = new ShipperRun({ maxBytes }).start();
            const n = 40_000; // ~110 bytes a line: four times the bound
            let peak = 0;
            let worst = -Infinity;
            let samples = 0;
            let freedPastCheckpoint = 0;
            const sampler = setInterval(() => {
                // The checkpoint first: it only grows, so a freed offset read after it that is past
                // it was past it.
                const pos = run.stateOffset("access.log", "pos");
                const freed = run.stateOffset("access.log", "freed");
                const { excess } = retentionExcess(run.dir, maxBytes, () => run.allocated());
                peak = Math.max(peak, run.allocated());
                worst = Math.max(worst, excess);
                if (pos === undefined || freed === undefined) return;
                samples++;
                if (freed > pos) freedPastCheckpoint++;
            }, 50);
            try {
                await run.writeAt("access.log", "r", n, 8000);
                await until("every line", 60_000, () => !run.counts("r", n).includes(0));
                await run.settled();
                // Drains back within the bound once everything is shipped (a pass a second).
                await until("the volume within the bound", 60_000, () => run.allocated() <= maxBytes);
            } finally {
                clearInterval(sampler);
            }
            const written = fs.statSync(run.file("access.log")).size;
            const freed = run.stateOffset("access.log", "freed");
            const s = summarize(run.counts("r", n));
            report(
                `retention 1Mi: wrote ${(written / MiB).toFixed(2)} MiB, freed up to ${freed}; volume now ${(run.allocated() / MiB).toFixed(2)} MiB, peak ${(peak / MiB).toFixed(2)} MiB (sampled every 50 ms; most over maxSize + unshipped: ${worst} bytes); ${samples} samples with both records, freed past the checkpoint in ${freedPastCheckpoint}; ${JSON.stringify(s)}`,
            );
            expect(written).to.be.above(3 * maxBytes);
            expect(freed, "retention freed the oldest bytes").to.be.above(2 * maxBytes);
            expect(samples, "the records were sampled").to.be.above(0);
            expect(worst, "never over maxSize but for bytes not yet shipped").to.be.at.most(0);
            expect(freedPastCheckpoint).to.equal(0);
            expect(run.allocated()).to.be.at.most(maxBytes);
            expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        });

        it("with stdout blocked, frees nothing unshipped (the bound yields); after it drains, nothing is missing", async () => {
            const maxBytes = 256 * 1024;
            run = new ShipperRun({ maxBytes, ageEverySeconds: 1 }).start();
            // Shipped before the stall: retention frees it during the stall (it keeps running).
            const pre = 5000;
            run.write(
                "access.log",
                Array.from({ length: pre }, (_, i) => `pre ${i} ${"x".repeat(60)}`),
            );
            await until("first lines", 30_000, () => !run.counts("pre", pre).includes(0));
            run.pauseOutput(true);
            const n = 20_000; // ~2 MiB: more than the pipe holds and more than the bound
            await run.writeAt("access.log", "s", n, 10_000);
            // Two retention passes after the writes (each writes an age checkpoint, every second
            // here): retention ran while nothing more could be shipped.
            const wrote = Math.floor(Date.now() / 1000);
            await until("two retention passes after the writes", 60_000, () => newestAge(run.dir) >= wrote + 1);
            const pos = run.stateOffset("access.log", "pos");
            const freed = run.stateOffset("access.log", "freed");
            const size = fs.statSync(run.file("access.log")).size;
            const held = run.allocated();
            run.pauseOutput(false);
            await until("every line after the stall", 60_000, () => !run.counts("s", n).includes(0));
            await run.settled();
            await until("the volume back within the bound", 60_000, () => run.allocated() <= maxBytes);
            const after = { freed: run.stateOffset("access.log", "freed"), volume: run.allocated() };
            const s = summarize(run.counts("s", n));
            report(
                `stalled stdout: log ${size} bytes, checkpoint ${pos}, freed ${freed}, volume ${held} bytes (bound ${maxBytes}: yielded); after draining: freed ${after.freed}, volume ${after.volume} bytes; ${JSON.stringify(s)}`,
            );
            expect(pos, "a checkpoint was recorded").to.not.equal(undefined);
            expect(freed, "retention freed what was shipped before the stall").to.be.above(0);
            expect(freed!).to.be.at.most(pos!);
            expect(held, "the bound yielded to unshipped lines").to.be.above(maxBytes);
            expect(after.freed!, "retention freed once shipping resumed").to.be.above(size - maxBytes);
            expect(after.volume).to.be.at.most(maxBytes);
            expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        });

        it("stdout blocked past maxAge, then kill -9: what tail had read and not written is shipped after the restart", async () => {
            // tail reads up to 8 KiB ahead of what it has written. With stdout blocked those bytes
            // sit in tail's buffer: neither the checkpoint nor retention (maxAge asks for everything
            // the log held 2 s ago) may count them as shipped, or the kill loses them for good.
            run = new ShipperRun({ maxBytes: 64 * MiB, maxAgeSeconds: 2, ageEverySeconds: 1 }).start();
            run.pauseOutput(true);
            const n = 5000; // ~550 KiB: more than the pipe holds and tail's buffer together
            run.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `b ${i} ${"x".repeat(100)}`),
            );
            // Blocked: tail's read position stops; then maxAge passes over it, a retention pass a second.
            await until("tail blocked writing to the full pipe", 30_000, () => run.tailBlockedWriting());
            const last = run.readOffset("access.log");
            const heldAt = Math.floor(Date.now() / 1000);
            await until("two retention passes past maxAge", 30_000, () => newestAge(run.dir) >= heldAt + 2 + 2);
            const stopped = run.stop("SIGKILL");
            run.pauseOutput(false);
            await stopped;
            const before = summarize(run.counts("b", n));
            run.start();
            run.write("access.log", ["after"]);
            // Lines ship in order: once "after" is out, everything before it that will be shipped is.
            await until("the line written after the restart", 30_000, () => run.out.includes("after\n"));
            const s = summarize(run.counts("b", n));
            report(
                `blocked at ${last} of ${fs.statSync(run.file("access.log")).size} bytes read; on stdout at the kill: ${JSON.stringify(before)}; after the restart: ${JSON.stringify(s)}`,
            );
            expect(before.missing, "the kill came while lines were still unshipped").to.be.above(0);
            expect(s.missing).to.equal(0);
        });

        it("a log truncated after retention freed some of it, then kill -9: resumes on the new content, nothing shipped twice", async () => {
            const maxBytes = 256 * 1024;
            run = new ShipperRun({ maxBytes, ageEverySeconds: 1 }).start();
            const before = 8000; // ~900 KiB: retention frees most of it
            run.write(
                "access.log",
                Array.from({ length: before }, (_, i) => `b ${i} ${"x".repeat(100)}`),
            );
            await until("lines before", 30_000, () => !run.counts("b", before).includes(0));
            await until("the volume within the bound", 30_000, () => run.allocated() <= maxBytes);
            fs.truncateSync(run.file("access.log"), 0);
            const after = 300;
            run.write(
                "access.log",
                Array.from({ length: after }, (_, i) => `t ${i}`),
            );
            await until("lines after the truncation", 30_000, () => !run.counts("t", after).includes(0));
            const size = fs.statSync(run.file("access.log")).size;
            await until(
                "the checkpoint at the log's new end",
                30_000,
                () => run.stateOffset("access.log", "pos") === size,
            );
            await run.stop("SIGKILL");
            run.start();
            run.write("access.log", ["last"]);
            await until("the line written after the restart", 30_000, () => run.out.includes("last\n"));
            const b = summarize(run.counts("b", before));
            const t = summarize(run.counts("t", after));
            report(`truncated after retention, then kill -9: before ${JSON.stringify(b)}; after ${JSON.stringify(t)}`);
            expect(b).to.deep.equal({ missing: 0, once: before, duplicated: 0, extra: 0 });
            expect(t).to.deep.equal({ missing: 0, once: after, duplicated: 0, extra: 0 });
        });

        it("frees lines older than maxAge even below the size bound", async () => {
            run = new ShipperRun({ maxBytes: 64 * MiB, maxAgeSeconds: 2, ageEverySeconds: 1 }).start();
            run.write(
                "access.log",
                Array.from({ length: 2000 }, (_, i) => `old ${i}`),
            );
            await until("the lines", 30_000, () => !run.counts("old", 2000).includes(0));
            const size = fs.statSync(run.file("access.log")).size;
            // The record is written before the hole is punched: wait for both.
            const secs = await until(
                "freed by age",
                60_000,
                () =>
                    (run.stateOffset("access.log", "freed") ?? 0) >= Math.floor(size / 4096) * 4096 &&
                    fs.statSync(run.file("access.log")).blocks * 512 < size,
            );
            report(
                `maxAge 2s: ${size} bytes written at once were freed ${secs.toFixed(1)}s later (age checkpoints every 1 s)`,
            );
            expect(fs.statSync(run.file("access.log")).blocks * 512).to.be.below(size);
        });

        it("says once on stderr when it cannot free space, not every second", async () => {
            const bin = fs.mkdtempSync(path.join(run?.dir ?? "/tmp", "..", "fakebin-"));
            fs.writeFileSync(
                path.join(bin, "fallocate"),
                // Answers --help as util-linux's does (the start check), fails every punch.
                `#!/bin/sh\n[ "$1" = --help ] && exec ${REAL_FALLOCATE} --help\necho punch >> ${bin}/punches\necho 'fallocate: Operation not supported' >&2\nexit 1\n`,
                { mode: 0o755 },
            );
            run = new ShipperRun({ maxBytes: 256 * 1024, env: { PATH: `${bin}:${process.env.PATH}` } }).start();
            await run.writeAt("access.log", "f", 20_000, 10_000);
            await until("the lines", 60_000, () => !run.counts("f", 20_000).includes(0));
            // Each retention pass tries to punch again: the fake fallocate counts the attempts.
            const punches = () => {
                try {
                    return fs.readFileSync(path.join(bin, "punches"), "utf8").split("\n").filter(Boolean).length;
                } catch {
                    return 0;
                }
            };
            await until("five failed punches", 60_000, () => punches() >= 5);
            const messages = run.err.split("\n").filter((l) => l.includes("cannot free space"));
            report(`stderr after ${punches()} punches that failed: ${JSON.stringify(run.err.trim())}`);
            expect(messages).to.have.length(1);
            expect(messages[0]).to.contain("access.log").and.contain("Operation not supported");
            fs.rmSync(bin, { recursive: true, force: true });
        });
    });

    describe("start cost independent of freed history", () => {
        const GiB = 2 ** 30;
        // What a start reads, not how long it takes: reading through the hole would be 20 GiB of
        // NULs; finding the data past it reads a few blocks. 64 MiB is far from both.
        const READ_LIMIT = 64 * 2 ** 20;

        /** A log whose first 20 GiB are a hole (freed history), then lines. */
        function longHistory(r: ShipperRun, tag: string, n: number): void {
            fs.writeFileSync(r.file("access.log"), "");
            fs.truncateSync(r.file("access.log"), 20 * GiB);
            r.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `${tag} ${i}`),
            );
        }

        it("with no checkpoint: the lines after 20 GiB of holes shipped, reading far less than the hole, no NUL", async () => {
            run = new ShipperRun();
            longHistory(run, "h", 100);
            const started = Date.now();
            run.start();
            await until("the lines after the hole", 60_000, () => !run.counts("h", 100).includes(0));
            await run.settled();
            const secs = (Date.now() - started) / 1000;
            const read = run.readBytes();
            report(
                `20 GiB hole, no checkpoint: all lines after it shipped ${secs.toFixed(2)}s after start, ${read} bytes read; stdout ${run.out.length} bytes`,
            );
            expect(read, "bytes the shipper read").to.be.below(READ_LIMIT);
            expect(run.out.includes("\0")).to.equal(false);
            expect(summarize(run.counts("h", 100)).extra).to.equal(0);
        });

        it("without perl (no SEEK_DATA), by halving: the same", async () => {
            const bin = fs.mkdtempSync(path.join(path.dirname(fs.mkdtempSync("/tmp/x-")), "noperl-"));
            fs.writeFileSync(path.join(bin, "perl"), "#!/bin/sh\nexit 127\n", { mode: 0o755 });
            run = new ShipperRun({ env: { PATH: `${bin}:${process.env.PATH}` } });
            longHistory(run, "p", 100);
            const started = Date.now();
            run.start();
            await until("the lines after the hole", 60_000, () => !run.counts("p", 100).includes(0));
            const secs = (Date.now() - started) / 1000;
            const read = run.readBytes();
            report(`20 GiB hole, no perl: shipped ${secs.toFixed(2)}s after start, ${read} bytes read`);
            expect(read, "bytes the shipper read").to.be.below(READ_LIMIT);
            expect(run.out.includes("\0")).to.equal(false);
            fs.rmSync(bin, { recursive: true, force: true });
        });

        it("with a stale checkpoint before the hole, or retention's record of it: the same", async () => {
            run = new ShipperRun();
            // Old lines, checkpointed; then 20 GiB of hole from the middle of their last block; then new lines.
            fs.writeFileSync(run.file("access.log"), "x old line\n".repeat(30));
            fs.truncateSync(run.file("access.log"), 330 + 20 * GiB);
            run.write(
                "access.log",
                Array.from({ length: 100 }, (_, i) => `s ${i}`),
            );
            const ino = fs.statSync(run.file("access.log")).ino;
            writeShipperRecord(run.dir, "access.log.pos", [ino, 330]);
            const started = Date.now();
            run.start();
            await until("the lines after the hole", 60_000, () => !run.counts("s", 100).includes(0));
            const stale = (Date.now() - started) / 1000;
            const staleRead = run.readBytes();
            await run.stop("SIGKILL");
            for (const slot of [0, 1])
                fs.rmSync(path.join(run.dir, ".shipper", `access.log.pos.${slot}`), { force: true });
            writeShipperRecord(run.dir, "access.log.freed", [ino, 20 * GiB, 330 + 20 * GiB]);
            run.out = "";
            const again = Date.now();
            run.start();
            await until("the lines after the freed record", 60_000, () => !run.counts("s", 100).includes(0));
            const fromRecord = (Date.now() - again) / 1000;
            const recordRead = run.readBytes();
            report(
                `20 GiB hole: stale checkpoint -> shipped in ${stale.toFixed(2)}s, ${staleRead} bytes read; retention's record only -> ${fromRecord.toFixed(2)}s, ${recordRead} bytes read`,
            );
            expect(staleRead, "bytes read from a stale checkpoint").to.be.below(READ_LIMIT);
            expect(recordRead, "bytes read from retention's record").to.be.below(READ_LIMIT);
            expect(run.out.includes("\0")).to.equal(false);
        });
    });

    it("passes ShellCheck, as the sidecar runs it (retention.sh + stream.sh)", () => {
        const r = spawnSync("shellcheck", ["-s", "bash", "-"], { input: STREAM_SHIPPER_SCRIPT, encoding: "utf8" });
        expect(r.error, "shellcheck is installed (Debian: shellcheck)").to.equal(undefined);
        expect(r.stdout + r.stderr).to.equal("");
        expect(r.status).to.equal(0);
    });

    describe("where the image lacks what it relies on: one line at start, nothing shipped, nothing recorded", () => {
        async function refused(options: ConstructorParameters<typeof ShipperRun>[0]) {
            run = new ShipperRun(options);
            run.write("access.log", ["never 0"]);
            run.start();
            const code = await run.exited();
            report(`exit ${code}; stderr: ${run.err.trim()}`);
            expect(code).to.equal(1);
            expect(run.out, "nothing shipped").to.equal("");
            expect(fs.existsSync(path.join(run.dir, ".shipper")), "no state written").to.equal(false);
            const lines = run.err.trim().split("\n");
            expect(lines, "one line").to.have.length(1);
            expect(lines[0]).to.match(/^stream-shipper: cannot run on this image: it lacks /);
            expect(lines[0]).to.contain("such as ubuntu:24.04").and.contain("apt-get install coreutils-from-gnu");
            return lines[0];
        }

        it("uutils coreutils 0.8 (Ubuntu 26.04's, today's ubuntu:latest): its tail does not follow a descriptor", async () => {
            const line = await refused({ maxBytes: 1 << 20, pathPrefix: uutilsDir() });
            expect(line).to.contain("GNU coreutils' tail").and.contain("tail (uutils coreutils) 0.8.0");
        });

        it("a fallocate that cannot punch holes, with retention", async () => {
            const bin = fs.mkdtempSync(path.join(os.tmpdir(), "nopunch-"));
            fs.writeFileSync(path.join(bin, "fallocate"), "#!/bin/sh\necho 'usage: fallocate -l LEN FILE'\n", {
                mode: 0o755,
            });
            const line = await refused({ maxBytes: 1 << 20, pathPrefix: bin });
            expect(line).to.contain("util-linux's fallocate --punch-hole");
            fs.rmSync(bin, { recursive: true, force: true });
        });
    });
});
