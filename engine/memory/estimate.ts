import { type ModelConfig, patchPadding } from '../models/config.js';
import { countParams } from '../models/count.js';
import { patchCount } from '../nn/layers.js';
import { adamw } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';

/**
 * Honest peak-memory estimate of one training step, in bytes, for a preflight check (docs/engine.md, "Memory").
 *
 * Fixed cost, per parameter (fp32, AdamW), by the step the backend runs:
 *  - split (the node backend's default, engine/step/split.ts): 20 B. Weights 4, gradients 4 (one flat vector
 *    the gradient graph writes each parameter's gradient into), optimizer slots 4 each, and step copies 4:
 *    the copy of the returned gradients that onnxruntime-node hands back even for an output written into a
 *    given buffer. Parameters are fed as views and the update runs in place chunk by chunk, so nothing else
 *    is parameter-sized (UPDATE_CHUNK_BYTES covers the chunk's copies and temporaries).
 *  - fused (web, webgpu, cuda, or trainer.memory.split=false): 56 B. Gradients 8 (each parameter's gradient
 *    and the flat vector they are concatenated into, both alive at the Concat); step copies: the parameters
 *    sliced out of the flat vector for the forward pass, the weight-decay mask, the clipped gradient, the
 *    optimizer's full-size temporaries, and onnxruntime-node's copy of every returned state vector
 *    (engine/step/inplace.ts). Measured 54-57 B on a 50M-parameter model at batch 1.
 * Activations: what the backward pass keeps (activationBytes). Overhead: what the runtime holds on top of
 * them (allocator rounding, transient gradient tensors, the CPU arena) as a factor measured on 2m PatchTST,
 * plus the runtime's own footprint.
 * With activation recomputation (`recompute` = N layers per segment) the activations are one segment's
 * (N layers and one layer's gradients) plus every segment's input, which gets no overhead factor, and the
 * CPU arena such a step runs on adds its reserve (RECOMPUTE_ARENA_BYTES).
 */
export interface MemoryEstimate {
  params: number;
  /** The flat gradient (split step), or each parameter's gradient plus the flat vector they are concatenated into (fused). */
  grads: number;
  /** The optimizer's slots (the name dates from when AdamW was the only optimizer). */
  adamMoments: number;
  /** Parameter-sized buffers a step holds besides weights, gradients and slots (STEP_COPIES, and LOOP_COPIES and the stacked batches of a K-step Loop). */
  stepCopies: number;
  activations: number;
  overhead: number;
  total: number;
  /** Weights, gradients, optimizer slots and step copies per parameter, in bytes. */
  fixedPerParam: number;
  paramCount: number;
  batchSize: number;
  /** Whose state `adamMoments` counts, for describeMemory. */
  optimizer: OptimizerLabel;
}

/** What the estimate needs of an optimizer: its slots, and names for them in text. */
export type OptimizerLabel = Pick<Optimizer, 'label' | 'stateNoun' | 'slots'>;

export interface MemoryOptions {
  bytesPerElement?: number;
  /** Peak over counted kept activations (default DEFAULT_OVERHEAD_FACTOR, measured on the node backend). */
  overheadFactor?: number;
  /** Whose state the step keeps (default AdamW). */
  optimizer?: OptimizerLabel;
  /** Activation recomputation: encoder layers per recomputed segment (0 or absent: off). */
  recompute?: number;
  /** Which train step runs (default 'split', the node backend's; the other backends run 'fused'). */
  step?: StepKind;
  /** trainer.steps_per_run: K > 1 runs the fused step as an ONNX Loop (LOOP_COPIES, and K stacked batches). */
  stepsPerRun?: number;
}

/** The split step (node backend, engine/step/split.ts) or the fused one-graph step (the other backends). */
export type StepKind = 'split' | 'fused';

/**
 * The step a backend runs: split on node (unless trainer.memory turns split or in-place writes off), fused
 * elsewhere and whenever K = stepsPerRun > 1 steps share one run (the Loop wraps the fused step).
 */
export function stepKind(backend: string, memory: { inPlace?: boolean; split?: boolean } = {}, stepsPerRun = 1): StepKind {
  return backend === 'node' && memory.inPlace !== false && memory.split !== false && stepsPerRun <= 1 ? 'split' : 'fused';
}

