import { describe, expect, it } from 'vitest';
import { batches, type SplitArrays } from '../../data/index.js';

// 10 samples of [L=2, C=3]; sample s holds the value s everywhere, so batch contents reveal the order.
const n = 10;
const span = 6;
const split: SplitArrays = {
  x: Float32Array.from({ length: n * span }, (_, i) => Math.floor(i / span)),
  y: Float32Array.from({ length: n }, (_, s) => s % 2),
  dates: Array.from({ length: n }, (_, s) => `2020-01-${String(s + 1).padStart(2, '0')}`),
  n,
};
const order = (seed: number, epoch: number): number[] => [...batches(split, 4, seed, epoch)].flatMap((b) => Array.from(b.index).filter((i) => i >= 0));

describe('seeded batches', () => {
  it('fixed-size batches, the last padded with mask 0 and zeros', () => {
    const all = [...batches(split, 4, 1, 0)];
    expect(all.map((b) => b.size)).toEqual([4, 4, 2]);
    for (const b of all) {
      expect(b.x.length).toBe(4 * span);
      expect(b.y.length).toBe(4);
      expect(b.mask.length).toBe(4);
    }
    const last = all[2];
    expect(Array.from(last.mask)).toEqual([1, 1, 0, 0]);
    expect(Array.from(last.x.subarray(2 * span))).toEqual(new Array(2 * span).fill(0));
    expect(Array.from(last.index.subarray(2))).toEqual([-1, -1]);
    for (const b of all) {
      for (let k = 0; k < b.size; k++) {
        const s = b.index[k];
        expect(Array.from(b.x.subarray(k * span, (k + 1) * span))).toEqual(new Array(span).fill(s));
        expect(b.y[k]).toBe(s % 2);
      }
    }
  });

  it('each epoch is a permutation of every sample; same seed and epoch give the same order', () => {
    expect([...order(1, 0)].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(order(1, 0)).toEqual(order(1, 0));
    expect(order(1, 1)).not.toEqual(order(1, 0));
    expect(order(2, 0)).not.toEqual(order(1, 0));
  });

  it('shuffle: false keeps date order (for evaluation)', () => {
    const ids = [...batches(split, 3, 1, 0, { shuffle: false })].flatMap((b) => Array.from(b.index).filter((i) => i >= 0));
    expect(ids).toEqual([...Array(n).keys()]);
  });

  it('rejects a non-positive batch size', () => {
    expect(() => [...batches(split, 0, 1, 0)]).toThrow(/batchSize must be a positive integer/);
  });
});
