/**
 * Forward emitters of the differentiable ops: each op's raw ONNX nodes and static shape rule. ops.ts
 * applies them and records the tape; their gradients live in rules.ts, which this file never sees.
 */
import { type Graph, type Tensor, float } from '../graph/builder.js';
import { type DType, ONNX_DTYPE } from '../graph/dtype.js';
import { broadcastShapes, resolveReshape } from '../graph/shape.js';
import { erfRaw } from './erf.js';

/** Emits the forward nodes; may return tensors to save for the backward pass. */
export type Forward<A = any> = (g: Graph, xs: Tensor[], a: A) => Tensor | { out: Tensor; saved: Tensor[] };

const bin = (op: string) => (g: Graph, [a, b]: Tensor[]) => g.op(op, [a, b], {}, a.dtype, broadcastShapes(a.shape, b.shape));
const un = (op: string, attrs = {}) => (g: Graph, [x]: Tensor[]) => g.op(op, [x], attrs, x.dtype, x.shape);
const matmulShape = (a: readonly number[], b: readonly number[]): number[] => {
  if (a.length < 2 || b.length < 2) throw new Error(`matmul needs rank >= 2, got [${a}] @ [${b}]`);
  if (a[a.length - 1] !== b[b.length - 2]) throw new Error(`matmul inner dims differ: [${a}] @ [${b}]`);
  return [...broadcastShapes(a.slice(0, -2), b.slice(0, -2)), a[a.length - 2], b[b.length - 1]];
};
/** `s` with the reduced `axes` kept as 1 (the shape a reduction with keepdims gives). */
export const keptShape = (s: readonly number[], axes: number[]): number[] => s.map((d, i) => (axes.includes(i) ? 1 : d));

