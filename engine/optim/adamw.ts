/**
 * AdamW on flat vectors, in-graph, with PyTorch's exact update order (torch.optim.AdamW, non-capturable):
 *   p ← p·(1 − lr·wd·mask);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * on the clipped gradient g. lr, lr/(1−β1ᵗ) and √(1−β2ᵗ) are computed in JS in double precision and fed
 * as scalars.
 */
import * as o from '../autodiff/ops.js';
import type { ClipOptions } from './clip.js';
import type { Optimizer, UpdateInputs, UpdateOutputs } from './optimizer.js';

export interface AdamWOptions extends ClipOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** The scalars the AdamW graph takes for step t (1-based). */
export function adamScalars(t: number, lr: number, beta1: number, beta2: number): { lr: number; stepSize: number; bc2Sqrt: number } {
  return { lr, stepSize: lr / (1 - beta1 ** t), bc2Sqrt: Math.sqrt(1 - beta2 ** t) };
}

/** Emits one AdamW update: slots m and v, scalars lr, step_size and bc2_sqrt. */
export function adamwUpdate(x: UpdateInputs, h: AdamWOptions): UpdateOutputs {
  const { grad: g, state, scalars } = x;
  const decayed = h.weightDecay ? o.mul(x.params, o.sub(1, o.mul(x.decayMask, o.mul(scalars.lr, h.weightDecay)))) : x.params;
  const m = o.add(o.mul(state.m, h.beta1), o.mul(g, 1 - h.beta1));
  const v = o.add(o.mul(state.v, h.beta2), o.mul(o.mul(g, g), 1 - h.beta2));
  const denom = o.add(o.div(o.sqrt(v), scalars.bc2_sqrt), h.eps);
  const params = o.sub(decayed, o.mul(scalars.step_size, o.div(m, denom)));
  return { params, state: { m, v } };
}

export const adamw: Optimizer<AdamWOptions> = {
  label: 'AdamW',
  stateNoun: 'moments',
  checkpointPrefix: 'adam',
  slots: ['m', 'v'],
  scalars: ['lr', 'step_size', 'bc2_sqrt'],
  scalarValues(t, lr, h) {
    const s = adamScalars(t, lr, h.beta1, h.beta2);
    return { lr: s.lr, step_size: s.stepSize, bc2_sqrt: s.bc2Sqrt };
  },
  update: adamwUpdate,
};
