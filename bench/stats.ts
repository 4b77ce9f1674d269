// The benchmark's statistics: every figure is a median with its spread across rounds.

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The p-th percentile (nearest rank). */
export const percentile = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

export interface Spread {
    median: number;
    min: number;
    max: number;
}

/** A median with the range of the rounds it came from. */
export const spread = (xs: number[]): Spread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

export interface Percentiles {
    p50: number;
    p95: number;
    p99: number;
}

export const percentiles = (xs: number[]): Percentiles => ({
    p50: percentile(xs, 50),
    p95: percentile(xs, 95),
    p99: percentile(xs, 99),
});
