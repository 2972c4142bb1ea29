/**
 * What an optimizer declares, so the step graph, the worker, the trainer, checkpoints and the memory
 * estimate carry its state without knowing its names: per-element state slots (flat vectors the size of
 * the parameters), per-step scalars computed in JS double precision, and the update the graph emits.
 */
import type { Tensor } from '../graph/builder.js';

/** Graph tensors one update reads; per-element tensors are flat [paramCount]. */
export interface UpdateInputs {
  params: Tensor;
  /** The flat gradient, already clipped to the global norm (engine/optim/clip.ts). */
  grad: Tensor;
  /** Per-element weight-decay mask: 1 = decayed, 0 for biases, norms and positional tables. */
  decayMask: Tensor;
  /** Each declared slot before this step, by name. */
  state: Record<string, Tensor>;
  /** Each declared scalar of this step (shape []), by name. */
  scalars: Record<string, Tensor>;
}

export interface UpdateOutputs {
  params: Tensor;
  /** Each declared slot after this step, by name. */
  state: Record<string, Tensor>;
}

/** An update rule and the state it keeps; `H` is its hyperparameters (the trainer's `optim` options). */
export interface Optimizer<H = unknown> {
  /** Name in messages and memory breakdowns, e.g. 'AdamW'. */
  readonly label: string;
  /** What the slots are together, in prose: 'moments' gives "AdamW moments 12.3 MiB". */
  readonly stateNoun: string;
  /** Checkpoint tensors are named `<checkpointPrefix>/<slot>` (AdamW: adam/m, adam/v). */
  readonly checkpointPrefix: string;
  /**
   * Per-element state, in order: each a flat fp32 vector of paramCount values, zero before step 1, graph
   * input `<slot>` and output `<slot>_out`.
   */
  readonly slots: readonly string[];
  /** Per-step scalar graph inputs (shape [], fed as fp32), in order. */
  readonly scalars: readonly string[];
  /** The values of `scalars` for optimizer step t (1-based) at learning rate lr, in double precision. */
  scalarValues(t: number, lr: number, h: H): Record<string, number>;
  /** Emits the update into the train-step graph (inside its `optim` scope). */
  update(x: UpdateInputs, h: H): UpdateOutputs;
}

/** Names the train-step graph uses itself; a slot or scalar may not take one. */
const TAKEN = ['params', 'buffers', 'x', 'y', 'w', 'dropout_table', 'dropout_offsets', 'decay_mask', 'loss', 'grad_norm', 'params_out', 'buffers_out'];

/** Throws when slot or scalar names are not distinct identifiers free in the train-step graph. */
export function checkOptimizer(opt: Pick<Optimizer, 'label' | 'slots' | 'scalars'>): void {
  const names = [...opt.slots, ...opt.scalars];
  for (const [i, n] of names.entries()) {
    if (!/^[a-z][a-z0-9_]*$/.test(n)) throw new Error(`optimizer ${opt.label}: '${n}' is not a snake_case name`);
    if (TAKEN.includes(n) || names.indexOf(n) !== i) throw new Error(`optimizer ${opt.label}: the name '${n}' is taken`);
  }
}
