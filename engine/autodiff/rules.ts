/**
 * THE op table: each differentiable op's forward emitter (raw ONNX nodes, static shape rule) sits next
 * to its vector-Jacobian product. VJPs are written with the public ops (engine/autodiff/ops.ts); the
 * tape is off while they run. Broadcasting is undone by sumTo(); gradients never use com.microsoft ops.
 */
import { type Graph, Tensor, float } from '../graph/builder.js';
import { ONNX_DTYPE } from '../graph/dtype.js';
import { broadcastShapes, resolveReshape } from '../graph/shape.js';
import { erfRaw } from './erf.js';
import * as o from './ops.js';

export type Grads = (Tensor | null)[];
export interface Rule<A = any> {
  /** Emits the forward nodes; may return tensors to save for the backward pass. */
  fwd(g: Graph, xs: Tensor[], a: A): Tensor | { out: Tensor; saved: Tensor[] };
  vjp(gy: Tensor, xs: Tensor[], y: Tensor, a: A, saved: Tensor[]): Grads;
}

const bin = (op: string) => (g: Graph, [a, b]: Tensor[]) => g.op(op, [a, b], {}, a.dtype, broadcastShapes(a.shape, b.shape));
const un = (op: string, attrs = {}) => (g: Graph, [x]: Tensor[]) => g.op(op, [x], attrs, x.dtype, x.shape);
const matmulShape = (a: readonly number[], b: readonly number[]): number[] => {
  if (a.length < 2 || b.length < 2) throw new Error(`matmul needs rank >= 2, got [${a}] @ [${b}]`);
  if (a[a.length - 1] !== b[b.length - 2]) throw new Error(`matmul inner dims differ: [${a}] @ [${b}]`);
  return [...broadcastShapes(a.slice(0, -2), b.slice(0, -2)), a[a.length - 2], b[b.length - 1]];
};
const keptShape = (s: readonly number[], axes: number[]) => s.map((d, i) => (axes.includes(i) ? 1 : d));
const SQRT_2PI = Math.sqrt(2 * Math.PI);

