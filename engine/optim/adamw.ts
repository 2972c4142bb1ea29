/**
 * AdamW on flat vectors, in-graph, with PyTorch's exact update order (torch.optim.AdamW, non-capturable):
 *   p ← p·(1 − lr·wd·mask);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * after clipping g to a global L2 norm (clip_grad_norm_: coef = min(1, max_norm / (norm + 1e-6))).
 * lr, lr/(1−β1ᵗ) and √(1−β2ᵗ) are computed in JS in double precision and fed as scalars (see schedule.ts).
 */
import type { Tensor } from '../graph/builder.js';
import * as o from '../autodiff/ops.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Max global gradient L2 norm; 0 or null disables clipping. */
  gradClip: number | null;
}

export interface AdamWState {
  params: Tensor;
  m: Tensor;
  v: Tensor;
  grad: Tensor;
  /** Per-element weight-decay mask (1 = decayed). */
  decayMask: Tensor;
  lr: Tensor;
  stepSize: Tensor;
  bc2Sqrt: Tensor;
}

export function adamwUpdate(s: AdamWState, h: AdamWOptions): { params: Tensor; m: Tensor; v: Tensor; gradNorm: Tensor } {
  const g0 = s.grad;
  const gradNorm = o.sqrt(o.reduceSum(o.mul(g0, g0), [0]));
  const clip = () => g0.graph.op('Min', [o.div(h.gradClip!, o.add(gradNorm, 1e-6)), g0.graph.scalar(1, g0.dtype)], {}, g0.dtype, []);
  const g = h.gradClip ? o.mul(g0, clip()) : g0;
  const decayed = h.weightDecay ? o.mul(s.params, o.sub(1, o.mul(s.decayMask, o.mul(s.lr, h.weightDecay)))) : s.params;
  const m = o.add(o.mul(s.m, h.beta1), o.mul(g, 1 - h.beta1));
  const v = o.add(o.mul(s.v, h.beta2), o.mul(o.mul(g, g), 1 - h.beta2));
  const denom = o.add(o.div(o.sqrt(v), s.bc2Sqrt), h.eps);
  const params = o.sub(decayed, o.mul(s.stepSize, o.div(m, denom)));
  return { params, m, v, gradNorm };
}
