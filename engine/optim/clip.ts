import type { Tensor } from '../graph/builder.js';
import * as o from '../autodiff/ops.js';

export interface ClipOptions {
  /** Max global gradient L2 norm; 0 or null disables clipping. */
  gradClip: number | null;
}

/**
 * The global L2 norm (shape [1]) of gradients given per tensor: each tensor's sum of squares, added in the
 * order given, then the square root. The fused train step and the split step (engine/step/split.ts) both
 * compute it this way, so they agree bitwise.
 */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  const sums = grads.map((t) => o.reduceSum(o.mul(o.reshape(t, [-1]), o.reshape(t, [-1])), [0]));
  return o.sqrt(sums.reduce((a, s) => o.add(a, s)));
}

/** torch.nn.utils.clip_grad_norm_'s factor for a gradient of global norm `norm`: min(1, maxNorm / (norm + 1e-6)). */
export function clipCoef(norm: Tensor, maxNorm: number): Tensor {
  return norm.graph.op('Min', [o.div(maxNorm, o.add(norm, 1e-6)), norm.graph.scalar(1, norm.dtype)], {}, norm.dtype, []);
}

/**
 * A flat gradient [n] (or a chunk of one) scaled to a global L2 norm of at most `maxNorm`, and the norm
 * before clipping (shape [1]), as torch.nn.utils.clip_grad_norm_. `norm` defaults to the norm of `grad`
 * itself; pass the global one when `grad` is a chunk or the norm was taken per tensor (globalNorm).
 */
export function clipGradNorm(grad: Tensor, maxNorm: number | null, norm: Tensor = globalNorm([grad])): { grad: Tensor; norm: Tensor } {
  if (!maxNorm) return { grad, norm };
  return { grad: o.mul(grad, clipCoef(norm, maxNorm)), norm };
}