export const RULES = {
  add: { fwd: bin('Add'), vjp: (gy, [a, b]) => [o.sumTo(gy, a.shape), o.sumTo(gy, b.shape)] },
  sub: { fwd: bin('Sub'), vjp: (gy, [a, b]) => [o.sumTo(gy, a.shape), o.sumTo(o.neg(gy), b.shape)] },
  mul: { fwd: bin('Mul'), vjp: (gy, [a, b]) => [o.sumTo(o.mul(gy, b), a.shape), o.sumTo(o.mul(gy, a), b.shape)] },
  div: { fwd: bin('Div'), vjp: (gy, [a, b], y) => [o.sumTo(o.div(gy, b), a.shape), o.sumTo(o.neg(o.div(o.mul(gy, y), b)), b.shape)] },
  neg: { fwd: un('Neg'), vjp: (gy) => [o.neg(gy)] },
  exp: { fwd: un('Exp'), vjp: (gy, _, y) => [o.mul(gy, y)] },
  log: { fwd: un('Log'), vjp: (gy, [x]) => [o.div(gy, x)] },
  sqrt: { fwd: un('Sqrt'), vjp: (gy, _, y) => [o.div(gy, o.mul(y, 2))] },
  abs: { fwd: un('Abs'), vjp: (gy, [x]) => [o.mul(gy, o.sign(x))] },
  relu: { fwd: un('Relu'), vjp: (gy, [x]) => [o.mul(gy, o.step(x))] },
  sigmoid: { fwd: un('Sigmoid'), vjp: (gy, _, y) => [o.mul(gy, o.mul(y, o.sub(1, y)))] },
  tanh: { fwd: un('Tanh'), vjp: (gy, _, y) => [o.mul(gy, o.sub(1, o.mul(y, y)))] },
  softplus: { fwd: un('Softplus'), vjp: (gy, [x]) => [o.mul(gy, o.sigmoid(x))] },
  gelu: {
    // 0.5·x·(1 + erf(x/√2)); saves Φ(x) so the VJP is g·(Φ + x·φ).
    fwd: (g, [x]) => {
      const c = (v: number) => g.scalar(v, x.dtype);
      const scaled = g.op('Mul', [x, c(Math.SQRT1_2)], {}, x.dtype, x.shape);
      const onePlus = g.op('Add', [erfRaw(g, scaled), c(1)], {}, x.dtype, x.shape);
      const phi = g.op('Mul', [onePlus, c(0.5)], {}, x.dtype, x.shape);
      return { out: g.op('Mul', [x, phi], {}, x.dtype, x.shape), saved: [phi] };
    },
    vjp: (gy, [x], _, __, [phi]) => [o.mul(gy, o.add(phi, o.mul(x, o.mul(o.exp(o.mul(o.mul(x, x), -0.5)), 1 / SQRT_2PI))))],
  },
  matmul: {
    fwd: (g, [a, b]) => g.op('MatMul', [a, b], {}, a.dtype, matmulShape(a.shape, b.shape)),
    vjp: (gy, [a, b]) => [o.sumTo(o.matmul(gy, o.mT(b)), a.shape), o.matmulGradRhs(a, gy, b.shape)],
  },
  gemm: {
    // 2-D Gemm: y = op(A)·op(B) (+ C broadcast), alpha = beta = 1.
    fwd: (g, [a, b, c], t: { transA: number; transB: number }) => {
      const m = t.transA ? a.shape[1] : a.shape[0];
      const n = t.transB ? b.shape[0] : b.shape[1];
      return g.op('Gemm', c ? [a, b, c] : [a, b], { transA: t.transA, transB: t.transB }, a.dtype, [m, n]);
    },
    vjp: (gy, [a, b, c], _, t: { transA: number; transB: number }) => [
      t.transA ? o.gemm(b, gy, { transA: t.transB, transB: 1 }) : o.gemm(gy, b, { transA: 0, transB: 1 - t.transB }),
      t.transB ? o.gemm(gy, a, { transA: 1, transB: t.transA }) : o.gemm(a, gy, { transA: 1 - t.transA, transB: 0 }),
      c ? o.sumTo(gy, c.shape) : null,
    ],
  },
  softmax: {
    fwd: (g, [x], a: { axis: number }) => g.op('Softmax', [x], { axis: a.axis }, x.dtype, x.shape),
    vjp: (gy, _, y, a: { axis: number }) => [o.mul(y, o.sub(gy, o.reduceSum(o.mul(gy, y), [a.axis], true)))],
  },
  layerNorm: {
    // Over the last axis; saves Mean and InvStdDev from ONNX LayerNormalization.
    fwd: (g, [x, scale, bias], a: { eps: number }) => {
      if (x.dtype === 'float64') return layerNormComposed(g, x, scale, bias, a.eps);
      const stats = { dtype: x.dtype, shape: [...x.shape.slice(0, -1), 1] };
      const attrs = { axis: -1, epsilon: float(a.eps), stash_type: ONNX_DTYPE[x.dtype] };
      const [y, mean, inv] = g.emit('LayerNormalization', [x, scale, bias], attrs, [{ dtype: x.dtype, shape: x.shape }, stats, stats]);
      return { out: y, saved: [mean, inv] };
    },
    vjp: (gy, [x, scale, bias], _, __, [mean, inv]) => {
      const xhat = o.mul(o.sub(x, mean), inv);
      const dxhat = o.mul(gy, scale);
      const inner = o.sub(o.sub(dxhat, o.reduceMean(dxhat, [-1], true)), o.mul(xhat, o.reduceMean(o.mul(dxhat, xhat), [-1], true)));
      return [o.mul(inv, inner), o.sumTo(o.mul(gy, xhat), scale.shape), o.sumTo(gy, bias.shape)];
    },
  },
  batchNormEval: {
    // ONNX BatchNormalization (inference): x [N, C, ...], per-channel scale/bias/mean/var [C]; stats get no gradient.
    fwd: (g, [x, scale, bias, mean, v], a: { eps: number }) =>
      g.op('BatchNormalization', [x, scale, bias, mean, v], { epsilon: float(a.eps) }, x.dtype, x.shape),
    vjp: (gy, [x, scale, , mean, v], _, a: { eps: number }) => {
      const cs = [x.shape[1], ...x.shape.slice(2).map(() => 1)];
      const inv = o.reshape(o.div(1, o.sqrt(o.add(v, a.eps))), cs);
      const xhat = o.mul(o.sub(x, o.reshape(mean, cs)), inv);
      const perChannel = (t: Tensor) => o.reshape(o.sumTo(t, cs), [x.shape[1]]);
      return [o.mul(gy, o.mul(o.reshape(scale, cs), inv)), perChannel(o.mul(gy, xhat)), perChannel(gy), null, null];
    },
  },
  transpose: {
    fwd: (g, [x], a: { perm: number[] }) => g.op('Transpose', [x], { perm: a.perm }, x.dtype, a.perm.map((p) => x.shape[p])),
    vjp: (gy, _, __, a: { perm: number[] }) => [o.transpose(gy, a.perm.map((_, i) => a.perm.indexOf(i)))],
  },
  reshape: {
    fwd: (g, [x], a: { shape: number[] }) => g.op('Reshape', [x, g.ints(a.shape)], {}, x.dtype, resolveReshape(x.shape, a.shape)),
    vjp: (gy, [x]) => [o.reshape(gy, [...x.shape])],
  },
  slice: {
    // starts/ends already normalised and clamped by ops.slice(); step 1.
    fwd: (g, [x], a: { starts: number[]; ends: number[]; axes: number[] }) => {
      const shape = [...x.shape];
      a.axes.forEach((ax, i) => (shape[ax] = a.ends[i] - a.starts[i]));
      return g.op('Slice', [x, g.ints(a.starts), g.ints(a.ends), g.ints(a.axes)], {}, x.dtype, shape);
    },
    vjp: (gy, [x], _, a: { starts: number[]; ends: number[]; axes: number[] }) => {
      const before = x.shape.map((_, d) => (a.axes.includes(d) ? a.starts[a.axes.indexOf(d)] : 0));
      const after = x.shape.map((n, d) => (a.axes.includes(d) ? n - a.ends[a.axes.indexOf(d)] : 0));
      return [o.pad(gy, before, after)];
    },
  },
  pad: {
    // Constant zero padding (the gradient of slice).
    fwd: (g, [x], a: { before: number[]; after: number[] }) =>
      g.op('Pad', [x, g.ints([...a.before, ...a.after])], {}, x.dtype, x.shape.map((d, i) => d + a.before[i] + a.after[i])),
    vjp: (gy, [x], _, a: { before: number[]; after: number[] }) =>
      [o.slice(gy, { starts: a.before, ends: a.before.map((b, i) => b + x.shape[i]), axes: x.shape.map((_, i) => i) })],
  },
  concat: {
    fwd: (g, xs, a: { axis: number }) => {
      const shape = [...xs[0].shape];
      shape[a.axis] = xs.reduce((s, t) => s + t.shape[a.axis], 0);
      return g.op('Concat', xs, { axis: a.axis }, xs[0].dtype, shape);
    },
    vjp: (gy, xs, _, a: { axis: number }) => {
      let at = 0;
      return xs.map((t) => o.slice(gy, { starts: [at], ends: [(at += t.shape[a.axis])], axes: [a.axis] }));
    },
  },
  gather: {
    // Constant 1-D indices along `axis`; VJP scatters with reduction=add.
    fwd: (g, [x], a: { indices: number[]; axis: number }) => {
      const shape = [...x.shape.slice(0, a.axis), a.indices.length, ...x.shape.slice(a.axis + 1)];
      return g.op('Gather', [x, g.ints(a.indices)], { axis: a.axis }, x.dtype, shape);
    },
    vjp: (gy, [x], _, a: { indices: number[]; axis: number }) => [o.scatterAdd(gy, x.shape, a.indices, a.axis)],
  },
  expand: {
    fwd: (g, [x], a: { shape: number[] }) => g.op('Expand', [x, g.ints(a.shape)], {}, x.dtype, broadcastShapes(x.shape, a.shape)),
    vjp: (gy, [x]) => [o.sumTo(gy, x.shape)],
  },
  reduceSum: {
    fwd: (g, [x], a: { axes: number[]; keepdims: boolean }) => reduce(g, 'ReduceSum', x, a),
    vjp: (gy, [x], _, a: { axes: number[] }) => [o.expand(o.reshape(gy, keptShape(x.shape, a.axes)), [...x.shape])],
  },
  reduceMean: {
    fwd: (g, [x], a: { axes: number[]; keepdims: boolean }) => reduce(g, 'ReduceMean', x, a),
    vjp: (gy, [x], _, a: { axes: number[] }) => {
      const n = a.axes.reduce((p, ax) => p * x.shape[ax], 1);
      return [o.expand(o.reshape(o.mul(gy, 1 / n), keptShape(x.shape, a.axes)), [...x.shape])];
    },
  },
} satisfies Record<string, Rule>;


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

function reduce(g: Graph, op: string, x: Tensor, a: { axes: number[]; keepdims: boolean }): Tensor {
  const kept = keptShape(x.shape, a.axes);
  const shape = a.keepdims ? kept : x.shape.filter((_, i) => !a.axes.includes(i));
  return g.op(op, [x, g.ints(a.axes)], { keepdims: a.keepdims ? 1 : 0 }, x.dtype, shape);
}

