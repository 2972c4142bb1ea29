/** A loss for a log line: 4 decimals, '–' for none. */
export const fmtLoss = (x: number | null) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(4));
