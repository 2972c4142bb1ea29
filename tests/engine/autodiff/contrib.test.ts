/**
 * The float32 graphs onnxruntime runs use two of its com.microsoft ops (Graph.contribOps): Gelu, whose rule
 * then makes Φ again instead of reading a saved one, and FusedMatMul for a·bᵀ. The float64 gradient checks
 * never take those paths, so here each is run against the standard-op graph of the same function: same
 * values and gradients to float32 rounding.
 */
import { describe, expect, it } from 'vitest';
import { Graph, type Tensor } from '../../../engine/graph/builder.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { grad } from '../../../engine/autodiff/grad.js';
import * as o from '../../../engine/autodiff/ops.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { Rng } from '../../../engine/step/rng.js';

type Build = (xs: Tensor[]) => Tensor;

/** Σ f(xs)·R and its gradients, on a float32 graph with contrib ops on or off; also the graph's op types. */
async function run(build: Build, shapes: number[][], contribOps: boolean) {
  const g = new Graph('contrib');
  g.contribOps = contribOps;
  const rng = new Rng(7);
  const xs = shapes.map((s, i) => g.input(`x${i}`, 'float32', s, true));
  const y = build(xs);
  const r = g.constant(Float32Array.from({ length: y.size }, () => rng.normal()), 'float32', [...y.shape], 'r');
  const loss = o.reduceSum(o.mul(y, r), [...y.shape.keys()]);
  g.output(loss, 'loss');
  grad(loss, xs).forEach((t, i) => g.output(t!, `d${i}`));
  const session = await createSession(toModelBytes(g), { threads: 1 });
  const feeds = Object.fromEntries(shapes.map((s, i) => [`x${i}`, { data: Float32Array.from({ length: s.reduce((a, b) => a * b) }, () => 3 * rng.normal()), dims: s }]));
  const out = await session.run(feeds);
  await session.release();
  return { out, ops: new Set(g.nodes.map((n) => n.opType)) };
}

const cases: [string, string, Build, number[][]][] = [
  ['gelu', 'Gelu', ([x]) => o.gelu(x), [[64, 33]]],
  ['a·bᵀ (attention scores)', 'FusedMatMul', ([q, k]) => o.matmulT(q, k), [[3, 2, 7, 8], [3, 2, 7, 8]]],
  ['attention block: softmax(q·kᵀ)·v', 'FusedMatMul', ([q, k, v]) => o.matmul(o.softmax(o.mul(o.matmulT(q, k), 0.25), -1), v), [[3, 2, 7, 8], [3, 2, 7, 8], [3, 2, 7, 8]]],
];

describe("onnxruntime's contrib ops in float32 graphs", () => {
  it.each(cases)('%s: %s gives the standard ops\' value and gradients', async (_, op, build, shapes) => {
    const fused = await run(build, shapes, true);
    const standard = await run(build, shapes, false);
    expect(fused.ops.has(op)).toBe(true);
    expect(standard.ops.has(op)).toBe(false);
    for (const [name, want] of Object.entries(standard.out)) {
      const got = fused.out[name] as Float32Array;
      const scale = Math.max(1, ...Array.from(want as Float32Array, Math.abs));
      const worst = Math.max(...Array.from(want as Float32Array, (w, i) => Math.abs(w - got[i])));
      expect(worst / scale, name).toBeLessThan(1e-5);
    }
  });
});
