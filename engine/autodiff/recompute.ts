/**
 * Activation recomputation (checkpointing) for reverse mode. A segment of the forward pass (Graph.segment,
 * one or more encoder layers) keeps only its inputs alive: when the backward pass reaches the segment, the
 * nodes its gradient rules need are emitted again as ordinary ONNX nodes (`recompute/<forward node name>`),
 * and the rules read those copies instead of the forward tensors, which die as soon as the forward pass is
 * done with them.
 *
 * Two things keep the copies honest:
 *  - Same values: a copy is the same op with the same attributes on the same (or recomputed) inputs; dropout
 *    masks are re-sliced from the same table at the same per-step offsets, so they are identical.
 *  - Late and separate: onnxruntime's common-subexpression elimination would merge a copy whose inputs all
 *    equal the original's back into it, and a copy with no backward input could be scheduled during the
 *    forward pass. So every external input a copy starts from (the segment's input activations, the dropout
 *    offsets, the sample weights: never the parameters) is first passed through Where(isnan(g₀), t, t), g₀
 *    being one element of the gradient that reaches the segment. Where returns t bit for bit whatever g₀ is,
 *    but the copy now depends on the backward pass, which CSE cannot see through.
 */
import type { Graph, NodeDef, Segment, TapeEntry } from '../graph/builder.js';
import { Tensor } from '../graph/builder.js';
import { firstIsNaN, gate } from './ops.js';

export class Recomputer {
  private readonly segmentAt: Int32Array;
  /** Per segment: forward tensor name → its recomputed (or gated) copy; absent until the segment is reached. */
  private readonly copies = new Map<number, Map<string, Tensor>>();
  private readonly initializers: Map<string, { dtype: Tensor['dtype']; dims: number[] }>;
  /** Parameter gradients made since the last segment was recomputed (see paramGradient()). */
  private pending: Tensor[] = [];

  /** `keep`: tensors never copied (the parameters the gradient is taken for: they stay alive anyway). */
  constructor(private readonly g: Graph, private readonly keep: ReadonlySet<string>) {
    this.segmentAt = new Int32Array(g.tape.length).fill(-1);
    g.segments.forEach((s, k) => this.segmentAt.fill(k, s.tapeStart, s.tapeEnd));
    this.initializers = new Map(g.initializers.map((i) => [i.name, { dtype: i.dtype, dims: i.dims }]));
  }

  /**
   * Tape entry `i` with its inputs, output and saved tensors replaced by recomputed copies when it lies in a
   * segment; the segment is recomputed on its first entry met, gated on that entry's output gradient `gy`.
   */
  entry(i: number, gy: Tensor): TapeEntry {
    const k = this.segmentAt[i];
    const e = this.g.tape[i];
    if (k < 0) return e;
    let copies = this.copies.get(k);
    if (!copies) this.copies.set(k, (copies = this.recompute(this.g.segments[k], gy)));
    const swap = (t: Tensor): Tensor => {
      const c = t && copies.get(t.name);
      return c ? new Tensor(this.g, c.name, t.dtype, t.shape, t.requiresGrad) : t;
    };
    return { ...e, inputs: e.inputs.map(swap), output: swap(e.output), saved: e.saved.map(swap) };
  }

  /**
   * Notes a parameter gradient the backward pass just made. The next segment's copies wait for it too:
   * onnxruntime otherwise defers weight gradients to the end of the step (they feed only the final Concat),
   * keeping every layer's recomputed activations and output gradients alive until then.
   */
  paramGradient(t: Tensor): void {
    this.pending.push(t);
  }

  private recompute(s: Segment, gy: Tensor): Map<string, Tensor> {
    const g = this.g;
    const producer = new Map<string, number>();
    for (let n = s.nodeStart; n < s.nodeEnd; n++) for (const out of g.nodes[n].outputs) producer.set(out, n);
    // the nodes the segment's rules read from, back to the segment's inputs and the parameters
    const needed = new Set<number>();
    const stack: string[] = [];
    for (const e of g.tape.slice(s.tapeStart, s.tapeEnd)) for (const t of [...e.inputs, e.output, ...e.saved]) if (t) stack.push(t.name);
    while (stack.length) {
      const name = stack.pop()!;
      const n = producer.get(name);
      if (n === undefined || this.keep.has(name) || needed.has(n)) continue;
      needed.add(n);
      stack.push(...g.nodes[n].inputs.filter(Boolean));
    }
    const copies = new Map<string, Tensor>();
    let cond: Tensor | undefined;
    const scope = `recompute/gate/${g.tape[s.tapeStart]?.scope.split('/')[0] ?? ''}`;
    for (const n of [...needed].sort((a, b) => a - b)) {
      const node = g.nodes[n];
      if (!node.inputs.some((name) => copies.has(name))) {
        const external = node.inputs.filter((name) => name && !this.keep.has(name) && !this.initializers.has(name));
        const smallest = external.sort((a, b) => this.meta(a).size - this.meta(b).size)[0];
        if (smallest) {
          cond ??= g.withScopePath(scope, () => firstIsNaN(gy, ...this.pending.splice(0)));
          copies.set(smallest, g.withScopePath(scope, () => gate(this.meta(smallest), cond!)));
        }
      }
      this.copy(node, copies);
    }
    return copies;
  }

  /** Emits `node` again on the copies of its inputs, recording its outputs' copies. */
  private copy(node: NodeDef, copies: Map<string, Tensor>): void {
    const ins = node.inputs.map((name) => (name ? copies.get(name) ?? this.meta(name) : null));
    const outs = node.outputs.map((name) => this.meta(name));
    const made = this.g.emit(node.opType, ins, node.attrs, outs, `recompute/${node.name}`);
    node.outputs.forEach((name, i) => copies.set(name, made[i]));
  }

  private meta(name: string): Tensor {
    const t = this.g.tensor(name);
    if (t) return t;
    const init = this.initializers.get(name);
    if (!init) throw new Error(`recompute: no tensor named ${name}`);
    return new Tensor(this.g, name, init.dtype, init.dims);
  }
}
