/** Reverse-mode differentiation over the graph's tape. */
import type { Tensor } from '../graph/builder.js';
import { add, zeros } from './ops.js';
import type { OpName } from './forward.js';
import { Recomputer } from './recompute.js';
import { RULES, type Rule } from './rules.js';

/**
 * Gradients of the scalar `loss` with respect to each tensor in `wrt` (zeros where it does not reach).
 * Gradient nodes are named `grad/<forward scope>/<Op>` so a profile shows which layer they belong to.
 * Entries in a recomputed segment (Graph.segment) read copies of the forward tensors emitted when the
 * backward pass reaches them (recompute.ts); gradients are still keyed by the forward tensors.
 */
export function grad(loss: Tensor, wrt: Tensor[]): Tensor[] {
  if (loss.size !== 1) throw new Error(`grad() needs a scalar loss, got shape [${loss.shape}]`);
  const g = loss.graph;
  const grads = new Map<string, Tensor>([[loss.name, g.op('Expand', [g.scalar(1, loss.dtype, 'grad_seed'), g.ints([...loss.shape])], {}, loss.dtype, loss.shape)]]);
  const accumulate = (t: Tensor, gt: Tensor) => {
    const prev = grads.get(t.name);
    grads.set(t.name, prev ? add(prev, gt) : gt);
  };
  const wrtNames = g.segments.length ? new Set(wrt.map((t) => t.name)) : null;
  const recompute = wrtNames ? new Recomputer(g, wrtNames) : null;
  const wasRecording = g.recording;
  g.recording = false;
  try {
    for (let i = g.tape.length - 1; i >= 0; i--) {
      const e = g.tape[i];
      const gy = grads.get(e.output.name);
      if (!gy) continue;
      const r = recompute?.entry(i, gy) ?? e;
      const gin = g.withScopePath(`grad/${e.scope}`, () => (RULES[e.op as OpName] as Rule)(gy, r.inputs, r.output, r.attrs, r.saved));
      e.inputs.forEach((t, k) => {
        const gt = gin[k];
        if (!(t && gt && t.requiresGrad)) return;
        accumulate(t, gt);
        if (recompute && wrtNames?.has(t.name)) recompute.paramGradient(gt);
      });
    }
  } finally {
    g.recording = wasRecording;
  }
  return wrt.map((t) => grads.get(t.name) ?? zeros(g, t.shape, t.dtype));
}
