/**
 * Public differentiable ops. Each call emits forward nodes through the forward table (forward.ts) and, when
 * an input requires a gradient, records a tape entry that grad() walks backwards with the gradient table
 * (rules.ts). Ops never import that table: it imports them.
 */
import { type Graph, Tensor } from '../graph/builder.js';
import { ONNX_DTYPE } from '../graph/dtype.js';
import { type Shape, broadcastShapes, normAxis, sameShape } from '../graph/shape.js';
import { FORWARD, type Forward, normalCdf as normalCdfRaw, onesRow } from './forward.js';

export type TensorLike = Tensor | number;

export function apply(op: string, xs: (Tensor | null)[], attrs: unknown = {}): Tensor {
  return record(op, xs, attrs).out;
}

/** apply(), also returning the tensors the forward pass saved for the backward pass (never on the tape). */
function record(op: string, xs: (Tensor | null)[], attrs: unknown): { out: Tensor; saved: Tensor[] } {
  const present = xs.filter((t): t is Tensor => t !== null);
  const g = present[0].graph;
  const fwd = (FORWARD as Record<string, Forward>)[op];
  if (!fwd) throw new Error(`no rule for op ${op}`);
  const res = fwd(g, xs as Tensor[], attrs);
  const { out, saved } = res instanceof Tensor ? { out: res, saved: [] } : res;
  if (!(g.recording && present.some((t) => t.requiresGrad))) return { out, saved };
  const tracked = new Tensor(g, out.name, out.dtype, out.shape, true);
  g.tape.push({ op, inputs: xs as Tensor[], output: tracked, attrs, saved, scope: g.scopePath });
  return { out: tracked, saved };
}

const lift = (v: TensorLike, like: Tensor): Tensor => (v instanceof Tensor ? v : like.graph.scalar(v, like.dtype));
const pair = (a: TensorLike, b: TensorLike): Tensor[] => {
  const like = (a instanceof Tensor ? a : b) as Tensor;
  return [lift(a, like), lift(b, like)];
};

export const add = (a: TensorLike, b: TensorLike): Tensor => apply('add', pair(a, b));
export const sub = (a: TensorLike, b: TensorLike): Tensor => apply('sub', pair(a, b));
export const mul = (a: TensorLike, b: TensorLike): Tensor => apply('mul', pair(a, b));
export const div = (a: TensorLike, b: TensorLike): Tensor => apply('div', pair(a, b));
export const neg = (x: Tensor): Tensor => apply('neg', [x]);
export const exp = (x: Tensor): Tensor => apply('exp', [x]);
export const log = (x: Tensor): Tensor => apply('log', [x]);
export const sqrt = (x: Tensor): Tensor => apply('sqrt', [x]);
export const abs = (x: Tensor): Tensor => apply('abs', [x]);
export const relu = (x: Tensor): Tensor => apply('relu', [x]);
export const sigmoid = (x: Tensor): Tensor => apply('sigmoid', [x]);
export const tanh = (x: Tensor): Tensor => apply('tanh', [x]);
export const softplus = (x: Tensor): Tensor => apply('softplus', [x]);
/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's default nn.GELU. */
export const gelu = (x: Tensor): Tensor => apply('gelu', [x]);

export const matmul = (a: Tensor, b: Tensor): Tensor => apply('matmul', [a, b]);
/** a·bᵀ over the last two axes (a [..., m, k], b [..., n, k] → [..., m, n]): attention's q·kᵀ, with no strided copy of k. */
export const matmulT = (a: Tensor, b: Tensor): Tensor => apply('matmulT', [a, b]);
/** 2-D Gemm without alpha/beta: op(a)·op(b) + c. */
export const gemm = (a: Tensor, b: Tensor, t: { transA?: number; transB?: number } = {}, c: Tensor | null = null): Tensor =>
  apply('gemm', [a, b, c], { transA: t.transA ?? 0, transB: t.transB ?? 0 });
