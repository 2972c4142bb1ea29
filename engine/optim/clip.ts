import type { Tensor } from '../graph/builder.js';
import * as o from '../autodiff/ops.js';

export interface ClipOptions {
  /** Max global gradient L2 norm; 0 or null disables clipping. */
  gradClip: number | null;
}

/**
 * The flat gradient [n] scaled to a global L2 norm of at most `maxNorm`, and its norm before clipping
 * (shape [1]), as torch.nn.utils.clip_grad_norm_: coef = min(1, maxNorm / (norm + 1e-6)).
 */
export function clipGradNorm(grad: Tensor, maxNorm: number | null): { grad: Tensor; norm: Tensor } {
  const norm = o.sqrt(o.reduceSum(o.mul(grad, grad), [0]));
  if (!maxNorm) return { grad, norm };
  const coef = grad.graph.op('Min', [o.div(maxNorm, o.add(norm, 1e-6)), grad.graph.scalar(1, grad.dtype)], {}, grad.dtype, []);
  return { grad: o.mul(grad, coef), norm };
}
