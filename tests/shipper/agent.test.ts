// The log agent (retention.sh + agent.sh running rsyslogd with the generated config) as a plain
// process, delivering to a receiver rsyslogd (tests/shipper/agentHarness.ts): every line once,
// a receiver outage, a kill -9, retention that frees only what was delivered. Each test prints
// what it measured; tests/e2e/agent-delivery.test.ts does the same with both in pods on podman.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { freePort, ReceiverProcess } from "../../scripts/lib/syslogReceiver";
import { AgentRun } from "./agentHarness";
import { report, sleep, summarize, until } from "./harness";
import { AGENT } from "../../components";
import { STREAM_SHIPPER } from "../../components/defaults";

const MiB = 2 ** 20;

describe("log agent (rsyslog, plain processes, no podman)", function () {
    this.timeout(90_000);
    let receiver: ReceiverProcess | undefined;
    let run: AgentRun | undefined;
    afterEach(async () => {
        if (run) await run.dispose();
        if (receiver) await receiver.dispose();
        run = receiver = undefined;
    });

    async function startBoth(protocol: "relp" | "tcp", options = {}): Promise<AgentRun> {
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
            await until("the first line at the receiver", 10_000, () => r.received("access.log", "first", 1)[0] > 0);
            const first = r.receiver.messages().find((m) => m.msg.startsWith("first 0"))!;
            const n = 5000;
            await Promise.all([r.writeAt("access.log", "a", n, 2500), r.writeAt("error.log", "e", 300, 150)]);
            await until(
                "every line",
                20_000,
                () => !r.received("access.log", "a", n).includes(0) && !r.received("error.log", "e", 300).includes(0),
            );
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
            expect(order).to.deep.equal([...Array(n).keys()]);
        });
    }

    it("receiver down under traffic, then up: nothing missing; duplicates within the RELP window", async () => {
        const r = await startBoth("relp");
        const n = 6000;
        const load = r.writeAt("access.log", "o", n, 1000);
        await sleep(1500);
        await r.receiver.stop();
        const downAt = Date.now();
        const offsetAtStop = r.deliveredOffset("access.log") ?? 0;
        await sleep(8000);
        const offsetAfter = r.deliveredOffset("access.log") ?? 0;
        await r.receiver.start();
        const upAt = Date.now();
        await load;
        const caughtUp = await until(
            "every line after the outage",
            30_000,
            () => !r.received("access.log", "o", n).includes(0),
        );
        const s = summarize(r.received("access.log", "o", n));
        report(
            `receiver down ${((upAt - downAt) / 1000).toFixed(1)}s at 1000 lines/s: delivered offset ${offsetAtStop} -> ${offsetAfter} while down; caught up ${caughtUp.toFixed(2)}s after it came back; ${JSON.stringify(s)}`,
        );
        // A few lines may be taken in the moment the receiver goes; none after.
        expect(offsetAfter - offsetAtStop, "the agent's position stays put while nothing is delivered").to.be.below(
            200 * 120,
        );
        expect(s.missing).to.equal(0);
        // What the receiver took but could not acknowledge before it stopped is sent again.
        expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
    });

    it("kill -9 of the agent under traffic: nothing missing; duplicates within the RELP window", async () => {
        const r = await startBoth("relp");
        const n = 8000;
        const rate = 1000;
        const load = r.writeAt("access.log", "k", n, rate);
        await sleep(2500);
        await r.stop("SIGKILL");
        await sleep(300);
        r.start();
        await load;
        await until("every line after the restart", 30_000, () => !r.received("access.log", "k", n).includes(0));
        const s = summarize(r.received("access.log", "k", n));
        report(
            `kill -9 at ${rate} lines/s, restarted after 0.3s: ${JSON.stringify(s)}; bound: ${AGENT.relpWindowSize} (the RELP window)`,
        );
        expect(s.missing).to.equal(0);
        expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
    });

    for (const damage of ["cut short", "missing"] as const) {
        it(`imfile's state file ${damage} after a kill: resumes at the agent's record, nothing sent again`, async () => {
            const r = await startBoth("relp");
            r.write(
                "access.log",
                Array.from({ length: 500 }, (_, i) => `st ${i}`),
            );
            await until("the lines", 10_000, () => !r.received("access.log", "st", 500).includes(0));
            await sleep(1500); // a pass of agent.sh records imfile's position
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
            await until("the new lines", 10_000, () => !r.received("access.log", "st", 1000).includes(0));
            await sleep(500);
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
        run = new AgentRun(receiver, "relp");
        fs.appendFileSync(run.confFile, 'module(load="omnotthere")\n');
        run.write("access.log", ["never 0"]);
        run.start();
        await until("the agent's end", 10_000, () => run!.err.includes("nothing is read"));
        await sleep(500);
        report(`stderr: ${run.err.trim().split("\n").slice(-2).join(" | ")}`);
        expect(run.err).to.contain("could not load module 'omnotthere'");
        expect(run.deliveredOffset("access.log"), "no position recorded: nothing read").to.equal(undefined);
    });

    describe("retention", () => {
        it("keeps the volume within maxSize, yielding only to undelivered lines, while every line is delivered once", async () => {
            const maxBytes = 1 * MiB;
            const keep = (maxBytes - STREAM_SHIPPER.stateReserveBytes - 2 * 4096 - 6 * 4096) / 2; // each log's share (agent.sh)
            const r = await startBoth("relp", { maxBytes });
            const n = 45_000; // ~87 bytes a line: nearly four times the bound
            let peak = 0;
            let maxLag = 0;
            // Above the bound is allowed only while more than a log's share is not yet delivered.
            const unexplained: string[] = [];
            const recent: Array<{ t: number; lag: number }> = [];
            const sampler = setInterval(() => {
                const used = r.allocated();
                const delivered = r.deliveredOffset("access.log");
                if (delivered === undefined) return; // not started, or rsyslogd rewriting its state file
                const lag = fs.statSync(r.file("access.log")).size - delivered;
                const t = Date.now();
                peak = Math.max(peak, used);
                maxLag = Math.max(maxLag, lag);
                // Retention acts once a second on the position it saw then: look back 1.5 s.
                recent.push({ t, lag });
                while (recent[0].t < t - 1500) recent.shift();
                const lagged = Math.max(...recent.map((x) => x.lag));
                if (used > maxBytes && lagged <= keep)
                    unexplained.push(`${used} bytes with at most ${lagged} undelivered in the last 1.5 s`);
            }, 50);
            try {
                await r.writeAt("access.log", "r", n, 4000);
                await until("every line", 30_000, () => !r.received("access.log", "r", n).includes(0));
                await sleep(1500); // a retention pass after the last line
            } finally {
                clearInterval(sampler);
            }
            const written = fs.statSync(r.file("access.log")).size;
            const now = r.allocated();
            const s = summarize(r.received("access.log", "r", n));
            report(
                `retention 1Mi: wrote ${(written / MiB).toFixed(2)} MiB; volume now ${(now / MiB).toFixed(2)} MiB, peak ${(peak / MiB).toFixed(2)} MiB (sampled every 50 ms), most undelivered ${(maxLag / MiB).toFixed(2)} MiB (a log's share ${(keep / MiB).toFixed(2)} MiB); ${JSON.stringify(s)}`,
            );
            expect(written).to.be.above(3 * maxBytes);
            expect(unexplained, "above the bound with the delivery keeping up").to.deep.equal([]);
            expect(now, "within the bound once delivered").to.be.at.most(maxBytes);
            expect(s).to.deep.equal({ missing: 0, once: n, duplicated: 0, extra: 0 });
        });

        it("receiver down: frees nothing undelivered (the bound yields); once it is back, nothing is missing", async () => {
            const maxBytes = 256 * 1024;
            const r = await startBoth("relp", { maxBytes });
            r.write(
                "access.log",
                Array.from({ length: 100 }, (_, i) => `pre ${i}`),
            );
            await until("first lines", 10_000, () => !r.received("access.log", "pre", 100).includes(0));
            await r.receiver.stop();
            const n = 20_000; // ~2 MiB: eight times the bound
            await r.writeAt("access.log", "s", n, 10_000);
            await sleep(2500); // retention passes while nothing can be delivered
            const delivered = r.deliveredOffset("access.log") ?? 0;
            const freed = r.stateOffset("access.log", "freed") ?? 0;
            const held = r.allocated();
            await r.receiver.start();
            const caughtUp = await until(
                "every line after the outage",
                30_000,
                () => !r.received("access.log", "s", n).includes(0),
            );
            await sleep(2000); // retention catches up behind the delivery
            const after = r.allocated();
            const s = summarize(r.received("access.log", "s", n));
            report(
                `receiver down: delivered offset ${delivered}, freed ${freed}, volume ${held} bytes (bound ${maxBytes}: yielded); back up: caught up in ${caughtUp.toFixed(2)}s, volume ${after} bytes; ${JSON.stringify(s)}`,
            );
            expect(freed).to.be.at.most(delivered);
            expect(held, "the bound yielded to undelivered lines").to.be.above(maxBytes);
            expect(after, "within the bound again").to.be.at.most(maxBytes);
            expect(s.missing).to.equal(0);
            expect(s.extra).to.be.at.most(AGENT.relpWindowSize);
        });
    });
});