/**
 * Measured peak over the activations the graph keeps, at the runtime's defaults (onnxruntime's memory
 * pattern and CPU arena off): on the 2m/32-layer PatchTST step, 2,257 MB at batch 64 and 8,272 MB at batch
 * 256, where 1.03 gives 2,309 and 8,543 MB (+2 %, +3 %). (1.15 while GELU kept Φ, which went uncounted.)
 */
export const DEFAULT_OVERHEAD_FACTOR = 1.03;
/**
 * What a step with activation recomputation holds besides the counted tensors: onnxruntime's CPU arena, which
 * its sessions use then (RuntimeMemory.arena), keeps blocks rounded up to its bins and grows by doubling
 * chunks, so it holds some free memory beyond its live blocks, never more than them. Counted as this, or the
 * activations where they are less. Fitted on the 2m h3 step (32 layers, N = 1, node split step), where peak
 * RSS was 421, 540, 720 and 1,140 MB at batch 32, 64, 128 and 256 (within 2 % run to run): it gives 409, 523,
 * 752 and 1,209 MB (−3 %, −3 %, +4 %, +6 %). A model of 8 layers at d_model 8 gains under 12 MB with the arena.
 */
export const RECOMPUTE_ARENA_BYTES = 64 * 2 ** 20;
/** Bytes kept per dropped element: the fp32 mask sliced from the dropout table, kept for the backward pass. */
export const DROPOUT_BYTES_PER_ELEMENT = 4;
/**
 * Parameter-sized buffers of one step besides weights, gradients and slots, for an optimizer with `slots`
 * slots: sliced parameters, weight-decay mask, clipped gradient, three optimizer temporaries, and
 * onnxruntime-node's copy of each returned state vector (params and every slot).
 */
export const STEP_COPIES = (slots: number) => 6 + 1 + slots;
/** The split step's parameter-sized copies: onnxruntime-node's copy of the returned gradients. */
export const SPLIT_STEP_COPIES = 1;
/**
 * The split step's update, per run over a chunk of 2^20 elements (engine/runtime/split-step.ts): the
 * returned copies of params and each slot, and the optimizer's temporaries, about ten chunk-sized vectors.
 */
export const UPDATE_CHUNK_BYTES = 10 * 2 ** 20 * 4;
/**
 * Parameter-sized buffers a K-step Loop (engine/step/loop.ts) adds for an optimizer with `slots` slots: the
 * carried state (params and every slot) cannot be written into its fed buffer, so each step's new state is
 * a second copy while the previous one lives, and the Loop copies the last into its outputs.
 */
export const LOOP_COPIES = (slots: number) => 2 * (1 + slots);
/** Node, ONNX Runtime and the session itself before any tensor (measured ~150 MiB). */
export const RUNTIME_BYTES = 160 * 2 ** 20;

/**
 * Forward activation elements per sample that the backward pass keeps, and elements that go through dropout.
 * With recomputation (`recompute` = N layers per segment) only each segment's input stays (plus the carried
 * attention scores with residual attention), and one segment's layers are alive at a time, recomputed.
 */
export function activationElementsPerSample(cfg: ModelConfig, channels: number, recompute = 0): { kept: number; dropped: number; boundaries: number } {
  const P = patchCount(cfg.context_length, cfg.patch_len, cfg.stride, patchPadding(cfg));
  const C = channels;
  const d = cfg.d_model;
  const ff = cfg.d_ff;
  const mix = cfg.name === 'patchtst_mix';
  const seqs = mix ? 1 : C; // sequences per sample: one per channel when channels are independent
  const T = seqs * P; // tokens per sample
  const scores = seqs * cfg.n_heads * P * P;
  const drop = (rate: number): number => (rate > 0 ? 1 : 0);

  const input = 3 * cfg.context_length * C + (mix ? 0 : cfg.stride * C); // raw, RevIN-normalised, padded
  const embed = T * cfg.patch_len * (mix ? C : 1) + 2 * T * d; // patches + embedded + positions
  const attention =
    scores * (1 + (cfg.residual_attention ? 1 : 0)) + // softmax (+ raw scores carried to the next layer)
    T * d * 5; // layer input, Q, K, V, context
  const residualNorms = T * d * 3; // each BatchNorm's centred input (its rule's d), the first one's output
  const ffn = 2 * T * ff; // pre-GELU, GELU output after dropout (onnxruntime's Gelu saves nothing)
  const perLayer = attention + residualNorms + ffn;
  const head = T * d + 4 * (mix ? T * d : 0); // flattened; final norm
  // + one layer's gradients alive during backward
  const layers = (recompute > 0 ? Math.min(recompute, cfg.n_layers) : cfg.n_layers) + 1;
  // each segment's input (and carried scores), and the gated copy of the one being recomputed
  const boundary = T * d + (cfg.residual_attention ? scores : 0);
  const boundaries = recompute > 0 ? (Math.ceil(cfg.n_layers / recompute) + 1) * boundary : 0;
  const droppedPerLayer = drop(cfg.dropout) * (2 * T * d + T * ff) + drop(cfg.proj_dropout) * T * d + drop(cfg.attn_dropout) * scores;
  const dropped = layers * droppedPerLayer + drop(cfg.dropout) * T * d + drop(cfg.head_dropout) * T * d;
  return { kept: input + embed + layers * perLayer + boundaries + head, dropped, boundaries };
}

