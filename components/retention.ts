// Retention's budget: how retention.maxSize splits between the shippers' own state and each log,
// computed once, here, for either shipper. The scripts (components/shipper/) receive the results in
// bytes and compute none of it; validation's smallest maxSize and its message come from here too.
import { formatBytes } from "./grammar";

export const RETENTION_LAYOUT = {
    /** Holes are punched in whole filesystem blocks. */
    blockBytes: 4096,
    /** Of maxSize, for the scripts' state records and block rounding. */
    stateReserveBytes: 64 * 1024,
    /** Holes are punched in steps of at least this much (unless the bound needs it now): few processes. */
    minPunchBytes: 64 * 1024,
    /** The agent never frees a log's first bytes: imfile tells a file from a rotated one by a hash of them. */
    agentHeadBytes: 4096,
    /** The agent's state per log: agent.sh's copy of imfile's position (two slots) and imfile's own file. */
    agentStateBlocksPerLog: 3,
    /** The least each log may keep: room for its newest, partly shipped lines and a pass's growth. */
    minKeepBytesPerLog: 64 * 1024,
    /**
     * Of logVolume.sizeLimit, the share the log agent keeps free of the logs: past the rest (the
     * volume's bound) it drops the oldest undelivered lines instead of letting the kubelet evict the
     * Pod. It holds the writes between the agent's pass and the kubelet's measurement of the volume
     * (every 10 s or so: 25 MiB of a 256Mi volume is over a minute at 1000 requests a second).
     */
    volumeHeadroomShare: 0.1,
} as const;

/**
 * The log agent's hard bound on its volume, in bytes, for a logVolume.sizeLimit of `sizeLimitBytes`:
 * beyond it the oldest undelivered lines are dropped, counted and said in a gap record
 * (components/shipper/agent.sh, overflow_check), so the logs never get the Pod evicted.
 */
export function volumeBoundBytes(sizeLimitBytes: number): number {
    return Math.floor(sizeLimitBytes * (1 - RETENTION_LAYOUT.volumeHeadroomShare));
}

/**
 * What `npm run render` assumes to say how long an outage of the destination a volume holds
 * (scripts/lib/outage.ts): the bytes nginx writes to access.log for a request in its JSON format
 * (components/nginxConf.ts; the e2e's requests write 300 to 360), at two request rates.
 */
export const OUTAGE_ESTIMATE = {
    accessLineBytes: 330,
    requestsPerSecond: [100, 1000],
} as const;

/**
 * Seconds of an outage of the destination the log agent's volume holds before it drops lines, for
 * a logVolume.sizeLimit of `sizeLimitBytes` and nginx writing `bytesPerSecond`: its bound over the
 * rate (retention frees what was delivered; everything written from the outage's start waits).
 */
export function outageSurvivedSeconds(sizeLimitBytes: number, bytesPerSecond: number): number {
    return volumeBoundBytes(sizeLimitBytes) / bytesPerSecond;
}

/** The shippers that retain: the stream shipper, and the log agent of a destination. */
export type RetainingShipper = "stream" | "agent";

export interface RetentionBudget {
    /** Allocated bytes each log keeps at most (its newest), beyond bytes not yet shipped or delivered. */
    readonly keepBytesPerLog: number;
    /** Of maxSize, what is not for the logs' newest lines: state, and (agent) each log's first bytes. */
    readonly overheadBytes: number;
    readonly blockBytes: number;
    readonly minPunchBytes: number;
    /** Bytes at the start of each log never freed (0 for the stream shipper). */
    readonly headBytes: number;
}

function overheadBytes(shipper: RetainingShipper): number {
    const L = RETENTION_LAYOUT;
    return shipper === "agent"
        ? L.stateReserveBytes + 2 * L.agentHeadBytes + 2 * L.agentStateBlocksPerLog * L.blockBytes
        : L.stateReserveBytes;
}

/** How `maxBytes` of retention splits for `shipper`. */
export function retentionBudget(maxBytes: number, shipper: RetainingShipper): RetentionBudget {
    const overhead = overheadBytes(shipper);
    return {
        keepBytesPerLog: Math.floor((maxBytes - overhead) / 2),
        overheadBytes: overhead,
        blockBytes: RETENTION_LAYOUT.blockBytes,
        minPunchBytes: RETENTION_LAYOUT.minPunchBytes,
        headBytes: shipper === "agent" ? RETENTION_LAYOUT.agentHeadBytes : 0,
    };
}

/** The smallest maxSize `shipper` can honour: its overhead and each log's least share. */
export function retentionMinBytes(shipper: RetainingShipper): number {
    return overheadBytes(shipper) + 2 * RETENTION_LAYOUT.minKeepBytesPerLog;
}

/** Why that is the smallest, for the error message. */
export function retentionMinRule(shipper: RetainingShipper): string {
    const what =
        shipper === "agent" ? "the log agent's state and each log's first block" : "the stream shipper's state";
    return (
        `${formatBytes(overheadBytes(shipper))} of it hold ${what}, and each log keeps half of the rest, ` +
        `at least ${formatBytes(RETENTION_LAYOUT.minKeepBytesPerLog)} for its newest lines and a second's growth`
    );
}
