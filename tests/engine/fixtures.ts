/** Tiny models and a synthetic, learnable data set for the engine-core tests. */
import { linear } from '../../engine/nn/layers.js';
import * as o from '../../engine/autodiff/ops.js';
import type { Model } from '../../engine/step/graphs.js';
import { linearInit } from '../../engine/step/net.js';
import { Rng } from '../../engine/step/rng.js';
import type { Batch } from '../../engine/runtime/trainer.js';

/** MLP over x [B, L, C] flattened: Linear → GELU → dropout → BatchNorm → LayerNorm → Linear → logit. */
export function tinyMlp(inputs: number, hidden = 16, p = 0.1): Model {
  return {
    forward(net, x) {
      const g = net.graph;
      const B = x.shape[0];
      const h0 = o.reshape(x, [B, inputs]);
      const fc = (name: string, h: typeof x, i: number, out: number) =>
        g.scope(name, () => linear(h, net.param('weight', [i, out], linearInit(i)), net.param('bias', [out], linearInit(i), { decay: false })));
      const a = net.dropout(o.gelu(fc('fc1', h0, inputs, hidden)), p);
      const bn = o.reshape(net.batchNorm(o.reshape(a, [B, hidden, 1]), 'bn'), [B, hidden]);
      const ln = g.scope('ln', () => o.layerNorm(bn, net.param('weight', [hidden], { kind: 'const', value: 1 }, { decay: false }), net.param('bias', [hidden], { kind: 'const', value: 0 }, { decay: false })));
      return o.reshape(fc('fc2', o.relu(ln), hidden, 1), [B]);
    },
  };
}

/**
 * y = 1 when w · x > 0 for a direction w fixed by `taskSeed`: linearly separable, so a model that learns
 * gets far below ln 2. `seed` draws the samples (use another seed for a held-out set of the same task).
 */
export function separableBatches(n: number, batchSize: number, perSample: number, seed: number, taskSeed = 0): Batch[] {
  const dir = Array.from({ length: perSample }, ((r) => () => r.normal())(new Rng(taskSeed)));
  const rng = new Rng(seed);
  const batches: Batch[] = [];
  for (let b = 0; b < n; b++) {
    const x = new Float32Array(batchSize * perSample);
    const y = new Float32Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      let dot = 0;
      for (let j = 0; j < perSample; j++) dot += (x[i * perSample + j] = rng.normal()) * dir[j];
      y[i] = dot > 0 ? 1 : 0;
    }
    batches.push({ x, y });
  }
  return batches;
}

export const OPTIM = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, gradClip: 1, lr: 0.01, warmupSteps: 5, totalSteps: 200, schedule: 'cosine' as const };
