import { mixSeed, permutation } from './random.js';
import type { SplitArrays } from './types.js';

export interface Batch {
  /** [batchSize, L, C]; padding rows are zero. */
  x: Float32Array;
  /** [batchSize]; padding is 0. */
  y: Float32Array;
  /** [batchSize]; 1 for real samples, 0 for padding. */
  mask: Float32Array;
  /** Number of real samples (the rest is padding). */
  size: number;
  /** Sample indices into the split, in batch order (-1 for padding), to map outputs back to dates. */
  index: Int32Array;
}

export interface BatchOptions {
  /** Shuffle with (seed, epoch); false keeps the split's date order, e.g. for evaluation. Default true. */
  shuffle?: boolean;
}

/**
 * Fixed-size batches over a split. The order is a permutation seeded by (seed, epoch): the same
 * arguments give the same batches. The last batch is padded to batchSize with mask 0.
 */
export function* batches(split: SplitArrays, batchSize: number, seed: number, epoch: number, opts: BatchOptions = {}): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const span = split.n > 0 ? split.x.length / split.n : 0;
  const order = opts.shuffle === false ? Int32Array.from({ length: split.n }, (_, i) => i) : permutation(split.n, mixSeed(seed, epoch));
  for (let start = 0; start < split.n; start += batchSize) {
    const size = Math.min(batchSize, split.n - start);
    const x = new Float32Array(batchSize * span);
    const y = new Float32Array(batchSize);
    const mask = new Float32Array(batchSize);
    const index = new Int32Array(batchSize).fill(-1);
    for (let b = 0; b < size; b++) {
      const s = order[start + b];
      x.set(split.x.subarray(s * span, (s + 1) * span), b * span);
      y[b] = split.y[s];
      mask[b] = 1;
      index[b] = s;
    }
    yield { x, y, mask, size, index };
  }
}
