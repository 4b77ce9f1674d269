// The benchmark's settings: a quick run (`npm run bench -- --quick`) and the full one.

export interface Settings {
    quick: boolean;
    reps: number;
    catLoopPeriod: number;
    latencyRequests: number;
    growthPeriod: number;
    growthRate: number;
    wrkSeconds: number;
    wrkConnections: number;
    /** Cycles of the serving comparison, each a window of every variant. */
    servingCycles: number;
    servingWindowSeconds: number;
    saturationRounds: number;
    /** Tagged requests per second sent beside wrk, whose lines' shipping latency is measured. */
    saturationTagRate: number;
    recoveryRounds: number;
    /** Rounds and length of the receiver outage of the delivery measure. */
    outageRounds: number;
    outageSeconds: number;
}

export const QUICK: Settings = {
    quick: true,
    reps: 3,
    catLoopPeriod: 10,
    latencyRequests: 200,
    growthPeriod: 2,
    growthRate: 50,
    wrkSeconds: 4,
    wrkConnections: 16,
    servingCycles: 6,
    servingWindowSeconds: 2,
    saturationRounds: 1,
    saturationTagRate: 10,
    recoveryRounds: 2,
    outageRounds: 2,
    outageSeconds: 10,
};

export const FULL: Settings = {
    quick: false,
    reps: 5,
    catLoopPeriod: 30,
    latencyRequests: 300,
    growthPeriod: 3,
    growthRate: 100,
    wrkSeconds: 15,
    wrkConnections: 16,
    servingCycles: 24,
    servingWindowSeconds: 3,
    saturationRounds: 3,
    saturationTagRate: 10,
    recoveryRounds: 5,
    outageRounds: 3,
    outageSeconds: 30,
};
