/**
 * Assembles whole graphs around a model's forward pass, all sharing one parameter layout:
 *  - train step: forward, weighted BCE, reverse-mode gradients, global-norm clip, the optimizer's update
 *    (AdamW unless another is given) → new flat state;
 *  - grad graph: loss and flat gradient only (finite-difference checks, debugging);
 *  - eval graph: probabilities and weighted loss, BatchNorm on running statistics, no dropout;
 *  - inference graph: parameters baked in as initializers, x → probability (export).
 */
import { Graph, type Tensor } from '../graph/builder.js';
import type { DType } from '../graph/dtype.js';
import { grad } from '../autodiff/grad.js';
import { bceWithLogits } from '../nn/layers.js';
import * as o from '../autodiff/ops.js';
import { type AdamWOptions, adamw } from '../optim/adamw.js';
import { type ClipOptions, clipGradNorm, globalNorm } from '../optim/clip.js';
import { type Optimizer, checkOptimizer } from '../optim/optimizer.js';
import { Layout, Net } from './net.js';

/** A model: builds logits [B] from x [B, ...inputShape] with parameters declared on `net`. */
export interface Model {
  forward(net: Net, x: Tensor): Tensor;
  /**
   * Identifies the graph `forward` builds, given the engine's code (e.g. the model's config and input
   * channels): trainers with a start-up cache reuse graphs built for an equal key. Leave it out when
   * forward depends on anything else.
   */
  readonly key?: unknown;
}

export interface GraphShape {
  batchSize: number;
  /** Per-sample input shape, e.g. [contextLength, channels]. */
  inputShape: number[];
  /** float64 only for gradient checks. */
  dtype?: DType;
  /** BCE pos_weight (1 = unweighted). */
  posWeight?: number;
  /** Recompute the activations of every block of N encoder layers in the backward pass (0: keep them all); training graphs only. */
  recompute?: number;
}

export interface BuiltGraph {
  graph: Graph;
  layout: Layout;
}

export interface Io {
  g: Graph;
  net: Net;
  x: Tensor;
  y: Tensor;
  w: Tensor;
  /** The flat parameter vector (absent when parameters are per-tensor inputs). */
  params?: Tensor;
  buffers: Tensor;
  logits: Tensor;
  loss: Tensor;
}

/**
 * A graph `name` with the model's forward pass and loss: inputs x, y, w, the buffers, dropout inputs when
 * training, and the parameters as one flat input `params` or, with `perTensor`, one input per parameter
 * (Net's 'inputs' source).
 */
export function withModel(name: string, model: Model, shape: GraphShape, training: boolean, layout?: Layout, perTensor = false): Io {
  const dtype = shape.dtype ?? 'float32';
  const g = new Graph(name);
  let params = perTensor ? undefined : g.input('params', dtype, [layout?.paramCount ?? 0]);
  let buffers = g.input('buffers', dtype, [layout?.bufferCount ?? 0]);
  const x = g.input('x', dtype, [shape.batchSize, ...shape.inputShape]);
  const y = g.input('y', dtype, [shape.batchSize]);
  const w = g.input('w', dtype, [shape.batchSize]);
  let table = training ? g.input('dropout_table', dtype, [0]) : undefined;
  let offsets = training ? g.input('dropout_offsets', 'int64', [0]) : undefined;
  const dropout = table && offsets ? { table, offsets } : undefined;
  const net = new Net(g, {
    training, dtype, source: params ? { kind: 'flat', params, buffers } : { kind: 'inputs', buffers }, dropout, layout, sampleWeight: training ? w : undefined, recompute: training ? shape.recompute : 0,
  });
  const logits = model.forward(net, x);
  net.finish();
  if (logits.shape.length !== 1 || logits.shape[0] !== shape.batchSize) throw new Error(`model must return logits [${shape.batchSize}], got [${logits.shape}]`);
  const loss = g.scope('loss', () => bceWithLogits(logits, y, w, shape.posWeight ?? 1));
  if (params) params = g.resizeInput(params, [net.layout.paramCount]);
  if (net.layout.bufferCount === 0) g.removeInput(buffers);
  else buffers = g.resizeInput(buffers, [net.layout.bufferCount]);
  if (table && offsets) {
    const plan = net.dropoutPlan;
    net.layout.dropout = { ...plan, rates: [...plan.rates] };
    if (plan.sites === 0) [table, offsets].forEach((t) => g.removeInput(t));
    else [table, offsets] = [g.resizeInput(table, [plan.rates.length, 2 * plan.tableSize]), g.resizeInput(offsets, [plan.sites])];
  }
  return { g, net, x, y, w, params, buffers, logits, loss };
}

function flatGrad(net: Net, grads: Tensor[]): Tensor {
  return net.graph.scope('grad/flatten', () => o.concat(grads.map((t) => o.reshape(t, [-1])), 0));
}

