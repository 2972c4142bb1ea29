import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../engine/models/index.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import { type Batch, createTrainer } from '../../../engine/runtime/trainer.js';
import { Rng } from '../../../engine/step/rng.js';

const L = 24;
const C = 3;
const B = 32;

/**
 * Noisy series on arbitrary per-sample level and scale; the label is whether the series trends up. RevIN
 * removes level and scale, so only the shape over time (what PatchTST must learn) predicts y.
 */
function trendBatches(n: number, seed: number): Batch[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const x = new Float32Array(B * L * C);
    const y = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      y[b] = rng.next() < 0.5 ? 1 : 0;
      const slope = (y[b] ? 1 : -1) * rng.uniform(0.5, 1.5);
      for (let c = 0; c < C; c++) {
        const [level, scale] = [rng.uniform(-50, 50), rng.uniform(0.1, 10)];
        for (let t = 0; t < L; t++) x[(b * L + t) * C + c] = level + scale * (slope * (t / L) + 0.6 * rng.normal());
      }
    }
    return { x, y };
  });
}

const small: ModelConfig = {
  name: 'patchtst', context_length: L, patch_len: 6, stride: 3, d_model: 16, n_heads: 2, n_layers: 2, d_ff: 32,
  dropout: 0.1, proj_dropout: 0, attn_dropout: 0, head_dropout: 0, norm: 'batch', residual_attention: false, revin: true, revin_affine: true,
};

describe('PatchTST learns', () => {
  it.each<[string, ModelConfig]>([
    ['patchtst', small],
    ['patchtst_mix', { ...small, name: 'patchtst_mix', stride: 6, norm: 'layer' }],
  ])('%s drives held-out BCE far below chance (ln 2) on a learnable trend task', async (_, cfg) => {
    const trainer = await createTrainer({
      model: buildModel(cfg, C), batchSize: B, inputShape: [L, C], seed: 1, threads: 1,
      optim: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-3, gradClip: 1, lr: 3e-3, warmupSteps: 5, totalSteps: 80, schedule: 'cosine' },
    });
    try {
      const heldOut = trendBatches(4, 99);
      const before = (await trainer.evaluate(heldOut)).loss;
      for (const batch of [...trendBatches(40, 1), ...trendBatches(40, 2)]) await trainer.step(batch);
      const after = await trainer.evaluate(heldOut);
      const accuracy = after.probs.reduce((a, p, i) => a + ((p > 0.5 ? 1 : 0) === heldOut[Math.floor(i / B)].y[i % B] ? 1 : 0), 0) / after.probs.length;
      expect(before).toBeGreaterThan(0.5);
      expect(after.loss).toBeLessThan(0.25);
      expect(accuracy).toBeGreaterThan(0.9);
    } finally {
      await trainer.close();
    }
  });
});