export const FORWARD = {
  add: bin('Add'),
  sub: bin('Sub'),
  mul: bin('Mul'),
  div: bin('Div'),
  neg: un('Neg'),
  exp: un('Exp'),
  log: un('Log'),
  sqrt: un('Sqrt'),
  abs: un('Abs'),
  relu: un('Relu'),
  sigmoid: un('Sigmoid'),
  tanh: un('Tanh'),
  softplus: un('Softplus'),
  // 0.5·x·(1 + erf(x/√2)). In float32, onnxruntime's Gelu: one pass instead of five, nothing saved (the
  // VJP g·(Φ + x·φ) makes Φ again), so a recomputed layer redoes one pass, and no [tokens, d_ff] Φ is kept.
  // Elsewhere (float64 checks, the export) Φ is composed and saved.
  gelu: (g, [x]) => {
    if (g.contribOps && x.dtype === 'float32') return g.op('Gelu', [x], {}, x.dtype, x.shape);
    const phi = normalCdf(g, x);
    return { out: g.op('Mul', [x, phi], {}, x.dtype, x.shape), saved: [phi] };
  },
  matmul: (g, [a, b]) => g.op('MatMul', [a, b], {}, a.dtype, matmulShape(a.shape, b.shape)),
  // a·bᵀ. onnxruntime would merge a Transpose of b's last two axes with the one that made b (attention's
  // heads) into one that copies with a stride of P: 7 % of the 2m step. FusedMatMul (float32 only in
  // onnxruntime) reads b transposed in place; elsewhere a Transpose and a MatMul.
  matmulT: (g, [a, b]) => {
    const perm = [...b.shape.keys()].map((i) => (i < b.rank - 2 ? i : 2 * b.rank - 3 - i));
    const shape = matmulShape(a.shape, perm.map((i) => b.shape[i]));
    if (g.contribOps && a.dtype === 'float32') return g.op('FusedMatMul', [a, b], { transB: 1 }, a.dtype, shape);
    return g.op('MatMul', [a, g.op('Transpose', [b], { perm }, b.dtype, perm.map((i) => b.shape[i]))], {}, a.dtype, shape);
  },
  // 2-D Gemm: y = op(A)·op(B) (+ C broadcast), alpha = beta = 1.
  gemm: (g, [a, b, c], t: { transA: number; transB: number }) => {
    const m = t.transA ? a.shape[1] : a.shape[0];
    const n = t.transB ? b.shape[0] : b.shape[1];
    return g.op('Gemm', c ? [a, b, c] : [a, b], { transA: t.transA, transB: t.transB }, a.dtype, [m, n]);
  },
  softmax: (g, [x], a: { axis: number }) => g.op('Softmax', [x], { axis: a.axis }, x.dtype, x.shape),
  // Training-mode BatchNorm over x [rows, C], rows weighted by w [rows] (null: all 1). Row sums are one GEMM
  // each (ones or w as a [1, rows] row), so the weights cost no pass of their own. Saves d = x − mean and
  // inv = 1/√(var + eps); mean, the biased var and the weight total ride along for the running statistics.
  batchNorm: (g, [x, scale, bias, w], a: { eps: number }) => {
    const [rows, C] = x.shape;
    const e = (op: string, ins: Tensor[], shape: readonly number[]) => g.op(op, ins, {}, x.dtype, shape);
    const row = w ? g.op('Reshape', [w, g.ints([1, rows])], {}, x.dtype, [1, rows]) : onesRow(g, rows, x.dtype);
    const count = w ? g.op('ReduceSum', [w], { keepdims: 1 }, x.dtype, [1]) : g.scalar(rows, x.dtype);
    const avg = (t: Tensor) => e('Div', [g.op('Gemm', [row, t], {}, x.dtype, [1, C]), count], [1, C]);
    const mean = avg(x);
    const d = e('Sub', [x, mean], x.shape);
    const variance = avg(e('Mul', [d, d], x.shape));
    const inv = e('Reciprocal', [e('Sqrt', [e('Add', [variance, g.scalar(a.eps, x.dtype)], [1, C])], [1, C])], [1, C]);
    const k = e('Mul', [inv, g.op('Reshape', [scale, g.ints([1, C])], {}, x.dtype, [1, C])], [1, C]);
    return { out: e('Add', [e('Mul', [d, k], x.shape), bias], x.shape), saved: [d, inv, mean, variance, count] };
  },
  // Over the last axis; saves Mean and InvStdDev from ONNX LayerNormalization.
  layerNorm: (g, [x, scale, bias], a: { eps: number }) => {
    if (x.dtype === 'float64') return layerNormComposed(g, x, scale, bias, a.eps);
    const stats = { dtype: x.dtype, shape: [...x.shape.slice(0, -1), 1] };
    const attrs = { axis: -1, epsilon: float(a.eps), stash_type: ONNX_DTYPE[x.dtype] };
    const [y, mean, inv] = g.emit('LayerNormalization', [x, scale, bias], attrs, [{ dtype: x.dtype, shape: x.shape }, stats, stats]);
    return { out: y, saved: [mean, inv] };
  },
  // ONNX BatchNormalization (inference): x [N, C, ...], per-channel scale/bias/mean/var [C].
  batchNormEval: (g, [x, scale, bias, mean, v], a: { eps: number }) =>
    g.op('BatchNormalization', [x, scale, bias, mean, v], { epsilon: float(a.eps) }, x.dtype, x.shape),
  transpose: (g, [x], a: { perm: number[] }) => g.op('Transpose', [x], { perm: a.perm }, x.dtype, a.perm.map((p) => x.shape[p])),
  reshape: (g, [x], a: { shape: number[] }) => g.op('Reshape', [x, g.ints(a.shape)], {}, x.dtype, resolveReshape(x.shape, a.shape)),
  // starts/ends already normalised and clamped by ops.slice(); step 1.
  slice: (g, [x], a: { starts: number[]; ends: number[]; axes: number[] }) => {
    const shape = [...x.shape];
    a.axes.forEach((ax, i) => (shape[ax] = a.ends[i] - a.starts[i]));
    return g.op('Slice', [x, g.ints(a.starts), g.ints(a.ends), g.ints(a.axes)], {}, x.dtype, shape);
  },
  // Constant zero padding (the gradient of slice).
  pad: (g, [x], a: { before: number[]; after: number[] }) =>
    g.op('Pad', [x, g.ints([...a.before, ...a.after])], {}, x.dtype, x.shape.map((d, i) => d + a.before[i] + a.after[i])),
  concat: (g, xs, a: { axis: number }) => {
    const shape = [...xs[0].shape];
    shape[a.axis] = xs.reduce((s, t) => s + t.shape[a.axis], 0);
    return g.op('Concat', xs, { axis: a.axis }, xs[0].dtype, shape);
  },
  // Constant 1-D indices along `axis`.
  gather: (g, [x], a: { indices: number[]; axis: number }) => {
    const shape = [...x.shape.slice(0, a.axis), a.indices.length, ...x.shape.slice(a.axis + 1)];
    return g.op('Gather', [x, g.ints(a.indices)], { axis: a.axis }, x.dtype, shape);
  },
  expand: (g, [x], a: { shape: number[] }) => g.op('Expand', [x, g.ints(a.shape)], {}, x.dtype, broadcastShapes(x.shape, a.shape)),
  reduceSum: (g, [x], a: { axes: number[]; keepdims: boolean }) => reduce(g, 'ReduceSum', x, a),
  reduceMean: (g, [x], a: { axes: number[]; keepdims: boolean }) => reduce(g, 'ReduceMean', x, a),
} satisfies Record<string, Forward>;

