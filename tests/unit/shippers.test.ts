import { podStatus, promiseOf } from "../helpers/mocks";
import { render } from "../helpers/render";
import { expect } from "chai";
import { validateArgs, WebserverPod, WebserverPodArgs } from "../../components";
import * as fs from "fs";
import * as path from "path";
import { DRAIN } from "../../components/defaults";
import {
    catLoopCommand,
    preStopCommand,
    RETENTION_SCRIPT_FILE,
    scriptCode,
    streamCommand,
    STREAM_SHIPPER_SCRIPT_FILE,
} from "../../components/shippers";
import { RETENTION_LAYOUT, retentionBudget, retentionMinBytes } from "../../components/retention";
import { readyContainers } from "../../components/status";
import { seedPod } from "../helpers/fixtures";
import { expectArgError } from "../helpers/argErrors";
import { validateAgainstSchema } from "../../scripts/lib/schema";
import { evaluate } from "../../policy/rules";

const pod = (args: WebserverPodArgs) => render(args, "ship").pod!;
const sidecarOf = (args: WebserverPodArgs) => {
    const p = pod(args);
    return [...(p.spec.initContainers ?? []), ...p.spec.containers].find((c) => c.name === "sidecar-container")!;
};

describe("shippers", () => {
    it("cat-loop with the default period is the seed's exact command", () => {
        expect(sidecarOf({ shipper: "cat-loop" }).command).to.deep.equal(seedPod().spec.containers[1].command);
        expect(catLoopCommand()).to.deep.equal(seedPod().spec.containers[1].command);
    });

    it("catLoopPeriodSeconds changes only the sleep", () => {
        expect(sidecarOf({ catLoopPeriodSeconds: 5 }).command![2]).to.equal(
            "while true; do cat /var/log/nginx/access.log /var/log/nginx/error.log; sleep 5; done",
        );
    });

    it("stream runs retention.sh + stream.sh with bash: the log dir, no retention, the poll and age interval", () => {
        const cmd = sidecarOf({ shipper: "stream" }).command!;
        expect(cmd.slice(0, 2)).to.deep.equal(["bash", "-c"]);
        expect(cmd.slice(3)).to.deep.equal([
            "stream-shipper",
            "/var/log/nginx",
            "0",
            "0",
            "0.2",
            "60",
            "4096",
            "65536",
            // The drain on TERM: Kubernetes' default 30 s grace less 2 s; one quiet pass.
            "28",
            "1",
        ]);
        // The files without their comments and blank lines, under a line naming them.
        const code = (file: string) =>
            fs
                .readFileSync(file, "utf8")
                .split("\n")
                .filter((l) => l.trim() !== "" && !/^\s*#/.test(l));
        expect(scriptCode(STREAM_SHIPPER_SCRIPT_FILE)).to.deep.equal(code(STREAM_SHIPPER_SCRIPT_FILE));
        expect(cmd[2].split("\n")).to.deep.equal([
            "# webserver-sidecar: components/shipper/retention.sh + components/shipper/stream.sh (comments stripped)",
            ...code(RETENTION_SCRIPT_FILE),
            ...code(STREAM_SHIPPER_SCRIPT_FILE),
        ]);
        expect(code(STREAM_SHIPPER_SCRIPT_FILE).length, "the script has code").to.be.above(100);
        expect(cmd[2]).to.include("retain() {");
    });

    it("stream with retention passes each log's share of maxSize (bytes) and maxAge (seconds), and retention's sizes", () => {
        const cmd = sidecarOf({ shipper: "stream", retention: { maxAge: "24h", maxSize: "100Mi" } }).command!;
        const b = retentionBudget(100 * 2 ** 20, "stream");
        expect(b.keepBytesPerLog).to.equal((100 * 2 ** 20 - 64 * 1024) / 2);
        expect(cmd.slice(4)).to.deep.equal([
            "/var/log/nginx",
            String(b.keepBytesPerLog),
            "86400",
            "0.2",
            "60",
            "4096",
            "65536",
            "28",
            "1",
        ]);
        expect(
            streamCommand(undefined, { terminationGracePeriodSeconds: 60 }).slice(-2),
            "a longer grace",
        ).to.deep.equal(["58", "1"]);
        expect(
            streamCommand(undefined, { terminationGracePeriodSeconds: 1 }).slice(-2),
            "no time to drain",
        ).to.deep.equal(["0", "1"]);
        expect(streamCommand(undefined).slice(5, 7), "no retention: 0").to.deep.equal(["0", "0"]);
    });

    it("retention's budget: at the smallest maxSize each shipper accepts, every log keeps exactly its least share", () => {
        for (const shipper of ["stream", "agent"] as const) {
            const min = retentionMinBytes(shipper);
            const b = retentionBudget(min, shipper);
            expect(b.keepBytesPerLog, shipper).to.equal(RETENTION_LAYOUT.minKeepBytesPerLog);
            expect(2 * b.keepBytesPerLog + b.overheadBytes, shipper).to.equal(min);
        }
        // The agent's overhead: the state reserve, each log's first block, its state files.
        expect(retentionMinBytes("stream")).to.equal(192 * 1024);
        expect(retentionMinBytes("agent")).to.equal(224 * 1024);
    });

    it("retention defaults: 24h, and 80% of logVolume.sizeLimit when that is set, else 200Mi", () => {
        expect(validateArgs("r", { shipper: "stream", retention: {} }).retention).to.deep.equal({
            maxBytes: 200 * 2 ** 20,
            maxAgeSeconds: 86400,
        });
        expect(
            validateArgs("r", { shipper: "stream", retention: { maxAge: "1d12h" }, logVolume: { sizeLimit: "100Mi" } })
                .retention,
        ).to.deep.equal({ maxBytes: Math.floor(80 * 2 ** 20), maxAgeSeconds: 129600 });
    });

    it("under restricted, the cat-loop reads the logs read-only; the stream shipper writes its checkpoint", () => {
        expect(sidecarOf({ security: "restricted" }).volumeMounts[0].readOnly).to.equal(true);
        expect(sidecarOf({ security: "restricted", shipper: "stream" }).volumeMounts[0].readOnly).to.equal(undefined);
        expect(
            sidecarOf({ security: "restricted", shipper: "stream", retention: {} }).volumeMounts[0].readOnly,
        ).to.equal(undefined);
    });

    it("production ships with stream and keeps 24h within 200Mi under the 256Mi volume limit, passing every policy rule", () => {
        const p = pod({ production: true });
        expect(p.spec.containers[1].command!.slice(5, 7)).to.deep.equal([
            String((200 * 2 ** 20 - 64 * 1024) / 2),
            "86400",
        ]);
        expect(p.spec.volumes[0].emptyDir).to.deep.equal({ sizeLimit: "256Mi" });
        expect(evaluate(p.spec)).to.deep.equal({});
    });

    describe("the classic sidecar's preStop hook (its TERM held until nginx has exited)", () => {
        const hookOf = (args: WebserverPodArgs) => sidecarOf(args).lifecycle?.preStop.exec.command;

        it("a shipper that drains, as a classic sidecar: prestop.sh with the stamp's path, nginx's port and the drain's deadline", () => {
            expect(hookOf({ shipper: "stream" })).to.deep.equal(preStopCommand(80));
            expect(hookOf({ shipper: "stream" })!.slice(3)).to.deep.equal([
                "prestop",
                "/var/log/nginx/.shipper/stop-began",
                "80",
                "28",
            ]);
            // Restricted: nginx listens on 8080; the grace period decides the deadline.
            expect(
                hookOf({ shipper: "stream", security: "restricted", terminationGracePeriodSeconds: 90 })!.slice(5),
            ).to.deep.equal(["8080", "88"]);
            expect(
                hookOf({ destination: { elasticsearch: { url: "http://logs:9428/insert/elasticsearch" } } }),
            ).to.deep.equal(preStopCommand(80));
            // production: the stream shipper, restricted, 60 s.
            expect(hookOf({ production: true })!.slice(5)).to.deep.equal(["8080", "58"]);
            validateAgainstSchema(pod({ production: true }) as any);
        });

        it("none on the seed's cat loop (it does not drain) or on a native sidecar (the kubelet orders the stop)", () => {
            expect(sidecarOf({}).lifecycle).to.equal(undefined);
            expect(sidecarOf({ shipper: "cat-loop", probes: { sidecarLiveness: {} } }).lifecycle).to.equal(undefined);
            expect(sidecarOf({ nativeSidecar: true, shipper: "stream" }).lifecycle).to.equal(undefined);
        });

        it("with it, the sidecar's liveness probe restarts a stuck shipper within its own grace period, not the drain's", () => {
            expect(
                sidecarOf({ shipper: "stream", probes: { sidecarLiveness: {} } }).livenessProbe!
                    .terminationGracePeriodSeconds,
            ).to.equal(DRAIN.livenessKillGraceSeconds);
            expect(
                sidecarOf({ probes: { sidecarLiveness: {} } }).livenessProbe!.terminationGracePeriodSeconds,
            ).to.equal(undefined);
            expect(
                sidecarOf({ nativeSidecar: true, shipper: "stream", probes: { sidecarLiveness: {} } }).livenessProbe!
                    .terminationGracePeriodSeconds,
            ).to.equal(undefined);
        });

        it("the stamp the hook writes is the one both shippers read (retention.sh, begin_drain)", () => {
            const code = scriptCode(RETENTION_SCRIPT_FILE).join("\n");
            expect(DRAIN.stopBeganFile.startsWith(".shipper/")).to.equal(true);
            expect(code).to.contain(`"$state/${path.basename(DRAIN.stopBeganFile)}"`);
        });
    });

    describe("native sidecar", () => {
        afterEach(() => {
            podStatus.ready = [true, true];
        });

        it("renders the shipper as an init container with restartPolicy Always, and validates", () => {
            const p = pod({ nativeSidecar: true, shipper: "stream" });
            expect(p.spec.containers.map((c) => c.name)).to.deep.equal(["nginx-container"]);
            expect(p.spec.initContainers!.map((c) => [c.name, c.restartPolicy])).to.deep.equal([
                ["sidecar-container", "Always"],
            ]);
            validateAgainstSchema(p as any);
            expect(pod({ nativeSidecar: false }).spec.initContainers).to.equal(undefined);
        });

        it("counts the native sidecar in readyContainers, as kubectl does", async () => {
            const c = new WebserverPod("native", { nativeSidecar: true });
            expect(await promiseOf(c.readyContainers)).to.equal("2/2");
            podStatus.ready = [true, false];
            const d = new WebserverPod("native-half", { nativeSidecar: true });
            expect(await promiseOf(d.readyContainers)).to.equal("1/2");
        });

        it("readyContainers ignores ordinary init containers", () => {
            const spec = {
                containers: [{ name: "a" }],
                initContainers: [{ name: "setup" }, { name: "ship", restartPolicy: "Always" }],
            };
            expect(
                readyContainers(spec, {
                    containerStatuses: [{ name: "a", ready: true }],
                    initContainerStatuses: [
                        { name: "setup", ready: false },
                        { name: "ship", ready: true },
                    ],
                }),
            ).to.equal("2/2");
        });
    });

    describe("bad values", () => {
        const BAD: Array<[WebserverPodArgs, string, unknown, string]> = [
            [{ shipper: "fluentd" as any }, "shipper", "fluentd", 'must be one of "cat-loop", "stream"'],
            [{ catLoopPeriodSeconds: 0 }, "catLoopPeriodSeconds", 0, "integer from 1 to"],
            [
                { shipper: "stream", catLoopPeriodSeconds: 5 },
                "catLoopPeriodSeconds",
                5,
                'applies to shipper "cat-loop" only',
            ],
            [{ retention: {} }, "retention", {}, 'needs shipper "stream"'],
            [{ shipper: "stream", retention: { maxAge: "1 day" } }, "retention.maxAge", "1 day", "duration"],
            [{ shipper: "stream", retention: { maxAge: "30s" } }, "retention.maxAge", "30s", "at least a minute"],
            [
                { shipper: "stream", retention: { maxSize: "200MB" } },
                "retention.maxSize",
                "200MB",
                "Kubernetes quantity",
            ],
            [{ shipper: "stream", retention: { maxSize: "1Ki" } }, "retention.maxSize", "1Ki", "at least 192Ki"],
            [
                { shipper: "stream", retention: { maxSize: "300Mi" }, logVolume: { sizeLimit: "256Mi" } },
                "retention.maxSize",
                "300Mi",
                "must be below logVolume.sizeLimit (256Mi)",
            ],
            [{ nativeSidecar: "yes" as any }, "nativeSidecar", "yes", "must be true or false"],
        ];
        for (const [args, arg, value, rule] of BAD) {
            it(`${arg} ${JSON.stringify(value)}`, () => {
                expectArgError(`bad-ship-${arg.replace(/[^a-z]/gi, "").toLowerCase()}`, args, arg, value, rule);
            });
        }
    });
});
