// The sidecar's command for each shipper. Pure: settings in, argv out.
import * as fs from "fs";
import * as path from "path";
import { AGENT, DRAIN, drainSeconds, SEED, STREAM_SHIPPER } from "./defaults";
import { RetentionSettings } from "./model";
import { RetainingShipper, retentionBudget, volumeBoundBytes } from "./retention";

/** The seed's shipper, with its period: print both log files every `periodSeconds`. */
export function catLoopCommand(periodSeconds: number = SEED.catLoopPeriodSeconds): string[] {
    return [
        "sh",
        "-c",
        `while true; do cat ${SEED.logDir}/access.log ${SEED.logDir}/error.log; sleep ${periodSeconds}; done`,
    ];
}

/** Where the shipper scripts are: components/shipper/ (copied beside the build in dist/). */
export const SHIPPER_DIR = path.join(__dirname, "shipper");
/** The retention and state records both shippers use, rendered ahead of either. */
export const RETENTION_SCRIPT_FILE = path.join(SHIPPER_DIR, "retention.sh");
/** The stream shipper's source. */
export const STREAM_SHIPPER_SCRIPT_FILE = path.join(SHIPPER_DIR, "stream.sh");
/** The log agent's wrapper: runs rsyslogd and frees only what it delivered. */
export const AGENT_SCRIPT_FILE = path.join(SHIPPER_DIR, "agent.sh");
/** The classic sidecar's preStop hook: holds the shipper's TERM back until nginx has exited. */
export const PRESTOP_SCRIPT_FILE = path.join(SHIPPER_DIR, "prestop.sh");

/** A script file's code: without its comment lines and blank lines (its documentation stays in the file). */
export function scriptCode(file: string): string[] {
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !/^\s*#/.test(line));
}

/**
 * A shipper as it goes into the Pod spec: retention.sh and the shipper's own file, without their
 * comments, under a line naming both files, so the spec stays short.
 */
function renderScript(file: string): string {
    const name = (f: string) => `components/shipper/${path.basename(f)}`;
    return [
        `# webserver-sidecar: ${name(RETENTION_SCRIPT_FILE)} + ${name(file)} (comments stripped)`,
        ...scriptCode(RETENTION_SCRIPT_FILE),
        ...scriptCode(file),
    ].join("\n");
}

export const STREAM_SHIPPER_SCRIPT = renderScript(STREAM_SHIPPER_SCRIPT_FILE);
export const AGENT_SCRIPT = renderScript(AGENT_SCRIPT_FILE);
export const PRESTOP_SCRIPT = [
    `# webserver-sidecar: components/shipper/${path.basename(PRESTOP_SCRIPT_FILE)} (comments stripped)`,
    ...scriptCode(PRESTOP_SCRIPT_FILE),
].join("\n");

/** Where the scripts run: the component passes the seed's log directory and its timings. */
export interface ShipperPlace {
    /** The shared log directory. @default "/var/log/nginx" (the seed's mount) */
    logDir?: string;
    /** Seconds between two age checkpoints. @default STREAM_SHIPPER.ageCheckpointSeconds (60) */
    ageCheckpointSeconds?: number;
    /** The Pod's terminationGracePeriodSeconds, which the drain deadline is derived from. @default Kubernetes' 30 */
    terminationGracePeriodSeconds?: number;
    /** The log volume's sizeLimit in bytes, which the agent's metrics show beside what it holds. @default 0 (none) */
    volumeLimitBytes?: number;
}

/** The drain's figures in the order both scripts take them last: deadline and quiet passes. */
function drainArgs(place: ShipperPlace): string[] {
    return [String(drainSeconds(place.terminationGracePeriodSeconds)), String(DRAIN.quietPasses)];
}

/** Retention's figures in the order both scripts take them after MAX_AGE_SECONDS. */
function budgetArgs(shipper: RetainingShipper, retention: RetentionSettings | undefined) {
    const b = retentionBudget(retention?.maxBytes ?? 0, shipper);
    return {
        keep: String(retention ? b.keepBytesPerLog : 0),
        maxAge: String(retention?.maxAgeSeconds ?? 0),
        sizes: [String(b.blockBytes), String(b.minPunchBytes)],
        head: String(b.headBytes),
    };
}

/**
 * The stream shipper (components/shipper/stream.sh): every line of access.log and error.log once,
 * in order per file, within a poll; resumed from its checkpoint after a restart; with retention,
 * the oldest shipped bytes of each file freed so the volume stays within `maxBytes`.
 */
export function streamCommand(retention?: RetentionSettings, place: ShipperPlace = {}): string[] {
    const b = budgetArgs("stream", retention);
    return [
        "bash",
        "-c",
        STREAM_SHIPPER_SCRIPT,
        "stream-shipper",
        place.logDir ?? SEED.logDir,
        b.keep,
        b.maxAge,
        String(STREAM_SHIPPER.pollSeconds),
        String(place.ageCheckpointSeconds ?? STREAM_SHIPPER.ageCheckpointSeconds),
        ...b.sizes,
        ...drainArgs(place),
    ];
}

/**
 * The log agent (components/shipper/agent.sh): rsyslogd with the generated config at `confPath`,
 * delivering both logs to the destination; with retention, the oldest delivered bytes of each
 * log freed so the volume stays within `maxBytes`.
 */
export function agentCommand(confPath: string, retention?: RetentionSettings, place: ShipperPlace = {}): string[] {
    const b = budgetArgs("agent", retention);
    return [
        "bash",
        "-c",
        AGENT_SCRIPT,
        "log-agent",
        place.logDir ?? SEED.logDir,
        confPath,
        b.keep,
        b.maxAge,
        String(place.ageCheckpointSeconds ?? STREAM_SHIPPER.ageCheckpointSeconds),
        ...b.sizes,
        b.head,
        String(AGENT.stallReportSeconds),
        ...drainArgs(place),
        String(place.volumeLimitBytes ?? 0),
        String(AGENT.metrics.everySeconds),
        // The volume's bound: with retention and a sizeLimit (without retention nothing is freed at all).
        String(retention && place.volumeLimitBytes ? volumeBoundBytes(place.volumeLimitBytes) : 0),
        String(AGENT.rejectedKeepBytes),
    ];
}

/**
 * The classic sidecar's preStop hook (components/shipper/prestop.sh): records when the Pod's stop
 * began and waits until nothing listens on nginx's `port` (nginx has exited), at most the drain's
 * deadline, which then counts from that moment.
 */
export function preStopCommand(port: number, place: ShipperPlace = {}): string[] {
    return [
        "bash",
        "-c",
        PRESTOP_SCRIPT,
        "prestop",
        `${place.logDir ?? SEED.logDir}/${DRAIN.stopBeganFile}`,
        String(port),
        String(drainSeconds(place.terminationGracePeriodSeconds)),
    ];
}
