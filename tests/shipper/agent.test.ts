// The log agent (retention.sh + agent.sh running rsyslogd with the generated config) as a plain
// process, delivering to a receiver rsyslogd (tests/shipper/agentHarness.ts): every line once,
// a receiver outage, a kill -9, retention that frees only what was delivered. Each test prints
// what it measured; tests/e2e/agent-delivery.test.ts does the same with both in pods on podman.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { freePort, ReceiverProcess } from "../../scripts/lib/syslogReceiver";
import { AgentRun, deliveredCopy, RECORD_ENV, settledOffset } from "./agentHarness";
import { newestAge, report, retentionExcess, ShipperOptions, summarize, until } from "./harness";
import { userlands } from "./userlands";
import { AGENT } from "../../components";
import { linesBetween } from "../../scripts/lib/load";

const MiB = 2 ** 20;

// On both userlands: agent.sh and retention.sh use coreutils (stat, dd, ...) that Ubuntu 26.04
// replaces with uutils'; rsyslogd and util-linux's fallocate are the machine's in both.
for (const userland of userlands())
    describe(`log agent (rsyslog, plain processes, no podman) on ${userland.name}`, function () {
        // A safety limit: each wait below is bounded by its own (generous) limit.
        this.timeout(5 * 60_000);
        let receiver: ReceiverProcess | undefined;
        let run: AgentRun | undefined;
        afterEach(async () => {
            if (run) await run.dispose();
            if (receiver) await receiver.dispose();
            run = receiver = undefined;
        });

        let pathPrefix: string | undefined;
        before(() => {
            pathPrefix = userland.resolve().pathPrefix;
        });

        async function startBoth(protocol: "relp" | "tcp", given: ShipperOptions = {}): Promise<AgentRun> {
            const options = { ...given, pathPrefix };
            receiver = new ReceiverProcess(protocol, await freePort());
            await receiver.start();
            run = new AgentRun(receiver, protocol, options).start();
            return run;
        }

        for (const protocol of ["relp", "tcp"] as const) {
            it(`delivers every line of both logs once, in order, over ${protocol}`, async () => {
                const r = await startBoth(protocol);
                const t0 = Date.now();
                r.write("access.log", ["first 0"]);
                await until(
                    "the first line at the receiver",
                    10_000,
                    () => r.received("access.log", "first", 1)[0] > 0,
                );
                const first = r.receiver.messages().find((m) => m.msg.startsWith("first 0"))!;
                const n = 5000;
                await Promise.all([r.writeAt("access.log", "a", n, 2500), r.writeAt("error.log", "e", 300, 150)]);
                await until(
                    "every line",
                    20_000,
                    () =>
                        !r.received("access.log", "a", n).includes(0) && !r.received("error.log", "e", 300).includes(0),
                );
                await r.receivedAfter("access.log");
                await r.receivedAfter("error.log");
                const a = summarize(r.received("access.log", "a", n));
                const e = summarize(r.received("error.log", "e", 300));
                const order = r.receiver
                    .messages()
                    .filter((m) => m.msg.startsWith("a "))
                    .map((m) => Number(m.msg.split(" ")[1]));
                report(
                    `${protocol}: first line at the receiver ${((first.at - t0) / 1000).toFixed(3)}s after it was written; access ${JSON.stringify(a)}; error ${JSON.stringify(e)}`,
                );
                expect(a).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
                expect(e).to.deep.equal({ missing: 0, once: 300, duplicated: 0, extra: 0 });
                // Each message is the record (agentConf.ts): a line that is not JSON as its message,
                // and where it came from, from the environment the downward API fills in a pod.
                expect(first.record).to.deep.include({
                    message: "first 0",
                    log: "access",
                    namespace: RECORD_ENV.POD_NAMESPACE,
                    pod: RECORD_ENV.POD_NAME,
                    node: RECORD_ENV.NODE_NAME,
                    container: "nginx-container",
                });
                expect(Date.parse(String(first.record!["@timestamp"]))).to.be.within(t0 - 1000, first.at + 1000);
                expect(order).to.deep.equal([...Array(n).keys()]);
            });
        }

        it("TERM under load: every line written before it is delivered, then the agent exits", async () => {
            const r = await startBoth("relp");
            r.write("access.log", ["first"]);
            await until("the first line at the receiver", 30_000, () =>
                r.receiver.messages().some((m) => m.msg.trimEnd() === "first"),
            );
            // Written at once, far more than the agent delivers before the TERM comes.
            const n = 20_000;
            r.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `d ${i} ${"x".repeat(60)}`),
            );
            const termAt = Date.now();
            const code = await r.signalAndExit("SIGTERM");
            const drained = (Date.now() - termAt) / 1000;
            const atExit = summarize(r.received("access.log", "d", n));
            // RELP acknowledged every line before the agent exited; the receiver writes each down
            // as it takes it, so its file may lag the exit by a moment.
            await until("every line at the receiver", 30_000, () => !r.received("access.log", "d", n).includes(0));
            const s = summarize(r.received("access.log", "d", n));
            report(
                `TERM right after ${n} lines were written: exit ${code} after ${drained.toFixed(2)} s (${atExit.missing} not yet at the receiver's file then); ${JSON.stringify(s)}`,
            );
            expect(code).to.equal(0);
            expect(s.missing).to.equal(0);
            expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
            expect(r.err).to.not.contain("drain deadline");
        });

        it("TERM with the receiver down: exits at the deadline, saying how many lines it leaves (stderr, termination message)", async () => {
            // A 4 s grace period: the drain may take 2 s.
            const r = await startBoth("relp", { terminationGracePeriodSeconds: 4 });
            r.write("access.log", ["first"]);
            await until("the first line at the receiver", 30_000, () =>
                r.receiver.messages().some((m) => m.msg.trimEnd() === "first"),
            );
            await r.receiver.stop();
            const n = 500;
            r.write(
                "access.log",
                Array.from({ length: n }, (_, i) => `u ${i}`),
            );
            const code = await r.signalAndExit("SIGTERM");
            // rsyslogd's own lines about the refused connection come before and after it.
            const said = r.err.split("\n").find((l) => l.startsWith("log-agent: terminating")) ?? r.err;
            const message = r.terminationMessage();
            await r.receiver.start();
            const received = r.received("access.log", "u", n).filter((c) => c > 0).length;
            report(
                `receiver down through the drain: exit ${code}; stderr: ${said}; ${received} of the ${n} lines at the receiver`,
            );
            const m =
                /^log-agent: terminating at the drain deadline \(2s after TERM\) with (\d+) lines \((\d+) bytes\) of access\.log not sent \(and up to 128 more sent over RELP but not acknowledged\)$/.exec(
                    said,
                );
            expect(m, said).to.not.equal(null);
            expect(message).to.equal(`${said}\n`);
            expect(code).to.equal(0);
            // Counted from imfile's position: the lines never sent; those sent into the RELP window
            // before the agent knew the receiver was gone are lost too, and the line says so.
            const lost = n - received;
            expect(lost, "lines the receiver never got").to.be.at.least(Number(m![1]));
            expect(lost).to.be.at.most(Number(m![1]) + AGENT.relpWindowSize);
        });

        it("receiver down under traffic, then up: nothing missing; duplicates within the RELP window", async () => {
            const r = await startBoth("relp");
            const n = 6000;
            const began = Date.now();
            const load = r.writeAt("access.log", "o", n, 1000);
            await until("lines at the receiver", 30_000, () => r.received("access.log", "o", n).some((c) => c > 0));
            await r.receiver.stop();
            const downAt = Date.now();
            // The batch in flight when the receiver went may still be recorded; then nothing more.
            const offsetAtStop = await settledOffset(r.dir, "access.log", 2000);
            const sizeAtStop = fs.statSync(r.file("access.log")).size;
            // The verdict waits on the agent's own retries, not a clock: three reconnections refused.
            const refusals = () => r.err.split("error opening connection to remote peer").length - 1;
            const refusedBefore = refusals();
            await until("three refused reconnections", 60_000, () => refusals() >= refusedBefore + 3);
            const offsetAfter = r.deliveredOffset("access.log");
            const sizeAfter = fs.statSync(r.file("access.log")).size;
            await r.receiver.start();
            const upAt = Date.now();
            await load;
            const rate = n / ((Date.now() - began) / 1000);
            const caughtUp = await until(
                "every line after the outage",
                60_000,
                () => !r.received("access.log", "o", n).includes(0),
            );
            await r.receivedAfter("access.log");
            const s = summarize(r.received("access.log", "o", n));
            report(
                `receiver down ${((upAt - downAt) / 1000).toFixed(1)}s, lines written at ${Math.round(rate)}/s: the agent's position ${offsetAtStop} -> ${offsetAfter} while the log grew ${sizeAtStop} -> ${sizeAfter}; caught up ${caughtUp.toFixed(2)}s after it came back; ${JSON.stringify(s)}`,
            );
            expect(offsetAtStop, "a position was recorded").to.not.equal(undefined);
            expect(sizeAfter, "lines were written while the receiver was down").to.be.above(sizeAtStop);
            // README: while the receiver is down the position does not move.
            expect(offsetAfter, "the agent's position stays put while nothing is delivered").to.equal(offsetAtStop);
            expect(s.missing).to.equal(0);
            // What the receiver took but could not acknowledge before it stopped is sent again.
            expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
        });

        it("kill -9 of the agent under traffic: nothing missing; duplicates within the RELP window", async () => {
            const r = await startBoth("relp");
            const n = 8000;
            const rate = 1000;
            let writing = true;
            const load = r.writeAt("access.log", "k", n, rate).then(() => (writing = false));
            await until("agent.sh's copy of the position", 30_000, () => (deliveredCopy(r.dir) ?? 0) > 0);
            // The restart resumes at imfile's position or, where a kill damaged its state file, at
            // agent.sh's copy, which is never ahead of it: what is delivered again is at most the
            // lines from the copy read just before the kill to the log's end at the kill (README:
            // about a second of lines), plus the RELP window as headroom.
            const copy = deliveredCopy(r.dir)!;
            const writingAtKill = writing;
            const killedAt = Date.now();
            await r.stop("SIGKILL");
            const sizeAtKill = fs.statSync(r.file("access.log")).size;
            r.start();
            const restarted = (Date.now() - killedAt) / 1000;
            await load;
            await until("every line after the restart", 60_000, () => !r.received("access.log", "k", n).includes(0));
            await r.receivedAfter("access.log");
            const s = summarize(r.received("access.log", "k", n));
            const bound = linesBetween(r.file("access.log"), copy, sizeAtKill) + AGENT.relpWindowSize;
            report(
                `kill -9 under ${rate} lines/s, restarted ${restarted.toFixed(2)}s later: ${JSON.stringify(s)}; bound ${bound} (lines from the copy ${copy} to ${sizeAtKill}, + the RELP window ${AGENT.relpWindowSize})`,
            );
            expect(writingAtKill, "the writer was still writing at the kill").to.equal(true);
            expect(s.missing).to.equal(0);
            expect(s.extra).to.be.at.most(bound);
        });

        for (const damage of ["cut short", "missing"] as const) {
            it(`imfile's state file ${damage} after a kill: resumes at the agent's record, nothing sent again`, async () => {
                const r = await startBoth("relp");
                r.write(
                    "access.log",
                    Array.from({ length: 500 }, (_, i) => `st ${i}`),
                );
                await until("the lines", 30_000, () => !r.received("access.log", "st", 500).includes(0));
                const size = fs.statSync(r.file("access.log")).size;
                await until(
                    "agent.sh's copy of the position at the log's end",
                    30_000,
                    () => deliveredCopy(r.dir) === size,
                );
                await r.stop("SIGKILL");
                const dir = path.join(r.dir, ".agent");
                const states = fs.readdirSync(dir).filter((f) => f.startsWith("imfile-state:"));
                const ino = String(fs.statSync(r.file("access.log")).ino);
                for (const f of states.filter((x) => x.split(":")[1] === ino)) {
                    // What rsyslogd leaves when killed between truncating its state file and writing it.
                    if (damage === "cut short") fs.writeFileSync(path.join(dir, f), "");
                    else fs.rmSync(path.join(dir, f));
                }
                r.start();
                r.write(
                    "access.log",
                    Array.from({ length: 500 }, (_, i) => `st ${500 + i}`),
                );
                await until("the new lines", 30_000, () => !r.received("access.log", "st", 1000).includes(0));
                // Counted once the agent's position is at the log's end and held there: whatever it
                // sent again (a duplicate) went out before it recorded that position.
                const end = fs.statSync(r.file("access.log")).size;
                await until(
                    "the agent's position at the log's end",
                    30_000,
                    () => r.deliveredOffset("access.log") === end,
                );
                expect(await settledOffset(r.dir, "access.log", 2000)).to.equal(end);
                const s = summarize(r.received("access.log", "st", 1000));
                report(
                    `state file ${damage}: ${JSON.stringify(s)}; ${r.err
                        .trim()
                        .split("\n")
                        .filter((l) => l.startsWith("log-agent"))
                        .join(" | ")}`,
                );
                expect(r.err).to.contain(damage === "cut short" ? "was cut short" : "is missing");
                expect(s).to.deep.equal({ missing: 0, once: 1000, duplicated: 0, extra: 0 });
            });
        }

        it("a config rsyslogd rejects stops the agent before it reads a line", async () => {
            receiver = new ReceiverProcess("relp", await freePort());
            run = new AgentRun(receiver, "relp", { pathPrefix });
            fs.appendFileSync(run.confFile, 'module(load="omnotthere")\n');
            run.write("access.log", ["never 0"]);
            run.start();
            // agent.sh checks the config with rsyslogd -N1 and, refused, waits without starting rsyslogd.
            await until("the agent's refusal", 10_000, () => run!.err.includes("nothing is read"));
            report(`stderr: ${run.err.trim().split("\n").slice(-2).join(" | ")}`);
            expect(run.err).to.contain("could not load module 'omnotthere'");
            expect(run.deliveredOffset("access.log"), "no position recorded: nothing read").to.equal(undefined);
        });

        describe("retention", () => {
            it("keeps the volume within maxSize, yielding only to undelivered lines, while every line is delivered once", async () => {
                const maxBytes = 1 * MiB;
                const r = await startBoth("relp", { maxBytes });
                const n = 45_000; // ~87 bytes a line: nearly four times the bound
                let peak = 0;
                let worst = -Infinity;
                let samples = 0;
                const sampler = setInterval(() => {
                    // Over maxSize only by what had not been delivered at retention's last punch
                    // (harness.ts, retentionExcess): a check that holds at any speed.
                    const { excess, recorded } = retentionExcess(r.dir, maxBytes, () => r.allocated());
                    peak = Math.max(peak, r.allocated());
                    worst = Math.max(worst, excess);
                    if (recorded) samples++;
                }, 50);
                try {
                    await r.writeAt("access.log", "r", n, 4000);
                    await until("every line", 60_000, () => !r.received("access.log", "r", n).includes(0));
                    await r.receivedAfter("access.log");
                    await until("the volume within the bound", 60_000, () => r.allocated() <= maxBytes);
                } finally {
                    clearInterval(sampler);
                }
                const written = fs.statSync(r.file("access.log")).size;
                const now = r.allocated();
                const freed = r.stateOffset("access.log", "freed");
                const s = summarize(r.received("access.log", "r", n));
                report(
                    `retention 1Mi: wrote ${(written / MiB).toFixed(2)} MiB, freed up to ${freed}; volume now ${(now / MiB).toFixed(2)} MiB, peak ${(peak / MiB).toFixed(2)} MiB (sampled every 50 ms, ${samples} samples after the first punch; most over maxSize + undelivered: ${worst} bytes); ${JSON.stringify(s)}`,
                );
                expect(written).to.be.above(3 * maxBytes);
                expect(freed, "retention freed the oldest bytes").to.be.above(2 * maxBytes);
                expect(samples, "samples taken after retention's first punch").to.be.above(0);
                expect(worst, "above the bound only by what was not yet delivered").to.be.at.most(0);
                expect(now, "within the bound once delivered").to.be.at.most(maxBytes);
                expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
            });

            it("receiver down: frees nothing undelivered (the bound yields); once it is back, nothing is missing", async () => {
                const maxBytes = 256 * 1024;
                const r = await startBoth("relp", { maxBytes, ageEverySeconds: 1 });
                // Delivered before the outage, more than the bound: retention frees it during the outage.
                const pre = 5000;
                r.write(
                    "access.log",
                    Array.from({ length: pre }, (_, i) => `pre ${i} ${"x".repeat(60)}`),
                );
                await until("first lines", 30_000, () => !r.received("access.log", "pre", pre).includes(0));
                await r.receiver.stop();
                const n = 20_000; // ~2 MiB: eight times the bound
                await r.writeAt("access.log", "s", n, 10_000);
                // Two retention passes after the writes (each writes an age checkpoint, every second
                // here): retention ran while nothing could be delivered.
                const wrote = Math.floor(Date.now() / 1000);
                await until("two retention passes after the writes", 60_000, () => newestAge(r.dir) >= wrote + 1);
                const freed = r.stateOffset("access.log", "freed");
                const delivered = r.deliveredOffset("access.log");
                const held = r.allocated();
                await r.receiver.start();
                const caughtUp = await until(
                    "every line after the outage",
                    60_000,
                    () => !r.received("access.log", "s", n).includes(0),
                );
                await r.receivedAfter("access.log");
                await until("the volume back within the bound", 60_000, () => r.allocated() <= maxBytes);
                const after = r.allocated();
                const s = summarize(r.received("access.log", "s", n));
                report(
                    `receiver down: delivered offset ${delivered}, freed ${freed}, volume ${held} bytes (bound ${maxBytes}: yielded); back up: caught up in ${caughtUp.toFixed(2)}s, volume ${after} bytes; ${JSON.stringify(s)}`,
                );
                expect(delivered, "a position was recorded").to.not.equal(undefined);
                // Read the freed record first: a later punch could only be behind a later position.
                expect(freed, "retention freed what was delivered before the outage").to.be.above(0);
                expect(freed!).to.be.at.most(delivered!);
                expect(held, "the bound yielded to undelivered lines").to.be.above(maxBytes);
                expect(after, "within the bound again").to.be.at.most(maxBytes);
                expect(s.missing).to.equal(0);
                expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
            });
        });
    });