/** Name of a differentiable op (a key of the forward table, and of the gradient table). */
export type OpName = keyof typeof FORWARD;

/** ORT has no float64 LayerNormalization kernel: the same outputs from basic ops (gradient checks only). */
function layerNormComposed(g: Graph, x: Tensor, scale: Tensor, bias: Tensor, eps: number): { out: Tensor; saved: Tensor[] } {
  const stat = [...x.shape.slice(0, -1), 1];
  const e = (op: string, ins: Tensor[], shape: readonly number[]) => g.op(op, ins, {}, x.dtype, shape);
  const last = g.ints([-1]);
  const mean = g.op('ReduceMean', [x, last], { keepdims: 1 }, x.dtype, stat);
  const d = e('Sub', [x, mean], x.shape);
  const variance = g.op('ReduceMean', [e('Mul', [d, d], x.shape), last], { keepdims: 1 }, x.dtype, stat);
  const inv = e('Reciprocal', [e('Sqrt', [e('Add', [variance, g.scalar(eps, x.dtype)], stat)], stat)], stat);
  const out = e('Add', [e('Mul', [e('Mul', [d, inv], x.shape), scale], x.shape), bias], x.shape);
  return { out, saved: [mean, inv] };
}

/** Φ(x) = (1 + erf(x/√2))/2, the standard normal CDF (no gradient: GELU's rule and forward pass use it). */
export function normalCdf(g: Graph, x: Tensor): Tensor {
  const c = (v: number) => g.scalar(v, x.dtype);
  const scaled = g.op('Mul', [x, c(Math.SQRT1_2)], {}, x.dtype, x.shape);
  const onePlus = g.op('Add', [erfRaw(g, scaled), c(1)], {}, x.dtype, x.shape);
  return g.op('Mul', [onePlus, c(0.5)], {}, x.dtype, x.shape);
}

/** A [1, n] row of ones, one initializer per graph, size and dtype (row sums as a GEMM: ones · x). */
export function onesRow(g: Graph, n: number, dtype: DType): Tensor {
  const key = `${dtype}/${n}`;
  const cache = onesCache.get(g) ?? new Map<string, Tensor>();
  onesCache.set(g, cache);
  let ones = cache.get(key);
  if (!ones) cache.set(key, (ones = g.withScopePath('', () => g.constant(new Float32Array(n).fill(1), dtype, [1, n], `ones_${n}`))));
  return ones;
}
const onesCache = new WeakMap<Graph, Map<string, Tensor>>();

function reduce(g: Graph, op: string, x: Tensor, a: { axes: number[]; keepdims: boolean }): Tensor {
  const kept = keptShape(x.shape, a.axes);
  const shape = a.keepdims ? kept : x.shape.filter((_, i) => !a.axes.includes(i));
  return g.op(op, [x, g.ints(a.axes)], { keepdims: a.keepdims ? 1 : 0 }, x.dtype, shape);
}