export const softmax = (x: Tensor, axis = -1): Tensor => apply('softmax', [x], { axis: normAxis(axis, x.rank) });
/** LayerNorm over the last axis; scale and bias have the last axis' size. */
export const layerNorm = (x: Tensor, scale: Tensor, bias: Tensor, eps = 1e-5): Tensor => apply('layerNorm', [x, scale, bias], { eps });
/** BatchNorm with running statistics (eval mode); x is [N, C, ...]. */
/**
 * BatchNorm in training mode over x [rows, C]: per-channel statistics over the rows, each row weighted by
 * `rowWeight` [rows] (0 keeps a padding row out; null: all 1), normalised with the biased variance as
 * PyTorch does. Returns y [rows, C], the batch mean and biased variance [C] and the rows' weight total (a
 * scalar or [1]), none of which but y carries a gradient.
 */
export function batchNorm(x: Tensor, scale: Tensor, bias: Tensor, eps = 1e-5, rowWeight: Tensor | null = null): { y: Tensor; mean: Tensor; variance: Tensor; count: Tensor } {
  if (x.rank !== 2) throw new Error(`batchNorm takes x [rows, C], got [${x.shape}]`);
  const { out, saved: [, , mean, variance, count] } = record('batchNorm', [x, scale, bias, rowWeight && stopGradient(rowWeight)], { eps });
  const flat = (t: Tensor) => reshape(t, [x.shape[1]]);
  return { y: out, mean: flat(mean), variance: flat(variance), count: stopGradient(count) };
}
export const batchNormEval = (x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, eps = 1e-5): Tensor =>
  apply('batchNormEval', [x, scale, bias, mean, variance], { eps });

