import { describe, expect, it } from 'vitest';
import { thresholdLabels } from '../../data/targets.js';

describe('threshold labels', () => {
  // day:        0    1    2    3    4    5
  const close = [100, 100, 100, 100, 100, 100];
  const high = [100, 100.5, 101, 100, 100, 102];

  it('label[t] = 1 when max(high[t+1..t+h]) >= close[t]*(1+threshold), inclusive at the threshold', () => {
    // h=1: day 1 looks at high[2]=101 >= 101 → 1 (exactly at the threshold); day 4 looks at high[5]=102.
    expect(Array.from(thresholdLabels(high, close, 1, 0.01))).toEqual([0, 1, 0, 0, 1]);
    // h=2: day 0 sees highs 100.5, 101 → 1; day 3 sees 100, 102 → 1.
    expect(Array.from(thresholdLabels(high, close, 2, 0.01))).toEqual([1, 1, 0, 1]);
    // a 2% threshold is only reached on day 5.
    expect(Array.from(thresholdLabels(high, close, 3, 0.02))).toEqual([0, 0, 1]);
  });

  it("uses the future highs, not day t's own high, and leaves the last h days unlabeled", () => {
    const labels = thresholdLabels([200, 100, 100], [100, 100, 100], 1, 0.01);
    expect(Array.from(labels)).toEqual([0, 0]);
    expect(thresholdLabels(high, close, 5, 0.01).length).toBe(1);
    expect(thresholdLabels(high, close, 6, 0.01).length).toBe(0);
  });
});
