/** Layers and the loss, composed from the differentiable ops; their gradients come from the op table. */
import type { Tensor } from '../graph/builder.js';
import * as o from '../autodiff/ops.js';

/** x·W + b with W stored [in, out] (so no transpose in the forward pass). */
export function linear(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  if (x.rank === 2) return o.gemm(x, w, {}, b);
  const y = o.matmul(x, w);
  return b ? o.add(y, b) : y;
}

/**
 * Numerically stable binary cross-entropy with logits, weighted mean over samples:
 * Σ wᵢ·[(1−yᵢ)·zᵢ + (1+(pw−1)·yᵢ)·softplus(−zᵢ)] / Σ wᵢ  (PyTorch's BCEWithLogitsLoss with pos_weight).
 * `weight` is the per-sample mask/weight (0 on padding rows); y and weight carry no gradient.
 */
export function bceWithLogits(z: Tensor, y: Tensor, weight: Tensor | null = null, posWeight = 1): Tensor {
  const c = posWeight === 1 ? null : o.add(1, o.mul(y, posWeight - 1));
  const sp = o.softplus(o.neg(z));
  const per = o.add(o.mul(o.sub(1, y), z), c ? o.mul(c, sp) : sp);
  const all = [...z.shape.keys()];
  if (!weight) return o.reduceMean(per, all);
  return o.div(o.reduceSum(o.mul(per, weight), all), o.reduceSum(weight, all));
}

/**
 * BatchNorm in training mode over x [N, C, ...]: batch statistics (biased variance, as PyTorch normalises
 * with) and gradients through them (o.batchNorm, one rule). Also returns the unbiased variance, which
 * PyTorch — and we — keep in the running estimate (ONNX BatchNormalization training_mode=1 would keep the
 * biased one). `rowWeight` [N] (0 on padding rows) keeps padded rows out of the statistics.
 */
export function batchNormTrain(x: Tensor, scale: Tensor, bias: Tensor, eps = 1e-5, rowWeight: Tensor | null = null): { y: Tensor; mean: Tensor; varUnbiased: Tensor } {
  const [N, C] = x.shape;
  const rest = x.shape.slice(2);
  const perRow = rest.reduce((p, d) => p * d, 1);
  // [N, C, ...rest] → [N·rest, C]: channels last, so each row is one position of one sample
  const perm = [0, ...rest.map((_, i) => i + 2), 1];
  const flat = rest.length ? o.reshape(o.transpose(x, perm), [N * perRow, C]) : x;
  const w = rowWeight && rest.length ? o.reshape(o.expand(o.reshape(o.stopGradient(rowWeight), [N, 1]), [N, perRow]), [N * perRow]) : rowWeight;
  const bn = o.batchNorm(flat, scale, bias, eps, w);
  const y = rest.length ? o.transpose(o.reshape(bn.y, [N, ...rest, C]), perm.map((_, i) => perm.indexOf(i))) : bn.y;
  const count = w ? o.reshape(bn.count, []) : N * perRow;
  const bessel = typeof count === 'number' ? count / Math.max(count - 1, 1) : o.div(count, o.sub(count, 1));
  return { y, mean: bn.mean, varUnbiased: o.mul(bn.variance, bessel) };
}

/**
 * Inverted dropout with a mask sliced from a table [R, W] of 0 / 1/(1−p) values (engine/step/dropout.ts):
 * mask = table[row, offsets[site] : offsets[site] + numel]. The mask carries no gradient. With `late`, the
 * mask is sliced only once x exists (o.gate): onnxruntime would otherwise slice every mask at the start of
 * the step and keep them all alive, which a recomputing graph must not.
 */
export function tableDropout(x: Tensor, table: Tensor, row: number, offsets: Tensor, site: number, late = false): Tensor {
  const g = x.graph;
  const n = x.size;
  const slot = g.op('Slice', [offsets, g.ints([site]), g.ints([site + 1])], {}, 'int64', [1]);
  const at = late ? o.gate(slot, o.firstIsNaN(x)) : slot;
  const start = g.op('Concat', [g.ints([row]), at], { axis: 0 }, 'int64', [2]);
  const end = g.op('Add', [start, g.ints([1, n])], {}, 'int64', [2]);
  const mask = g.op('Slice', [table, start, end, g.ints([0, 1])], {}, table.dtype, [1, n]);
  return o.mul(x, g.op('Reshape', [mask, g.ints([...x.shape])], {}, table.dtype, x.shape));
}

/** Number of patches of a series of `length` steps after end replicate-padding by `padEnd` steps (PatchTST pads by `stride`). */
export const patchCount = (length: number, patchLen: number, stride: number, padEnd: number): number =>
  Math.floor((length + padEnd - patchLen) / stride) + 1;

/**
 * Unfolds the last axis [..., L] into [..., P, patchLen] after replicating the last value `padEnd` times
 * (PyTorch: ReplicationPad1d((0, padEnd)) then unfold(-1, patchLen, stride)). One Gather with clamped
 * indices; its gradient scatters back (overlapping patches accumulate).
 */
export function patchify(x: Tensor, patchLen: number, stride: number, padEnd: number): Tensor {
  const L = x.shape[x.rank - 1];
  const P = patchCount(L, patchLen, stride, padEnd);
  const indices: number[] = [];
  for (let p = 0; p < P; p++) for (let j = 0; j < patchLen; j++) indices.push(Math.min(p * stride + j, L - 1));
  return o.reshape(o.gather(x, indices, -1), [...x.shape.slice(0, -1), P, patchLen]);
}