export const transpose = (x: Tensor, perm: number[]): Tensor => apply('transpose', [x], { perm });
/** Swaps the last two axes. */
export const mT = (x: Tensor): Tensor => transpose(x, [...x.shape.keys()].map((i) => (i < x.rank - 2 ? i : 2 * x.rank - 3 - i)));
export const reshape = (x: Tensor, shape: number[]): Tensor => (sameShape(x.shape, shape) ? x : apply('reshape', [x], { shape }));
export function slice(x: Tensor, s: { starts: number[]; ends: number[]; axes?: number[] }): Tensor {
  const axes = (s.axes ?? s.starts.map((_, i) => i)).map((a) => normAxis(a, x.rank));
  const clamp = (v: number, n: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const starts = s.starts.map((v, i) => clamp(v, x.shape[axes[i]]));
  const ends = s.ends.map((v, i) => clamp(v, x.shape[axes[i]]));
  return apply('slice', [x], { starts, ends, axes });
}
export const pad = (x: Tensor, before: number[], after: number[]): Tensor => apply('pad', [x], { before, after });
export const concat = (xs: Tensor[], axis: number): Tensor => (xs.length === 1 ? xs[0] : apply('concat', xs, { axis: normAxis(axis, xs[0].rank) }));
export const gather = (x: Tensor, indices: number[], axis: number): Tensor => apply('gather', [x], { indices, axis: normAxis(axis, x.rank) });
export const expand = (x: Tensor, shape: number[]): Tensor => (sameShape(x.shape, shape) ? x : apply('expand', [x], { shape }));
const axesOf = (x: Tensor, axes: number[]) => [...new Set(axes.map((a) => normAxis(a, x.rank)))].sort((a, b) => a - b);
export const reduceSum = (x: Tensor, axes: number[], keepdims = false): Tensor => apply('reduceSum', [x], { axes: axesOf(x, axes), keepdims });
export const reduceMean = (x: Tensor, axes: number[], keepdims = false): Tensor => apply('reduceMean', [x], { axes: axesOf(x, axes), keepdims });

/** Sums a broadcast gradient back down to `shape` (the inverse of numpy broadcasting). */
export function sumTo(gy: Tensor, shape: Shape): Tensor {
  if (sameShape(gy.shape, shape)) return gy;
  broadcastShapes(gy.shape, shape);
  const lead = gy.rank - shape.length;
  const axes = gy.shape.map((d, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && gy.shape[i] !== 1));
  if (axes.length && axes.every((a, i) => a === i)) return reshape(sumRows(gy, axes.length), [...shape]);
  return reshape(axes.length ? reduceSum(gy, axes, true) : gy, [...shape]);
}

/**
 * Sum over the first `k` axes as ones[1, R] · gy[R, rest]: ORT's ReduceSum over leading axes is several
 * times slower than this GEMV (bias and norm-scale gradients of [tokens, features] activations).
 */
function sumRows(gy: Tensor, k: number): Tensor {
  const rows = gy.shape.slice(0, k).reduce((a, b) => a * b, 1);
  return gemm(onesRow(gy.graph, rows, gy.dtype), reshape(gy, [rows, gy.size / rows]));
}

/** dL/dB for A·B when B is a 2-D weight: one GEMM over all leading dims instead of a batched one. */
export function matmulGradRhs(a: Tensor, gy: Tensor, bShape: Shape): Tensor {
  if (bShape.length !== 2 || a.rank === 2) return sumTo(matmul(mT(a), gy), bShape);
  const k = a.shape[a.rank - 1];
  const m = gy.shape[gy.rank - 1];
  return gemm(reshape(a, [-1, k]), reshape(gy, [-1, m]), { transA: 1 });
}

// ---- non-differentiable helpers (masks, casts, constants) ----
const raw = (op: string, xs: Tensor[], attrs: Record<string, number | string>, like: Tensor) =>
  like.graph.op(op, xs, attrs, like.dtype, like.shape);
export const sign = (x: Tensor): Tensor => raw('Sign', [x], {}, x);
/** Φ(x), the standard normal CDF. */
export const normalCdf = (x: Tensor): Tensor => normalCdfRaw(x.graph, x);
/** 1 where x > 0 else 0, in x's dtype. */
export const step = (x: Tensor): Tensor => cast(x.graph.op('Greater', [x, x.graph.scalar(0, x.dtype)], {}, 'bool', x.shape), x.dtype);
export const cast = (x: Tensor, dtype: Tensor['dtype']): Tensor => x.graph.op('Cast', [x], { to: ONNX_DTYPE[dtype] }, dtype, x.shape);
/** Returns x cut off from the tape (gradients do not flow through it). */
export const stopGradient = (x: Tensor): Tensor => (x.requiresGrad ? new Tensor(x.graph, x.name, x.dtype, x.shape, false) : x);
/**
 * A bool scalar, false unless the sum of the first elements of `deps` is NaN: only its dependency on every
 * one of `deps` matters (see gate()). A Slice per dep, one Sum, IsNaN and Reshape, whatever their sizes.
 */
export function firstIsNaN(...deps: Tensor[]): Tensor {
  const g = deps[0].graph;
  const firsts = deps.map((d) => g.op('Slice', [g.op('Reshape', [d, g.ints([-1])], {}, d.dtype, [d.size]), g.ints([0]), g.ints([1])], {}, d.dtype, [1]));
  const sum = firsts.length === 1 ? firsts[0] : g.op('Sum', firsts, {}, deps[0].dtype, [1]);
  return g.op('Reshape', [g.op('IsNaN', [sum], {}, 'bool', [1]), g.ints([])], {}, 'bool', []);
}
/**
 * `t` bit for bit, as Where(cond, t, t) with cond = firstIsNaN(...deps): onnxruntime then runs what reads it
 * only after every dep exists, and its common-subexpression elimination cannot merge those readers with the same
 * ops on `t` itself. Orders recomputed activations (engine/autodiff/recompute.ts) and dropout masks.
 */
export const gate = (t: Tensor, cond: Tensor): Tensor => t.graph.op('Where', [cond, t, t], {}, t.dtype, t.shape);
export const zeros = (g: Graph, shape: Shape, dtype: Tensor['dtype']): Tensor =>
  g.op('Expand', [g.scalar(0, dtype, 'zero'), g.ints([...shape])], {}, dtype, shape);

/** zeros(shape) with gy added at `indices` along `axis` (the gradient of gather). */
export function scatterAdd(gy: Tensor, shape: Shape, indices: number[], axis: number): Tensor {
  const g = gy.graph;
  const idxShape = gy.shape.map((d, i) => (i === axis ? d : 1));
  const idx = g.op('Expand', [g.constant(indices, 'int64', idxShape, 'scatter_idx'), g.ints([...gy.shape])], {}, 'int64', gy.shape);
  return g.op('ScatterElements', [zeros(g, shape, gy.dtype), idx, gy], { axis, reduction: 'add' }, gy.dtype, shape);
}
