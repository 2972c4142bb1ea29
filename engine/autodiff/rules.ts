/**
 * THE gradient table: each differentiable op's vector-Jacobian product, one rule per op (the forward
 * emitters are in forward.ts). VJPs are written with the public ops (ops.ts), which never import this
 * table; the tape is off while they run. Broadcasting is undone by sumTo(); gradients never use
 * com.microsoft ops.
 */
import type { Tensor } from '../graph/builder.js';
import { type OpName, keptShape } from './forward.js';
import * as o from './ops.js';

export type Grads = (Tensor | null)[];
/** Gradients of an op's inputs from its output gradient `gy`, inputs `xs`, output `y`, attributes and saved tensors. */
export type Rule<A = any> = (gy: Tensor, xs: Tensor[], y: Tensor, a: A, saved: Tensor[]) => Grads;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

export const RULES = {
  add: (gy, [a, b]) => [o.sumTo(gy, a.shape), o.sumTo(gy, b.shape)],
  sub: (gy, [a, b]) => [o.sumTo(gy, a.shape), o.sumTo(o.neg(gy), b.shape)],
  mul: (gy, [a, b]) => [o.sumTo(o.mul(gy, b), a.shape), o.sumTo(o.mul(gy, a), b.shape)],
  div: (gy, [a, b], y) => [o.sumTo(o.div(gy, b), a.shape), o.sumTo(o.neg(o.div(o.mul(gy, y), b)), b.shape)],
  neg: (gy) => [o.neg(gy)],
  exp: (gy, _, y) => [o.mul(gy, y)],
  log: (gy, [x]) => [o.div(gy, x)],
  sqrt: (gy, _, y) => [o.div(gy, o.mul(y, 2))],
  abs: (gy, [x]) => [o.mul(gy, o.sign(x))],
  relu: (gy, [x]) => [o.mul(gy, o.step(x))],
  sigmoid: (gy, _, y) => [o.mul(gy, o.mul(y, o.sub(1, y)))],
  tanh: (gy, _, y) => [o.mul(gy, o.sub(1, o.mul(y, y)))],
  softplus: (gy, [x]) => [o.mul(gy, o.sigmoid(x))],
  // g·(Φ + x·φ), Φ saved by the forward pass or made again (onnxruntime's Gelu saves none).
  gelu: (gy, [x], _, __, [phi]) => [o.mul(gy, o.add(phi ?? o.normalCdf(x), o.mul(x, o.mul(o.exp(o.mul(o.mul(x, x), -0.5)), 1 / SQRT_2PI))))],
  matmul: (gy, [a, b]) => [o.sumTo(o.matmulT(gy, b), a.shape), o.matmulGradRhs(a, gy, b.shape)],
  // y = a·bᵀ: ga = gy·b, gb = gyᵀ·a (onnxruntime folds gy's transpose into the MatMul: gy is no transpose's output).
  matmulT: (gy, [a, b]) => [o.sumTo(o.matmul(gy, b), a.shape), o.sumTo(o.matmul(o.mT(gy), a), b.shape)],
  gemm: (gy, [a, b, c], _, t: { transA: number; transB: number }) => [
    t.transA ? o.gemm(b, gy, { transA: t.transB, transB: 1 }) : o.gemm(gy, b, { transA: 0, transB: 1 - t.transB }),
    t.transB ? o.gemm(gy, a, { transA: 1, transB: t.transA }) : o.gemm(a, gy, { transA: 1 - t.transA, transB: 0 }),
    c ? o.sumTo(gy, c.shape) : null,
  ],
  softmax: (gy, _, y, a: { axis: number }) => [o.mul(y, o.sub(gy, o.reduceSum(o.mul(gy, y), [a.axis], true)))],
  // Mean and InvStdDev saved by the forward pass.
  layerNorm: (gy, [x, scale, bias], _, __, [mean, inv]) => {
    const xhat = o.mul(o.sub(x, mean), inv);
    const dxhat = o.mul(gy, scale);
    const inner = o.sub(o.sub(dxhat, o.reduceMean(dxhat, [-1], true)), o.mul(xhat, o.reduceMean(o.mul(dxhat, xhat), [-1], true)));
    return [o.mul(inv, inner), o.sumTo(o.mul(gy, xhat), scale.shape), o.sumTo(gy, bias.shape)];
  },
  // With xhat = d·inv, a = inv·scale, W = Σw: dx = a·gy − w·(a·Σgy + d·a·inv·Σ(gy·xhat))/W (the statistics'
  // dependence on x), gscale = Σ(gy·xhat), gbias = Σgy; sums over rows, weights only in the correction.
  batchNorm: (gy, [x, scale, , w], _, __, [d, inv, , , count]) => {
    const [rows, C] = x.shape;
    const a = o.mul(inv, o.reshape(scale, [1, C]));
    const gbias = o.sumTo(gy, [1, C]);
    const gscale = o.mul(o.sumTo(o.mul(gy, d), [1, C]), inv);
    const corr = o.add(o.mul(d, o.div(o.mul(a, o.mul(inv, gscale)), count)), o.div(o.mul(a, gbias), count));
    const dx = o.sub(o.mul(gy, a), w ? o.mul(corr, o.reshape(w, [rows, 1])) : corr);
    return [dx, o.reshape(gscale, [C]), o.reshape(gbias, [C]), null];
  },
  // Running statistics get no gradient.
  batchNormEval: (gy, [x, scale, , mean, v], _, a: { eps: number }) => {
    const cs = [x.shape[1], ...x.shape.slice(2).map(() => 1)];
    const inv = o.reshape(o.div(1, o.sqrt(o.add(v, a.eps))), cs);
    const xhat = o.mul(o.sub(x, o.reshape(mean, cs)), inv);
    const perChannel = (t: Tensor) => o.reshape(o.sumTo(t, cs), [x.shape[1]]);
    return [o.mul(gy, o.mul(o.reshape(scale, cs), inv)), perChannel(o.mul(gy, xhat)), perChannel(gy), null, null];
  },
  transpose: (gy, _, __, a: { perm: number[] }) => [o.transpose(gy, a.perm.map((_, i) => a.perm.indexOf(i)))],
  reshape: (gy, [x]) => [o.reshape(gy, [...x.shape])],
  slice: (gy, [x], _, a: { starts: number[]; ends: number[]; axes: number[] }) => {
    const before = x.shape.map((_, d) => (a.axes.includes(d) ? a.starts[a.axes.indexOf(d)] : 0));
    const after = x.shape.map((n, d) => (a.axes.includes(d) ? n - a.ends[a.axes.indexOf(d)] : 0));
    return [o.pad(gy, before, after)];
  },
  pad: (gy, [x], _, a: { before: number[]; after: number[] }) =>
    [o.slice(gy, { starts: a.before, ends: a.before.map((b, i) => b + x.shape[i]), axes: x.shape.map((_, i) => i) })],
  concat: (gy, xs, _, a: { axis: number }) => {
    let at = 0;
    return xs.map((t) => o.slice(gy, { starts: [at], ends: [(at += t.shape[a.axis])], axes: [a.axis] }));
  },
  // Scatters back with reduction=add (repeated indices accumulate).
  gather: (gy, [x], _, a: { indices: number[]; axis: number }) => [o.scatterAdd(gy, x.shape, a.indices, a.axis)],
  expand: (gy, [x]) => [o.sumTo(gy, x.shape)],
  reduceSum: (gy, [x], _, a: { axes: number[] }) => [o.expand(o.reshape(gy, keptShape(x.shape, a.axes)), [...x.shape])],
  reduceMean: (gy, [x], _, a: { axes: number[] }) => {
    const n = a.axes.reduce((p, ax) => p * x.shape[ax], 1);
    return [o.expand(o.reshape(o.mul(gy, 1 / n), keptShape(x.shape, a.axes)), [...x.shape])];
  },
} satisfies Record<OpName, Rule>;
