import { modelSchema, type ModelConfig } from '../../schemas/model.js';

/** Model options as composed from conf/model/*.yaml: the type is derived from schemas/model. */
export type { ModelConfig };

export const MODEL_NAMES: readonly ModelConfig['name'][] = modelSchema.properties.name.enum;

/** Positional-table rows beyond the patch count in the study's mix variant (its published counts need them). */
export const MIX_EXTRA_POS_ROWS = 10;

/**
 * Replicated steps padded to the end of the context before patching: `patchtst` pads by `stride` (the paper's
 * padding_patch='end', one more patch), `patchtst_mix` does not pad. The patch count is then
 * patchCount(context_length, patch_len, stride, patchPadding(cfg)) (engine/nn/layers.ts).
 */
export function patchPadding(cfg: Pick<ModelConfig, 'name' | 'stride'>): number {
  return cfg.name === 'patchtst' ? cfg.stride : 0;
}

/** The largest divisor of `n` that is at most `limit` (1 at least). */
function largestDivisor(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** Throws one clear line naming the bad field, its values and the fix when the shape cannot form a model. */
export function checkModelConfig(cfg: ModelConfig, channels: number): void {
  const fail = (field: string, why: string): never => {
    throw new Error(`model.${field}: ${why}`);
  };
  if (!MODEL_NAMES.includes(cfg.name)) fail('name', `unknown model '${cfg.name}'; use one of ${MODEL_NAMES.join(', ')}`);
  for (const k of ['context_length', 'patch_len', 'stride', 'd_model', 'n_heads', 'n_layers', 'd_ff'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) fail(k, `must be a positive integer, got ${cfg[k]}`);
  }
  if (cfg.patch_len > cfg.context_length) {
    fail('patch_len', `${cfg.patch_len} exceeds context_length ${cfg.context_length}. Fix: model.patch_len=${cfg.context_length} or less, or model.context_length=${cfg.patch_len} or more`);
  }
  if (cfg.d_model % cfg.n_heads !== 0) {
    const heads = largestDivisor(cfg.d_model, cfg.n_heads);
    const width = Math.ceil(cfg.d_model / cfg.n_heads) * cfg.n_heads;
    fail('n_heads', `d_model ${cfg.d_model} is not divisible by n_heads ${cfg.n_heads}. Fix: model.n_heads=${heads} (divides ${cfg.d_model}) or model.d_model=${width} (a multiple of ${cfg.n_heads})`);
  }
  for (const k of ['dropout', 'proj_dropout', 'attn_dropout', 'head_dropout'] as const) {
    if (!(cfg[k] >= 0 && cfg[k] < 1)) fail(k, `must be in [0, 1), got ${cfg[k]}`);
  }
  if (cfg.norm !== 'batch' && cfg.norm !== 'layer') fail('norm', `must be 'batch' or 'layer', got '${cfg.norm}'`);
  if (!Number.isInteger(channels) || channels < 1) throw new Error(`channels must be a positive integer, got ${channels}`);
}
