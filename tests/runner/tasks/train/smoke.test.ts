// trainer=smoke on the real S&P 500 data must score sanely: its val loss below chance, as the first 20
// steps of a full run give. With a 5-step warmup and a constant lr those 20 steps had ~9x the summed lr,
// the BatchNorm running statistics (an average over the same 20 steps) stopped fitting the weights, and
// the val loss landed far above chance: 0.9677 for the 2m model against ln 2 = 0.693 (docs/training.md).
import { describe, expect, it } from 'vitest';
import { lastMetric, train } from './helpers.js';

describe('trainer=smoke', () => {
  it('scores a val loss well below chance on real data with BatchNorm (one encoder layer of the 2m model)', async () => {
    // the 2m h3 model cut to one of its 32 layers: the old preset gives 0.6721 here, this one 0.6019
    const r = await train(['model=patchtst', 'budget=2m', 'horizon=h3', 'trainer=smoke', 'model.n_layers=1']);
    const dir = r.outcomes[0]!.dir;
    expect(r.outcomes[0]!.status).toBe('completed');
    const best = lastMetric(dir, 'val_loss') as number;
    expect(best).toBeLessThan(0.64);
    expect(best).toBeLessThan(lastMetric(dir, 'train_loss') as number);
  }, 120_000);
});
