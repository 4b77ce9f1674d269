// The classic sidecar's preStop hook (components/shipper/prestop.sh) as the Pod spec runs it, a plain
// process: it records when the stop began and holds the shipper's TERM back (by not returning) while
// anything listens on nginx's port, at most the drain's deadline. nginx is a loopback listener here.
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { preStopCommand } from "../../components/shippers";
import { DRAIN } from "../../components/defaults";
import { report, until } from "./harness";

/** A listener on a free loopback port, counting the connections it took. */
async function listener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
    let n = 0;
    const server = net.createServer((s) => {
        n++;
        s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        port: (server.address() as net.AddressInfo).port,
        connections: () => n,
        close: () => new Promise<void>((r) => server.close(() => r())),
    };
}

/** The hook, as the Pod spec has it, with a temp dir for the log volume: its exit and the stamp it wrote. */
function hook(port: number, terminationGracePeriodSeconds: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prestop-"));
    fs.mkdirSync(path.join(dir, path.dirname(DRAIN.stopBeganFile)));
    const [cmd, ...args] = preStopCommand(port, { logDir: dir, terminationGracePeriodSeconds });
    const startedAt = Date.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<{ code: number | null; after: number }>((r) =>
        child.once("exit", (code) => r({ code, after: (Date.now() - startedAt) / 1000 })),
    );
    let ended = false;
    void exited.then(() => (ended = true));
    const stamp = () => {
        try {
            return fs.readFileSync(path.join(dir, DRAIN.stopBeganFile), "utf8");
        } catch {
            return "";
        }
    };
    return {
        startedAt,
        exited,
        ended: () => ended,
        stamp,
        output: () => out,
        dispose: () => {
            child.kill("SIGKILL");
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

describe("the classic sidecar's preStop hook (prestop.sh, as the Pod spec runs it)", function () {
    this.timeout(60_000);

    it("records when the stop began, waits while nginx's port takes connections, returns once it is closed", async () => {
        const nginx = await listener();
        const h = hook(nginx.port, 60);
        try {
            await until("the stamp", 10_000, () => h.stamp() !== "");
            const stamp = Number(h.stamp().trim());
            expect(stamp * 1000).to.be.within(Math.floor(h.startedAt / 1000) * 1000, Date.now());
            // It keeps asking: a second connection means it looked again rather than leaving.
            await until("a second look at the port", 10_000, () => nginx.connections() >= 2);
            expect(h.ended(), "returned while nginx listens").to.equal(false);
            const closedAt = Date.now();
            await nginx.close();
            const { code, after } = await h.exited;
            report(
                `stamp ${stamp}; ${nginx.connections()} looks at the port; returned ${((Date.now() - closedAt) / 1000).toFixed(2)} s after the port closed (${after.toFixed(2)} s in all); output: ${JSON.stringify(h.output())}`,
            );
            expect(code).to.equal(0);
            expect(h.output()).to.equal("");
        } finally {
            h.dispose();
            await nginx.close().catch(() => {});
        }
    });

    it("returns at once when nothing listens (nginx already gone)", async () => {
        const nginx = await listener();
        await nginx.close();
        const h = hook(nginx.port, 60);
        try {
            const { code, after } = await h.exited;
            report(`nothing on port ${nginx.port}: returned after ${after.toFixed(2)} s, stamp ${h.stamp().trim()}`);
            expect(code).to.equal(0);
            expect(h.stamp()).to.match(/^\d+\n$/);
        } finally {
            h.dispose();
        }
    });

    it("gives up at the drain's deadline while nginx still listens (the shipper then exits at once)", async () => {
        const nginx = await listener();
        // A grace period of 4 s: the drain's deadline is 2 s after the stop began.
        const h = hook(nginx.port, 4);
        try {
            await until("the hook's return while nginx listens", 30_000, () => h.ended());
            const { code, after } = await h.exited;
            report(
                `nginx never stopped: returned after ${after.toFixed(2)} s (deadline 2 s), ${nginx.connections()} looks`,
            );
            expect(code).to.equal(0);
            // bash's SECONDS counts whole seconds from its start: the deadline is reached after 1 to 2 s.
            expect(after).to.be.at.least(1);
        } finally {
            h.dispose();
            await nginx.close();
        }
    });
});
