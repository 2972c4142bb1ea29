/**
 * label[t] = 1 if max(high[t+1..t+h]) >= close[t]*(1+threshold), else 0. The last h days have no label:
 * the result has length n-h and those days are never used as samples.
 */
export function thresholdLabels(high: ArrayLike<number>, close: ArrayLike<number>, horizon: number, threshold: number): Uint8Array {
  const n = Math.max(close.length - horizon, 0);
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    let max = -Infinity;
    for (let k = 1; k <= horizon; k++) max = Math.max(max, high[t + k]);
    out[t] = max >= close[t] * (1 + threshold) ? 1 : 0;
  }
  return out;
}
