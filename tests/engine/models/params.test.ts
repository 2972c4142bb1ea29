import { describe, expect, it } from 'vitest';
import { countParams, paramBreakdown } from '../../../engine/models/index.js';
import { patchPadding, type ModelConfig } from '../../../engine/models/config.js';
import { patchCount } from '../../../engine/nn/layers.js';

const patchesOf = (cfg: ModelConfig) => patchCount(cfg.context_length, cfg.patch_len, cfg.stride, patchPadding(cfg));

const mix = (d: number, h: number, L: number, ff: number): ModelConfig => ({
  name: 'patchtst_mix', context_length: 60, patch_len: 10, stride: 10, d_model: d, n_heads: h, n_layers: L, d_ff: ff,
  dropout: 0, proj_dropout: 0, attn_dropout: 0, head_dropout: 0, norm: 'layer', residual_attention: false, revin: false, revin_affine: false,
});

describe('parameter counting by formula', () => {
  it("reproduces the study's published patchtst_mix counts (C=20, context 60, patch 10, stride 10)", () => {
    expect(countParams(mix(192, 6, 4, 768), 20)).toBe(1_822_657);
    expect(countParams(mix(512, 8, 6, 2048), 20)).toBe(19_029_505);
    expect(countParams(mix(1024, 16, 16, 4096), 20)).toBe(201_769_985);
  });

  it('counts the mix model with 6 unpadded patches and P+10 positional rows', () => {
    const cfg = mix(192, 6, 4, 768);
    expect(patchesOf(cfg)).toBe(6);
    expect(paramBreakdown(cfg, 20).position).toBe(16 * 192);
    // RevIN's affine weights are 2 per channel and come on top of the study's count
    expect(countParams({ ...cfg, revin: true, revin_affine: true }, 20)).toBe(1_822_657 + 40);
    expect(countParams({ ...cfg, revin: true }, 20)).toBe(1_822_657);
    expect(countParams({ ...cfg, revin: false, revin_affine: true }, 20)).toBe(1_822_657);
  });

  it("counts the paper's patchtst with end padding, channel-shared embedding and a flatten head over all channels", () => {
    const cfg: ModelConfig = {
      ...mix(64, 2, 32, 256), name: 'patchtst', patch_len: 16, stride: 8, norm: 'batch', revin: true, revin_affine: true,
    };
    const P = Math.floor((60 - 16) / 8) + 2;
    expect(patchesOf(cfg)).toBe(P);
    const layer = 4 * (64 * 64 + 64) + 4 * 64 + (64 * 256 + 256) + (256 * 64 + 64);
    const expected = 2 * 25 + (16 * 64 + 64) + P * 64 + 32 * layer + (25 * 64 * P + 1);
    expect(countParams(cfg, 25)).toBe(expected);
    // norm choice and residual attention change no parameter count
    expect(countParams({ ...cfg, norm: 'layer', residual_attention: true }, 25)).toBe(expected);
  });

  it('rejects shapes that cannot form a model with a line naming the field', () => {
    expect(() => countParams({ ...mix(192, 5, 4, 768) }, 20)).toThrow(/model\.n_heads: d_model 192 is not divisible by n_heads 5/);
    expect(() => countParams({ ...mix(192, 6, 4, 768), patch_len: 61 }, 20)).toThrow(/model\.patch_len/);
    expect(() => countParams({ ...mix(192, 6, 4, 768), proj_dropout: 1 }, 20)).toThrow('model.proj_dropout: must be in [0, 1), got 1');
  });
});
