// Order statistics of a benchmark's rounds (milliseconds), shared by the TypeScript benchmarks.

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Nearest-rank 95th percentile: the value 95% of the rounds do not exceed (with 20 rounds, the 19th). */
export const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1];
