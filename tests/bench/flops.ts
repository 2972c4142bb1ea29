/** FLOP count of a built graph: MatMul and Gemm nodes that feed an output, from their static shapes. */
import { Graph } from '../../engine/graph/builder.js';

/**
 * Runs `build` while recording every emitted tensor's static shape (the builder keeps names only on nodes).
 * Returns the build result and a counter for graphs built inside it.
 */
export function withShapes<T>(build: () => T): { result: T; flops(g: Graph): number } {
  const shapes = new Map<string, readonly number[]>();
  const emit = Graph.prototype.emit;
  Graph.prototype.emit = function (this: Graph, ...args: Parameters<Graph['emit']>) {
    const outs = emit.apply(this, args);
    for (const t of outs) shapes.set(t.name, t.shape);
    return outs;
  };
  let result: T;
  try {
    result = build();
  } finally {
    Graph.prototype.emit = emit;
  }
  return { result, flops: (g) => matmulFlops(g, shapes) };
}

function matmulFlops(g: Graph, shapes: Map<string, readonly number[]>): number {
  for (const t of g.inputs) shapes.set(t.name, t.shape);
  for (const i of g.initializers) shapes.set(i.name, i.dims);
  const needed = new Set(g.outputs.map((o) => o.name));
  let flops = 0;
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    if (!n.outputs.some((t) => needed.has(t))) continue;
    for (const t of n.inputs) if (t) needed.add(t);
    if (n.opType !== 'MatMul' && n.opType !== 'Gemm') continue;
    const out = shapes.get(n.outputs[0]);
    const a = shapes.get(n.inputs[0]);
    if (!out || !a) throw new Error(`no static shape for ${n.name}`);
    const k = n.opType === 'Gemm' && n.attrs.transA ? a[0] : a[a.length - 1];
    flops += 2 * k * out.reduce((p, d) => p * d, 1);
  }
  return flops;
}
