/**
 * K optimizer steps in one `session.run`: the fused train step (buildTrainStep) as the body of an ONNX
 * `Loop`, so that on an accelerator parameters and optimizer state stay on the device for K steps
 * (onnxruntime-node has no device-resident tensor API between runs).
 *
 * The step's inputs fall in three kinds, by one rule that knows no name but RUN_CONSTANTS:
 *  - carried: every input X for which the step has an output `X_out` (params, each optimizer slot,
 *    buffers) — the Loop's carried state, fed once, returned as `X_out` after the last step;
 *  - per-step: every other input but the RUN_CONSTANTS (x, y, w, dropout_offsets, each optimizer scalar)
 *    — fed stacked [K, ...] and picked in the body by the iteration number (Gather on axis 0);
 *  - constant (RUN_CONSTANTS: the dropout table, the decay mask) — read by the body from the outer scope.
 * Every other step output (loss, grad_norm) becomes a scan output [n]. The trip count n ≤ K is fed as
 * `trip_count`, so one session runs any 1..K steps: rows n..K−1 of the stacked inputs are never read.
 *
 * Cost (engine/memory/estimate.ts): the carried state cannot be written into its fed buffer in place, and
 * each step's body allocates new state while the previous one is alive, and the stacked inputs hold K
 * batches.
 */
import { Graph, GraphAttr, type NodeDef, Tensor } from '../graph/builder.js';
import { type BuiltGraph, type GraphShape, type Model, RUN_CONSTANTS, buildTrainStep } from './graphs.js';
import type { ClipOptions } from '../optim/clip.js';
import type { AdamWOptions } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';

/** How the loop graph's inputs relate to the step's (the worker stacks and feeds by it). */
export interface LoopSignature {
  /** Steps one run holds at most (the stacked inputs' first dim). */
  steps: number;
  /** Carried state: input name → the step output that replaces it (`X_out`). */
  carried: Record<string, string>;
  /** Inputs fed stacked [steps, ...], one row per step. */
  perStep: string[];
  /** Inputs the body reads from the outer scope, the same for every step. */
  constant: string[];
  /** Step outputs returned per step as [n] scan outputs. */
  scan: string[];
}

export interface BuiltLoop extends BuiltGraph {
  signature: LoopSignature;
}

/** The outer graph's input that says how many of the K stacked steps to run (int64 scalar). */
export const TRIP_COUNT = 'trip_count';

/**
 * The train loop: K = `shape.steps` train steps in one graph. Inputs: each carried input (as the step
 * has it), each per-step input stacked [K, ...], each constant input, `trip_count` (int64 [], 1..K).
 * Outputs: each carried `X_out` after the last step run, each scan output [trip_count].
 * @throws Error when steps is not an integer ≥ 1.
 */
export function buildTrainLoop<H extends ClipOptions = AdamWOptions>(model: Model, shape: GraphShape & { optim: H; optimizer?: Optimizer<H>; steps: number }): BuiltLoop {
  const K = shape.steps;
  if (!Number.isInteger(K) || K < 1) throw new Error(`a train loop needs an integer number of steps >= 1, got ${K}`);
  const { graph: step, layout } = buildTrainStep(model, shape);
  const outputs = new Map(step.outputs.map((o) => [o.name, o.tensor]));
  const carried = step.inputs.filter((t) => outputs.has(`${t.name}_out`));
  const constant = step.inputs.filter((t) => !carried.includes(t) && RUN_CONSTANTS.includes(t.name));
  const perStep = step.inputs.filter((t) => !carried.includes(t) && !constant.includes(t));
  const carriedOut = new Set(carried.map((t) => `${t.name}_out`));
  const scan = step.outputs.filter((o) => !carriedOut.has(o.name));

  const g = new Graph('train_loop');
  const outerInputs = [...carried.map((t) => g.input(t.name, t.dtype, t.shape)), ...perStep.map((t) => g.input(t.name, t.dtype, [K, ...t.shape])), ...constant.map((t) => g.input(t.name, t.dtype, t.shape))];
  const trip = g.input(TRIP_COUNT, 'int64', []);
  const cond = g.constant([1], 'bool', [], 'loop/cond');
  // body values whose names the outer graph also uses get a prefix (names are unique across the hierarchy)
  const outerNames = new Set([...outerInputs.map((t) => t.name), trip.name, cond.name, ...step.outputs.map((o) => o.name)]);
  const local = (name: string) => (outerNames.has(name) ? `loop/${name}` : name);
  const constants = new Set(constant.map((t) => t.name));
  const rename = (name: string) => (name && !constants.has(name) ? local(name) : name);

  const body = new Graph('train_step_body');
  const iter = body.input('loop/iter', 'int64', []);
  const condIn = body.input('loop/cond_in', 'bool', []);
  for (const t of carried) body.input(local(t.name), t.dtype, t.shape);
  for (const t of perStep) {
    const picked: NodeDef = { opType: 'Gather', name: `loop/pick/${t.name}`, inputs: [t.name, iter.name], outputs: [local(t.name)], attrs: { axis: 0 } };
    body.nodes.push(picked);
  }
  for (const n of step.nodes) body.nodes.push({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) });
  body.initializers.push(...step.initializers);
  const condOut = body.emit('Identity', [condIn], {}, [{ dtype: 'bool', shape: [] }], 'loop/cond_out')[0];
  body.outputs.push({ name: condOut.name, tensor: condOut });
  for (const t of carried) {
    const out = outputs.get(`${t.name}_out`)!;
    body.outputs.push({ name: rename(out.name), tensor: new Tensor(body, rename(out.name), out.dtype, out.shape) });
  }
  for (const o of scan) body.outputs.push({ name: rename(o.name), tensor: new Tensor(body, rename(o.name), o.tensor.dtype, o.tensor.shape) });

  const loopOutputs = [...carried.map((t) => `${t.name}_out`), ...scan.map((o) => o.name)];
  g.nodes.push({ opType: 'Loop', name: 'loop', inputs: [trip.name, cond.name, ...carried.map((t) => t.name)], outputs: loopOutputs, attrs: { body: new GraphAttr(body) } });
  for (const t of carried) {
    const out = outputs.get(`${t.name}_out`)!;
    g.outputs.push({ name: `${t.name}_out`, tensor: new Tensor(g, `${t.name}_out`, out.dtype, out.shape) });
  }
  for (const o of scan) g.outputs.push({ name: o.name, tensor: new Tensor(g, o.name, o.tensor.dtype, [-1, ...o.tensor.shape]) });

  const signature: LoopSignature = {
    steps: K,
    carried: Object.fromEntries(carried.map((t) => [t.name, `${t.name}_out`])),
    perStep: perStep.map((t) => t.name),
    constant: constant.map((t) => t.name),
    scan: scan.map((o) => o.name),
  };
  return { graph: g, layout, signature };
}
