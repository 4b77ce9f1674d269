// The tools scripts/tools.sh builds on request (uutils coreutils, VictoriaLogs, the OpenTelemetry
// Collector): where they are.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const TOOLS = path.resolve(__dirname, "..", "tools.sh");

/** Every pin of tools/versions.env (NAME=VERSION lines), by name. */
export function pinnedVersions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of fs
        .readFileSync(path.resolve(__dirname, "..", "..", "tools", "versions.env"), "utf8")
        .split("\n")) {
        const m = /^([A-Z_]+)=(\S+)$/.exec(line);
        if (m) out[m[1]] = m[2];
    }
    return out;
}

/**
 * The directory `scripts/tools.sh dir TOOL` names (uutils: its userland, one link per utility);
 * throws, saying how to build it, when it is not built.
 */
export function toolDir(
    tool: "uutils" | "victorialogs" | "vmalert" | "vmauth" | "otelcol" | "rsyslog-testing",
): string {
    const r = spawnSync("bash", [TOOLS, "dir", tool], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${tool} is not built (${r.stderr.trim()}): run npm run tools -- ${tool}`);
    return r.stdout.trim();
}
