import { type ModelConfig, patchCount } from '../models/config.js';
import { countParams } from '../params/count.js';

/**
 * Honest peak-memory estimate of one training step, in bytes, for a preflight check.
 *
 * Parameter-sized state: the flat parameter vector, its gradient and the two AdamW moments (16 B/param in fp32),
 * plus what one step holds besides: the step's outputs (new params, m, v) exist next to its inputs until the
 * caller drops the old ones, the graph slices each parameter out of the flat vector, and the per-parameter
 * gradients exist before they are concatenated into the flat one.
 * Activations: the forward tensors kept for the backward pass, per layer, plus one layer's worth of gradient
 * tensors alive during backward; then an overhead factor for the runtime's allocator and transposed copies.
 */
export interface MemoryEstimate {
  params: number;
  grads: number;
  adamMoments: number;
  stepCopies: number;
  activations: number;
  overhead: number;
  total: number;
  paramCount: number;
  batchSize: number;
}

export interface MemoryOptions {
  bytesPerElement?: number;
  /** Multiplier on activations for allocator rounding and layout copies (measured ~1.3 on the node backend). */
  overheadFactor?: number;
}

export const DEFAULT_OVERHEAD_FACTOR = 1.3;

/** Forward activation elements per sample that the backward pass keeps. */
export function activationElementsPerSample(cfg: ModelConfig, channels: number): number {
  const P = patchCount(cfg);
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
    scores * (1 + (cfg.residual_attention ? 1 : 0) + 2 * drop(cfg.attn_dropout)) + // softmax (+ raw scores, + mask)
    T * d * 6; // layer input, Q, K, V, context, O output
  const residualNorms = T * d * 4; // two residual sums and two normalised outputs
  const ffn = 2 * T * ff + T * d; // pre-GELU, GELU output, FFN output
  const dropoutMasks = drop(cfg.dropout) * (2 * T * d + T * ff);
  const perLayer = attention + residualNorms + ffn + dropoutMasks;
  const head = (1 + drop(cfg.head_dropout)) * T * d + 4 * (mix ? T * d : 0); // flattened (+mask); final norm
  return input + embed + cfg.n_layers * perLayer + perLayer /* backward's live gradients */ + head;
}

export function estimateMemory(
  cfg: ModelConfig,
  channels: number,
  batchSize: number,
  opts: MemoryOptions = {},
): MemoryEstimate {
  const bytes = opts.bytesPerElement ?? 4;
  const factor = opts.overheadFactor ?? DEFAULT_OVERHEAD_FACTOR;
  const n = countParams(cfg, channels);
  const params = n * bytes;
  const grads = 2 * n * bytes; // per-parameter gradients and the concatenated flat vector
  const adamMoments = 2 * n * bytes;
  const stepCopies = 4 * n * bytes; // sliced parameter views + the step's new params, m and v
  const activations = activationElementsPerSample(cfg, channels) * batchSize * bytes;
  const overhead = activations * (factor - 1);
  const total = params + grads + adamMoments + stepCopies + activations + overhead;
  return { params, grads, adamMoments, stepCopies, activations, overhead, total, paramCount: n, batchSize };
}

export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Lines a preflight check can print. */
export function describeMemory(e: MemoryEstimate): string[] {
  return [
    `parameters     ${e.paramCount.toLocaleString('en-US')} (${formatBytes(e.params)})`,
    `gradients      ${formatBytes(e.grads)}`,
    `AdamW m, v     ${formatBytes(e.adamMoments)}`,
    `step copies    ${formatBytes(e.stepCopies)}`,
    `activations    ${formatBytes(e.activations)} at batch ${e.batchSize}`,
    `overhead       ${formatBytes(e.overhead)}`,
    `total          ${formatBytes(e.total)}`,
  ];
}
