// What the epoch loop feeds the engine and what it makes of the answers, by value: each train window
// once an epoch with its own label (never a val/test one), val in date order for evaluation, and the
// epoch's train_loss as the sample-weighted mean of the step losses (a padded last batch counts for its
// real samples only; engine step losses are the mean over a batch's real rows, tests/engine/core).
import { describe, expect, it } from 'vitest';
import type { Batch, Dataset, SplitArrays } from '../../../../data/index.js';
import type { Trainer } from '../../../../engine/index.js';
import { MetricLogger } from '../../../../runner/tasks/train/hooks/index.js';
import { freshState, runLoop } from '../../../../runner/tasks/train/loop.js';
import { scripted } from './scripted.js';

const L = 2;
const C = 3;
/** n samples of [L, C]; every value of sample s is base + s, its label (s % 2) or (1 - s % 2) with flip. */
const split = (n: number, base: number, flip = false): SplitArrays => ({
  x: Float32Array.from({ length: n * L * C }, (_, i) => base + Math.floor(i / (L * C))),
  y: Float32Array.from({ length: n }, (_, s) => (flip ? 1 - (s % 2) : s % 2)),
  dates: Array.from({ length: n }, (_, i) => `d${base + i}`),
  n,
});
const cfg = { epochs: 2, maxSteps: null, batchSize: 2, seed: 1, evalInterval: 1 };

/** The real samples of recorded batches as [value, label, mask]. */
const rowsOf = (seen: Batch[]) => seen.flatMap((b) => Array.from({ length: b.size }, (_, k) => [b.x[k * L * C], b.y[k], b.mask[k]]));

describe('the epoch loop feeds the engine', () => {
  it('each train window once an epoch with its own label, val in date order, padding masked', async () => {
    const data = { train: split(5, 100), val: split(3, 200, true), test: split(2, 300) } as unknown as Dataset;
    const s = scripted([], [0.7, 0.6]);
    const stepped: Batch[][] = [[], []];
    const evaluated: Batch[] = [];
    const base = s.trainer;
    const trainer = {
      get stepCount() {
        return base.stepCount;
      },
      step: (b: Batch) => (stepped[Math.floor(base.stepCount / 3)]!.push(b), base.step(b)),
      evaluate: (batches: Iterable<Batch>) => (evaluated.push(...batches), base.evaluate(batches)),
      saveCheckpoint: base.saveCheckpoint,
    } as unknown as Trainer;
    await runLoop(cfg, { trainer, data, signal: s.ctx.signal, hooks: [] }, freshState());
    for (const epoch of stepped) {
      // every value of a fed window is its sample's, the label is that sample's, the mask 1
      for (const b of epoch) for (let k = 0; k < b.size; k++) expect(new Set(b.x.subarray(k * L * C, (k + 1) * L * C))).toEqual(new Set([b.x[k * L * C]]));
      expect(rowsOf(epoch).sort((a, b) => a[0]! - b[0]!)).toEqual([100, 101, 102, 103, 104].map((v) => [v, (v - 100) % 2, 1]));
      expect(epoch.at(-1)!.mask[1]).toBe(0);
    }
    expect(rowsOf(stepped[0]!).map((r) => r[0])).not.toEqual(rowsOf(stepped[1]!).map((r) => r[0])); // reshuffled each epoch
    expect(rowsOf(evaluated)).toEqual([[200, 1, 1], [201, 0, 1], [202, 1, 1], [200, 1, 1], [201, 0, 1], [202, 1, 1]]);
  });

  it("weights each step loss by its real samples in the epoch's train_loss (5 samples at batch 2: 2 + 2 + 1)", async () => {
    const s = scripted([0.9, 0.8, 0.3, 0.6, 0.6, 0.1], [0.7, 0.6]);
    const data = { train: split(5, 100), val: split(2, 200), test: split(2, 300) } as unknown as Dataset;
    const state = freshState();
    await runLoop(cfg, { trainer: s.trainer, data, signal: s.ctx.signal, hooks: [new MetricLogger(s.ctx, 50)] }, state);
    // (0.9·2 + 0.8·2 + 0.3·1) / 5 and (0.6·2 + 0.6·2 + 0.1·1) / 5; an unweighted mean would give 0.6667 and 0.4333
    expect(state.history.map((h) => h.train_loss)).toEqual([expect.closeTo(0.74, 12), expect.closeTo(0.5, 12)]);
    expect(s.metrics.filter((m) => m.name === 'train_loss').map((m) => [m.epoch, m.value])).toEqual([[1, expect.closeTo(0.74, 12)], [2, expect.closeTo(0.5, 12)]]);
    expect(s.metrics.filter((m) => m.name === 'val_loss').map((m) => [m.epoch, m.value])).toEqual([[1, 0.7], [2, 0.6]]);
  });
});
