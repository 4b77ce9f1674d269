// The comparison's settings: a quick run (`npm run bench:peer -- --quick`) and the full one.
import { PRODUCTION_PRESET } from "../../components/defaults";

export interface PeerSettings {
    quick: boolean;
    /** Rounds of each throughput measure (per shipper and CPU limit), alternating the shippers. */
    throughputRounds: number;
    /** The backlog each throughput round drains, by CPU limit in millicores. */
    backlog: (millicores: number) => number;
    /** Rounds of the steady-load measure (latency, CPU and memory), both shippers at once. */
    steadyRounds: number;
    steadySeconds: number;
    /** Records a second of the steady load and of the outage, per shipper. */
    steadyRate: number;
    /** Rounds and length of the service's outage, both shippers at once. */
    outageRounds: number;
    outageSeconds: number;
    /** Rounds of the kill -9 measure, and the seconds of load before and after the kill. */
    killRounds: number;
    killPhaseSeconds: number;
}

/** The sidecar's CPU limit in the production preset, in millicores (the agent runs in that container). */
export const PRESET_MILLICORES = millicores(PRODUCTION_PRESET.resources.sidecar.limits.cpu);
export const ONE_CORE = 1000;

function millicores(q: string): number {
    const m = /^(\d+)(m?)$/.exec(q);
    if (!m) throw new Error(`PRODUCTION_PRESET.resources.sidecar.limits.cpu: cannot read ${q} as millicores`);
    return m[2] ? Number(m[1]) : Number(m[1]) * 1000;
}

export const QUICK: PeerSettings = {
    quick: true,
    throughputRounds: 1,
    backlog: (mc) => (mc >= ONE_CORE ? 50_000 : 5_000),
    steadyRounds: 1,
    steadySeconds: 15,
    steadyRate: 200,
    outageRounds: 1,
    outageSeconds: 10,
    killRounds: 1,
    killPhaseSeconds: 5,
};

export const FULL: PeerSettings = {
    quick: false,
    throughputRounds: 3,
    backlog: (mc) => (mc >= ONE_CORE ? 200_000 : 20_000),
    steadyRounds: 3,
    steadySeconds: 30,
    steadyRate: 200,
    outageRounds: 2,
    outageSeconds: 30,
    killRounds: 3,
    killPhaseSeconds: 10,
};
