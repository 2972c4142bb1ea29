/**
 * Finite-difference gradient checking in float64 graphs: analytic gradients from grad() against central
 * differences of the same ONNX graph run by onnxruntime-node. Reusable by model tests.
 */
import { Graph, type Tensor } from '../../../engine/graph/builder.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { grad } from '../../../engine/autodiff/grad.js';
import * as o from '../../../engine/autodiff/ops.js';
import { Rng } from '../../../engine/step/rng.js';
import { createSession, type FeedValue } from '../../../engine/runtime/backends.js';

export interface InputSpec {
  shape: number[];
  /** Values (default: uniform in ±1 kept away from 0 by `minAbs`). */
  values?: number[];
  positive?: boolean;
  /** Not differentiated (e.g. labels, masks). */
  constant?: boolean;
}

export interface GradCheckResult {
  /** max |analytic − numeric| / max(1, |numeric|) over all checked elements. */
  maxRelErr: number;
  checked: number;
}

function valuesFor(spec: InputSpec, rng: Rng): Float64Array {
  if (spec.values) return Float64Array.from(spec.values);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mag = 0.2 + 0.8 * rng.next();
    out[i] = spec.positive ? mag + 0.3 : rng.next() < 0.5 ? -mag : mag;
  }
  return out;
}

/** Checks d(Σ f(inputs)·R)/d(inputs) for a random fixed R. */
export async function checkOpGradient(build: (xs: Tensor[]) => Tensor, specs: InputSpec[], seed = 1, h = 1e-6): Promise<GradCheckResult> {
  const rng = new Rng(seed);
  const g = new Graph('gradcheck');
  const xs = specs.map((s, i) => g.input(`in${i}`, 'float64', s.shape, !s.constant));
  const out = build(xs);
  const r = Array.from({ length: out.size }, () => rng.uniform(-1, 1));
  const loss = o.reduceSum(o.mul(out, g.constant(r, 'float64', out.shape, 'R')), [...out.shape.keys()]);
  const diff = xs.filter((t) => t.requiresGrad);
  g.output(loss, 'loss');
  grad(loss, diff).forEach((t, i) => g.output(t, `grad${i}`));
  const session = await createSession(toModelBytes(g), { threads: 1 });
  const values = specs.map((s) => valuesFor(s, rng));
  const feeds = (): Record<string, FeedValue> => Object.fromEntries(xs.map((t, i) => [t.name, { data: values[i], dims: t.shape }]));
  const analytic = await session.run(feeds());
  let maxRelErr = 0;
  let checked = 0;
  let k = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!xs[i].requiresGrad) continue;
    const ga = analytic[`grad${k++}`] as Float64Array;
    for (let j = 0; j < values[i].length; j++) {
      const keep = values[i][j];
      values[i][j] = keep + h;
      const up = ((await session.run(feeds())).loss as Float64Array)[0];
      values[i][j] = keep - h;
      const down = ((await session.run(feeds())).loss as Float64Array)[0];
      values[i][j] = keep;
      const numeric = (up - down) / (2 * h);
      maxRelErr = Math.max(maxRelErr, Math.abs(ga[j] - numeric) / Math.max(1, Math.abs(numeric)));
      checked++;
    }
  }
  await session.release();
  return { maxRelErr, checked };
}

/** Analytic gradients of Σ f(inputs)·R in a graph of `dtype` (to compare the float32 kernels' VJPs with float64). */
export async function analyticGradients(build: (xs: Tensor[]) => Tensor, specs: InputSpec[], dtype: 'float32' | 'float64', seed = 1): Promise<number[][]> {
  const rng = new Rng(seed);
  const g = new Graph('analytic');
  const xs = specs.map((s, i) => g.input(`in${i}`, dtype, s.shape, !s.constant));
  const out = build(xs);
  const r = Array.from({ length: out.size }, () => rng.uniform(-1, 1));
  const loss = o.reduceSum(o.mul(out, g.constant(r, dtype, out.shape, 'R')), [...out.shape.keys()]);
  const diff = xs.filter((t) => t.requiresGrad);
  grad(loss, diff).forEach((t, i) => g.output(t, `grad${i}`));
  const session = await createSession(toModelBytes(g), { threads: 1 });
  const values = specs.map((s) => valuesFor(s, rng));
  const cast = (v: Float64Array) => (dtype === 'float32' ? Float32Array.from(v) : v);
  const res = await session.run(Object.fromEntries(xs.map((t, i) => [t.name, { data: cast(values[i]), dims: t.shape }])));
  await session.release();
  return diff.map((_, i) => Array.from(res[`grad${i}`] as Float64Array | Float32Array));
}
