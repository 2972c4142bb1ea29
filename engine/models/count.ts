import { patchCount } from '../nn/layers.js';
import { type ModelConfig, MIX_EXTRA_POS_ROWS, checkModelConfig, patchPadding } from './config.js';

/** Parameter count per block, in the order the model builders create them. */
export interface ParamBreakdown {
  revin: number;
  embedding: number;
  position: number;
  encoder: number;
  finalNorm: number;
  head: number;
  total: number;
}

const linear = (inF: number, outF: number): number => inF * outF + outF;

/** One encoder layer: Q/K/V/O linears with bias, two norms (BatchNorm and LayerNorm both learn 2·d), GELU FFN. */
function encoderLayer(d: number, ff: number): number {
  return 4 * linear(d, d) + 2 * (2 * d) + linear(d, ff) + linear(ff, d);
}

/** Exact learnable-parameter count by formula, without building a graph. BatchNorm running stats are buffers. */
export function paramBreakdown(cfg: ModelConfig, channels: number): ParamBreakdown {
  checkModelConfig(cfg, channels);
  const C = channels;
  const d = cfg.d_model;
  const P = patchCount(cfg.context_length, cfg.patch_len, cfg.stride, patchPadding(cfg));
  const mix = cfg.name === 'patchtst_mix';
  const parts = {
    revin: cfg.revin && cfg.revin_affine ? 2 * C : 0,
    embedding: linear(cfg.patch_len * (mix ? C : 1), d),
    position: (mix ? P + MIX_EXTRA_POS_ROWS : P) * d,
    encoder: cfg.n_layers * encoderLayer(d, cfg.d_ff),
    finalNorm: mix ? 2 * d : 0,
    head: linear((mix ? 1 : C) * d * P, 1),
  };
  const total = parts.revin + parts.embedding + parts.position + parts.encoder + parts.finalNorm + parts.head;
  return { ...parts, total };
}

export function countParams(cfg: ModelConfig, channels: number): number {
  return paramBreakdown(cfg, channels).total;
}
