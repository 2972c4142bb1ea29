import { describe, expect, it } from 'vitest';
import { countParams } from '../../../engine/models/index.js';
import { buildModel } from '../../../engine/models/index.js';
import { layoutOf } from '../../../engine/step/graphs.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import { TINY, checkModelGradient } from './helpers.js';

const variants: [string, ModelConfig][] = [
  ['patchtst batch-norm residual-attention', TINY.patchtst],
  ['patchtst layer-norm, no RevIN affine', { ...TINY.patchtst, norm: 'layer', residual_attention: false, revin_affine: false }],
  ['patchtst without RevIN', { ...TINY.patchtst, revin: false }],
  ['patchtst_mix', TINY.patchtst_mix],
  ['patchtst_mix batch-norm, overlapping patches', { ...TINY.patchtst_mix, norm: 'batch', stride: 2 }],
];

describe('PatchTST models', () => {
  it.each(variants)('%s: formula count equals the built graph', (_, cfg) => {
    const layout = layoutOf(buildModel(cfg, 3), { batchSize: 2, inputShape: [cfg.context_length, 3] });
    expect(layout.paramCount).toBe(countParams(cfg, 3));
  });

  it('formula equals the built graph at the study shape (mix d192/h6/L4, C=20)', () => {
    const cfg: ModelConfig = { ...TINY.patchtst_mix, context_length: 60, patch_len: 10, stride: 10, d_model: 192, n_heads: 6, n_layers: 4, d_ff: 768, revin_affine: false };
    expect(layoutOf(buildModel(cfg, 20), { batchSize: 1, inputShape: [60, 20] }).paramCount).toBe(1_822_657);
  });

  it.each(variants)('%s: gradients match finite differences (float64, dropout on)', async (_, cfg) => {
    const r = await checkModelGradient(cfg, 3);
    expect(r.gradNorm).toBeGreaterThan(0);
    expect(r.checked).toBeGreaterThanOrEqual(r.paramTensors);
    expect(r.maxRelErr).toBeLessThan(1e-5);
  });

  it('rejects an input that does not match the config with the expected shape', () => {
    expect(() => layoutOf(buildModel(TINY.patchtst, 3), { batchSize: 2, inputShape: [12, 4] })).toThrow('patchtst expects input [B, 12, 3], got [2,12,4]');
  });
});
