/**
 * The split train step: the fused step (graphs.ts buildTrainStep) cut in two graphs, so the node backend
 * keeps one copy of each parameter-sized vector in JS memory and hands onnxruntime views of it:
 *  - gradient graph: each parameter is its own input (`params/<name>`, fed as a view of the flat vector),
 *    each gradient its own output (`grad/<name>`, written into a view of one flat gradient vector);
 *  - update graph: the optimizer's element-wise update over a chunk of the flat vectors, of any length, with
 *    the gradient clipped by the global norm the gradient graph returned.
 * The norm and the update are the fused step's own (clip.ts globalNorm and clipGradNorm, the optimizer's
 * update), so both steps give bitwise the same loss, norm and weights.
 */
import type { Tensor } from '../graph/builder.js';
import { Graph } from '../graph/builder.js';
import type { DType } from '../graph/dtype.js';
import { grad } from '../autodiff/grad.js';
import { type AdamWOptions, adamw } from '../optim/adamw.js';
import { type ClipOptions, clipGradNorm, globalNorm } from '../optim/clip.js';
import { type Optimizer, checkOptimizer } from '../optim/optimizer.js';
import { type BuiltGraph, type GraphShape, type Model, withModel } from './graphs.js';

/** The gradient graph's output for parameter `name`. */
export const gradOutputName = (name: string): string => `grad/${name}`;

/** The length of the update graph's vectors: symbolic (serialised as dim_param), any chunk size runs. */
export const CHUNK_DIM = -1;

/**
 * Gradient graph. Inputs: params/<name> per parameter (its own shape), [buffers], x, y, w,
 * [dropout_table, dropout_offsets]. Outputs: loss, grad_norm ([1], the global L2 norm before clipping),
 * grad/<name> per parameter in layout order, [buffers_out].
 */
export function buildGradStep(model: Model, shape: GraphShape): BuiltGraph {
  const io = withModel('grad_step', model, shape, true, undefined, true);
  const { g, net } = io;
  const grads = grad(io.loss, net.paramTensors);
  const norm = g.scope('grad/norm', () => globalNorm(grads));
  g.output(io.loss, 'loss');
  g.output(norm, 'grad_norm');
  net.layout.params.forEach((p, i) => g.output(grads[i], gradOutputName(p.name)));
  const buffersOut = net.updatedBuffers();
  if (buffersOut) g.output(buffersOut, 'buffers_out');
  return { graph: g, layout: net.layout };
}

/**
 * Update graph over a chunk of n elements (n symbolic). Inputs: params, grad, each optimizer slot,
 * decay_mask (all [n]), the optimizer's scalars, and grad_norm ([1]) when the gradient is clipped. Outputs:
 * params_out, <slot>_out per slot.
 */
export function buildUpdateGraph<H extends ClipOptions = AdamWOptions>(opts: { optim: H; optimizer?: Optimizer<H>; dtype?: DType }): Graph {
  const optimizer = opts.optimizer ?? (adamw as Optimizer<unknown> as Optimizer<H>);
  checkOptimizer(optimizer);
  const dtype = opts.dtype ?? 'float32';
  const g = new Graph('update');
  const n = [CHUNK_DIM];
  const params = g.input('params', dtype, n);
  const gradient = g.input('grad', dtype, n);
  const upd = g.scope('optim', () => {
    const state = Object.fromEntries(optimizer.slots.map((name) => [name, g.input(name, dtype, n)]));
    const decayMask = g.input('decay_mask', dtype, n);
    const scalars = Object.fromEntries(optimizer.scalars.map((name) => [name, g.input(name, dtype, [])]));
    const norm: Tensor | undefined = opts.optim.gradClip ? g.input('grad_norm', dtype, [1]) : undefined;
    const clipped = norm ? clipGradNorm(gradient, opts.optim.gradClip, norm).grad : gradient;
    return optimizer.update({ params, grad: clipped, decayMask, state, scalars }, opts.optim);
  });
  g.output(upd.params, 'params_out');
  for (const name of optimizer.slots) g.output(upd.state[name], `${name}_out`);
  return g;
}
