// `npm run local` on a machine without podman: one actionable line, not a stack trace.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliCase } from "../helpers/children";
import { podmanPlan } from "../../scripts/lib/podman";
import { validateLogService } from "../../components";
import { buildAlertingObjects } from "../../components/logService/alerting";
import { buildLogServiceCluster, buildLogServiceStatefulSet } from "../../components/logService/manifest";
import { PLAYED_OPEN_NOTE, playedOpen, unplayableLogService } from "../../scripts/lib/logServicePod";
import { KubeObject } from "../../scripts/lib/schema";

const noPodman = cliCase({
    script: "local",
    argv: ["up"],
    env: { PATH: fs.mkdtempSync(path.join(os.tmpdir(), "nopodman-")), HOME: os.tmpdir() },
});
const sideways = cliCase({ script: "local", argv: ["sideways"] });

describe("npm run local without podman", () => {
    it("prints the exact install command when it cannot install podman itself", () => {
        const r = noPodman();
        expect(r.code).to.equal(1);
        expect(r.stderr.trim()).to.equal(
            "error: podman is not installed; install it with: sudo apt-get install -y podman crun",
        );
    });

    it("rejects an unknown command before touching podman", () => {
        const r = sideways();
        expect(r.code).to.equal(1);
        expect(r.stderr.trim()).to.equal("error: unknown command sideways; use up or down");
    });
});

describe("npm run local: what it installs when podman info fails", () => {
    const host = { podman: false, runtime: false, containerdIo: false, canInstall: true };

    it("only what is missing: podman, a runtime only where none is", () => {
        expect(podmanPlan(host)).to.deep.equal({ install: ["podman", "crun"] });
        expect(podmanPlan({ ...host, runtime: true })).to.deep.equal({ install: ["podman"] });
        expect(podmanPlan({ ...host, podman: true })).to.deep.equal({ install: ["crun"] });
    });

    it("never runc, and no runtime at all beside Docker's containerd.io (its package replaces runc's)", () => {
        for (const h of [host, { ...host, containerdIo: true }, { ...host, podman: true }]) {
            const plan = podmanPlan(h);
            expect("install" in plan ? plan.install : []).to.not.include("runc");
        }
        expect(podmanPlan({ ...host, containerdIo: true })).to.deep.equal({ install: ["podman"] });
    });

    it("says what is missing and the command when it cannot install; nothing to install when all is there", () => {
        expect(podmanPlan({ ...host, canInstall: false })).to.deep.equal({
            error: "podman is not installed; install it with: sudo apt-get install -y podman crun",
        });
        expect(podmanPlan({ ...host, podman: true, canInstall: false })).to.deep.equal({
            error: "podman has no OCI runtime (runc or crun); install it with: sudo apt-get install -y crun",
        });
        expect(podmanPlan({ ...host, podman: true, runtime: true })).to.deep.equal({
            error: "podman and an OCI runtime are installed, but `podman info` fails",
        });
    });
});

describe("npm run local: a LogService it cannot play", () => {
    const objectsOf = (args: Record<string, unknown>): KubeObject[] => {
        const v = validateLogService("logs", { access: { open: true }, ...args } as any);
        const objects: unknown[] = v.cluster
            ? Object.values(buildLogServiceCluster(v))
            : [buildLogServiceStatefulSet(v)];
        if (v.alerting) objects.push(...Object.values(buildAlertingObjects(v.name, v.namespace, v.alerting)));
        return objects as KubeObject[];
    };

    it("refuses cluster mode and alerting, naming each, before playing anything; plays the single node", () => {
        expect(unplayableLogService(objectsOf({}))).to.equal(undefined);
        expect(unplayableLogService(objectsOf({ cluster: {} }))).to.match(
            /^the stack's LogService has cluster mode, which npm run local does not play/,
        );
        expect(unplayableLogService(objectsOf({ cluster: {}, alerting: { notifierUrl: "http://am:9093" } }))).to.match(
            /has cluster mode and alerting, which npm run local does not play .*remove them/,
        );
        expect(unplayableLogService(objectsOf({ alerting: { notifierUrl: "http://am:9093" } }))).to.contain(
            "has alerting,",
        );
    });
});

describe("npm run local: the LogService played open", () => {
    it("opens true and a mapping (its other args kept, access replaced), and leaves no LogService alone", () => {
        expect(playedOpen(undefined)).to.equal(undefined);
        expect(playedOpen("false")).to.equal(undefined);
        expect(JSON.parse(playedOpen("true")!)).to.deep.equal({ access: { open: true } });
        expect(
            JSON.parse(playedOpen('{"retentionPeriod":"3d","access":{"readers":{"namespaces":["web"]}}}')!),
        ).to.deep.equal({ retentionPeriod: "3d", access: { open: true } });
        // Not a mapping: left to the render, which refuses it with the program's message.
        for (const raw of ["yes", "[1]", "null"]) expect(playedOpen(raw), raw).to.equal(undefined);
    });

    it("says why, and that pulumi up deploys it closed", () => {
        expect(PLAYED_OPEN_NOTE)
            .to.match(/played open/)
            .and.match(/pulumi up deploys it closed/);
    });
});
