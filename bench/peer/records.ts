// What the comparison writes and counts: access-log records as nginx writes them with a
// destination (components/nginxConf.ts' JSON format), each with a unique request_id, and how many of
// them a shipper's pod has in VictoriaLogs (all of them, distinct ones).
import * as fs from "fs";
import { VictoriaLogsProcess } from "../../scripts/lib/victoriaLogs";
import { ShipperRun } from "../../tests/shipper/harness";
import { accessRecordOf } from "../../tests/shipper/agentHarness";

/** One access record, about as long as nginx's (~280 bytes), its time now. */
export function accessRecord(requestId: string): string {
    return accessRecordOf({
        message: `GET /shop/items?id=${requestId} HTTP/1.1 200`,
        path: "/shop/items",
        query: `id=${requestId}`,
        request_id: requestId,
    });
}

/** Appends `n` records `${prefix}-<i>` to every shipper's access.log at once, one write per file. */
export function appendBacklog(runs: ShipperRun[], prefix: string, n: number): void {
    const chunk = 10_000;
    for (let i = 0; i < n; i += chunk) {
        const text = Array.from({ length: Math.min(chunk, n - i) }, (_, k) => accessRecord(`${prefix}-${i + k}`)).join(
            "\n",
        );
        for (const r of runs) fs.appendFileSync(r.file("access.log"), `${text}\n`);
    }
}

/** The same lines to every shipper, one write per line, as nginx does. */
export function writeAll(runs: ShipperRun[], lines: string[]): void {
    for (const r of runs) r.write("access.log", lines);
}

/** Access records of `pod` stored in VictoriaLogs: all, and distinct request ids (`prefix` alone, when given). */
export async function storedOf(
    vl: VictoriaLogsProcess,
    pod: string,
    prefix?: string,
): Promise<{ all: number; distinct: number }> {
    const filter = prefix ? ` request_id:${JSON.stringify(prefix + "-")}*` : "";
    const [r] = await vl.query(
        `_time:24h pod:=${JSON.stringify(pod)} log:=access${filter} | stats count() all, count_uniq(request_id) distinct`,
    );
    return { all: Number(r?.all ?? 0), distinct: Number(r?.distinct ?? 0) };
}

/** Only the count of `pod`'s access records (cheaper, for polling). */
export async function countOf(vl: VictoriaLogsProcess, pod: string): Promise<number> {
    const [r] = await vl.query(`_time:24h pod:=${JSON.stringify(pod)} log:=access | stats count() n`);
    return Number(r?.n ?? 0);
}
