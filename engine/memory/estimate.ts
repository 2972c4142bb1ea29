import { type ModelConfig, patchPadding } from '../models/config.js';
import { countParams } from '../models/count.js';
import { patchCount } from '../nn/layers.js';
import { adamw } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';

/**
 * Honest peak-memory estimate of one training step, in bytes, for a preflight check.
 *
 * Parameter-sized state: the flat parameter vector, its gradient and the optimizer's slots (AdamW's two
 * moments: 16 B/param in fp32), plus what one step holds besides: the step's outputs (new params and slots)
 * exist next to its inputs until the caller drops the old ones, the graph slices each parameter out of the
 * flat vector, and the per-parameter gradients exist before they are concatenated into the flat one.
 * Activations: the forward tensors kept for the backward pass, per layer, plus one layer's worth of gradient
 * tensors alive during backward, plus the dropout cost per dropped element. Overhead: a factor on
 * activations for what the runtime holds besides (inputs saved by every elementwise op of the norm, GELU and
 * softmax chains, transposed copies, allocator rounding) and the runtime's own footprint.
 * The constants are fitted to peak RSS measured with onnxruntime-node on 2m/20m PatchTST shapes
 * (8 layers, batch 4-16), where the estimate came out 0-30% above the measurement.
 * With activation recomputation (`recompute` = N layers per segment) the activations are one segment's
 * (N layers and one layer's gradients) plus every segment's input, which gets no overhead factor; on 2m h3
 * (32 layers) at batch 64 it estimates 758 MiB against 713 MiB measured.
 */
export interface MemoryEstimate {
  params: number;
  grads: number;
  /** The optimizer's slots (the name dates from when AdamW was the only optimizer). */
  adamMoments: number;
  stepCopies: number;
  activations: number;
  overhead: number;
  total: number;
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
}

/** Measured peak memory over the counted kept activations, dropout aside (2.5x at d64, 3.1x at d256). */
export const DEFAULT_OVERHEAD_FACTOR = 3;
/** Measured peak memory per dropped element: the sliced mask and the saved input (10 B on 2m and 20m shapes). */
export const DROPOUT_BYTES_PER_ELEMENT = 12;
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
    T * d * 6; // layer input, Q, K, V, context, O output
  const residualNorms = T * d * 4; // two residual sums and two normalised outputs
  const ffn = 2 * T * ff + T * d; // pre-GELU, GELU output, FFN output
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
  const grads = 2 * n * bytes; // per-parameter gradients and the concatenated flat vector
  const adamMoments = slots.length * n * bytes;
  const stepCopies = (2 + slots.length) * n * bytes; // sliced parameter views + the step's new params and slots
  const { kept, dropped, boundaries } = activationElementsPerSample(cfg, channels, opts.recompute ?? 0);
  const keptBytes = kept * batchSize * bytes;
  const activations = keptBytes + dropped * batchSize * DROPOUT_BYTES_PER_ELEMENT;
  // the segment inputs kept by recomputation are plain stored tensors: no op-chain overhead on them
  const overhead = (keptBytes - boundaries * batchSize * bytes) * (factor - 1) + RUNTIME_BYTES;
  const total = params + grads + adamMoments + stepCopies + activations + overhead;
  return { params, grads, adamMoments, stepCopies, activations, overhead, total, paramCount: n, batchSize, optimizer: { label, stateNoun, slots: [...slots] } };
}

/**
 * The largest batch size whose estimated step fits in `limit` bytes, trying `from` and then halving it
 * (rounding down) to 1; 0 when none fits. `at` estimates one batch size.
 */
export function fittingBatch(at: (batchSize: number) => MemoryEstimate, limit: number, from: number): number {
  for (let b = from; b >= 1; b = Math.floor(b / 2)) if (at(b).total <= limit) return b;
  return 0;
}