/**
 * Bytes of forward tensors the backward pass keeps at batch `batchSize`: the kept activations at
 * `bytesPerElement` and each dropped element's mask (activationElementsPerSample counts them), with
 * `recompute` encoder layers per recomputed segment (0: off).
 */
export function activationBytes(cfg: ModelConfig, channels: number, batchSize: number, bytesPerElement = 4, recompute = 0): number {
  const { kept, dropped } = activationElementsPerSample(cfg, channels, recompute);
  return batchSize * (kept * bytesPerElement + dropped * DROPOUT_BYTES_PER_ELEMENT);
}

export function estimateMemory(
  cfg: ModelConfig,
  channels: number,
  batchSize: number,
  opts: MemoryOptions = {},
): MemoryEstimate {
  const bytes = opts.bytesPerElement ?? 4;
  const factor = opts.overheadFactor ?? DEFAULT_OVERHEAD_FACTOR;
  const { label, stateNoun, slots } = opts.optimizer ?? adamw;
  const n = countParams(cfg, channels);
  const params = n * bytes;
  const split = (opts.step ?? 'split') === 'split' && (opts.stepsPerRun ?? 1) <= 1;
  const grads = (split ? 1 : 2) * n * bytes; // fused: per-parameter gradients and the concatenated flat vector
  const adamMoments = slots.length * n * bytes;
  const K = opts.stepsPerRun ?? 1;
  const stepCopies = (split ? SPLIT_STEP_COPIES : STEP_COPIES(slots.length) + (K > 1 ? LOOP_COPIES(slots.length) : 0)) * n * bytes;
  const recompute = opts.recompute ?? 0;
  // a K-step Loop's stacked batches (x, y, w of K steps) count with the activations
  const stacked = K > 1 ? K * batchSize * (cfg.context_length * channels + 2) * bytes : 0;
  const activations = activationBytes(cfg, channels, batchSize, bytes, recompute) + stacked;
  // the segment inputs kept by recomputation live through the step as they are: no op-chain overhead
  const boundaries = activationElementsPerSample(cfg, channels, recompute).boundaries * batchSize * bytes;
  const overhead = (activations - stacked - boundaries) * (factor - 1) + RUNTIME_BYTES + (recompute > 0 ? Math.min(RECOMPUTE_ARENA_BYTES, activations) : 0) + (split ? Math.min(UPDATE_CHUNK_BYTES, 10 * n * bytes) : 0);
  const total = params + grads + adamMoments + stepCopies + activations + overhead;
  const fixedPerParam = (params + grads + adamMoments + stepCopies) / n;
  return { params, grads, adamMoments, stepCopies, activations, overhead, total, fixedPerParam, paramCount: n, batchSize, optimizer: { label, stateNoun, slots: [...slots] } };
}

/**
 * The largest batch size whose estimated step fits in `limit` bytes, trying `from` and then halving it
 * (rounding down) to 1; 0 when none fits. `at` estimates one batch size.
 */
export function fittingBatch(at: (batchSize: number) => MemoryEstimate, limit: number, from: number): number {
  for (let b = from; b >= 1; b = Math.floor(b / 2)) if (at(b).total <= limit) return b;
  return 0;
}

/** The largest batch size up to `max` whose estimated step fits in `limit` bytes (the estimate grows with the batch); 0 when none. */
export function largestBatch(at: (batchSize: number) => MemoryEstimate, limit: number, max = 2 ** 16): number {
  let [lo, hi] = [0, max];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (at(mid).total <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
