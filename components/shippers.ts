// The sidecar's command for each shipper. Pure: settings in, argv out.
import * as fs from "fs";
import * as path from "path";
import { SEED, STREAM_SHIPPER } from "./defaults";
import { RetentionSettings } from "./model";

/** The seed's shipper, with its period: print both log files every `periodSeconds`. */
export function catLoopCommand(periodSeconds: number = SEED.catLoopPeriodSeconds): string[] {
    return [
        "sh",
        "-c",
        `while true; do cat ${SEED.logDir}/access.log ${SEED.logDir}/error.log; sleep ${periodSeconds}; done`,
    ];
}

/** The stream shipper's source: components/shipper/stream.sh (copied beside the build in dist/). */
export const STREAM_SHIPPER_SCRIPT_FILE = path.join(__dirname, "shipper", "stream.sh");

/**
 * The script as it goes into the Pod spec: without its comment lines and blank lines (its
 * documentation is in the file, which the first line names), so the spec stays short.
 */
export const STREAM_SHIPPER_SCRIPT = [
    "# webserver-sidecar: components/shipper/stream.sh (comments stripped)",
    ...fs
        .readFileSync(STREAM_SHIPPER_SCRIPT_FILE, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !/^\s*#/.test(line)),
].join("\n");

/**
 * The stream shipper (components/shipper/stream.sh): every line of access.log and error.log once,
 * in order per file, within a poll; resumed from its checkpoint after a restart; with retention,
 * the oldest shipped bytes of each file freed so the volume stays within `maxBytes`.
 */
export function streamCommand(retention?: RetentionSettings): string[] {
    return [
        "bash",
        "-c",
        STREAM_SHIPPER_SCRIPT,
        "stream-shipper",
        SEED.logDir,
        String(retention?.maxBytes ?? 0),
        String(retention?.maxAgeSeconds ?? 0),
        String(STREAM_SHIPPER.pollSeconds),
        String(STREAM_SHIPPER.ageCheckpointSeconds),
    ];
}