/**
 * Train-step inputs that stay the same for every step of a run (fed once, not per step): the dropout
 * mask table and the weight-decay mask. engine/step/loop.ts reads them from the Loop's outer scope.
 */
export const RUN_CONSTANTS: readonly string[] = ['dropout_table', 'decay_mask'];

/**
 * Train step. Inputs: params, [buffers], x, y, w, [dropout_table, dropout_offsets], then the optimizer's
 * slots, decay_mask and its scalars. Outputs: loss, grad_norm, params_out, <slot>_out per slot, [buffers_out].
 * The gradient norm is taken per tensor (globalNorm) and the update is element-wise, exactly as the split
 * step (engine/step/split.ts) does them, so both give bitwise the same results.
 * `optimizer` defaults to AdamW; `optim` holds its hyperparameters and the gradient clip.
 */
export function buildTrainStep<H extends ClipOptions = AdamWOptions>(model: Model, shape: GraphShape & { optim: H; optimizer?: Optimizer<H> }): BuiltGraph {
  const optimizer = shape.optimizer ?? (adamw as Optimizer<unknown> as Optimizer<H>);
  checkOptimizer(optimizer);
  const io = withModel('train_step', model, shape, true);
  const { g, net } = io;
  const dtype = shape.dtype ?? 'float32';
  const n = [net.layout.paramCount];
  const grads = grad(io.loss, net.paramTensors);
  const norm = g.scope('grad/norm', () => globalNorm(grads));
  const gradient = flatGrad(net, grads);
  const upd = g.scope('optim', () => {
    const state = Object.fromEntries(optimizer.slots.map((name) => [name, g.input(name, dtype, n)]));
    const decayMask = g.input('decay_mask', dtype, n);
    const scalars = Object.fromEntries(optimizer.scalars.map((name) => [name, g.input(name, dtype, [])]));
    const clipped = clipGradNorm(gradient, shape.optim.gradClip, norm);
    return { ...optimizer.update({ params: io.params!, grad: clipped.grad, decayMask, state, scalars }, shape.optim), gradNorm: clipped.norm };
  });
  g.output(io.loss, 'loss');
  g.output(upd.gradNorm, 'grad_norm');
  g.output(upd.params, 'params_out');
  for (const name of optimizer.slots) g.output(upd.state[name], `${name}_out`);
  const buffersOut = net.updatedBuffers();
  if (buffersOut) g.output(buffersOut, 'buffers_out');
  return { graph: g, layout: net.layout };
}

/** Loss and flat gradient. Inputs: params, [buffers], x, y, w, [dropout_table, dropout_offsets]. Outputs: loss, grad, [buffers_out]. */
export function buildGradGraph(model: Model, shape: GraphShape, opts: { training?: boolean; layout?: Layout } = {}): BuiltGraph {
  const training = opts.training ?? true;
  const io = withModel('grad', model, shape, training, opts.layout);
  if (!training) throw new Error('buildGradGraph needs a training-mode graph (eval parameters are not differentiable)');
  io.g.output(io.loss, 'loss');
  io.g.output(flatGrad(io.net, grad(io.loss, io.net.paramTensors)), 'grad');
  const buffersOut = io.net.updatedBuffers();
  if (buffersOut) io.g.output(buffersOut, 'buffers_out');
  return { graph: io.g, layout: io.net.layout };
}

/**
 * Eval graph with the train layout. Inputs: params (or, with `perTensor`, params/<name> per parameter as the
 * split step feeds them), [buffers], x, y, w. Outputs: prob, logits, loss.
 */
export function buildEvalGraph(model: Model, shape: GraphShape, layout: Layout, perTensor = false): BuiltGraph {
  const io = withModel('eval', model, shape, false, layout, perTensor);
  io.g.output(o.sigmoid(io.logits), 'prob');
  io.g.output(io.logits, 'logits');
  io.g.output(io.loss, 'loss');
  return { graph: io.g, layout };
}

/** Standalone inference graph: parameters and buffers as initializers, x [B, ...] → prob [B]. */
export function buildInferenceGraph(model: Model, shape: GraphShape, layout: Layout, values: { params: Float32Array; buffers: Float32Array }): Graph {
  const dtype = shape.dtype ?? 'float32';
  const g = new Graph('inference');
  g.contribOps = false;
  const x = g.input('x', dtype, [shape.batchSize, ...shape.inputShape]);
  const net = new Net(g, { training: false, dtype, source: { kind: 'values', ...values }, layout });
  const logits = model.forward(net, x);
  net.finish();
  g.output(o.sigmoid(logits), 'prob');
  return g;
}

/** Parameter layout of a model without serialising anything (builds the forward graph once). */
export function layoutOf(model: Model, shape: GraphShape): Layout {
  return withModel('layout', model, { ...shape, batchSize: shape.batchSize || 1 }, true).net.layout;
}
