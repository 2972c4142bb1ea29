import { describe, expect, it } from 'vitest';
import { DEFAULT_OVERHEAD_FACTOR, DROPOUT_BYTES_PER_ELEMENT, LOOP_COPIES, RUNTIME_BYTES, activationBytes, describeMemory, estimateMemory, fittingBatch, largestBatch, stepKind, UPDATE_CHUNK_BYTES } from '../../../engine/memory/index.js';
import type { ModelConfig } from '../../../engine/models/config.js';

const patchtst = (d: number, L: number, h: number): ModelConfig => ({
  name: 'patchtst', context_length: 60, patch_len: 16, stride: 8, d_model: d, n_heads: h, n_layers: L, d_ff: 4 * d,
  dropout: 0.1, proj_dropout: 0, attn_dropout: 0, head_dropout: 0, norm: 'batch', residual_attention: false, revin: true, revin_affine: true,
});

describe('memory estimate', () => {
  it('puts a 2B-parameter model above 32 GB for params, grads and Adam moments alone', () => {
    const e = estimateMemory(patchtst(1024, 128, 2), 25, 256);
    expect(e.paramCount).toBeGreaterThan(1.5e9);
    expect(e.params + e.adamMoments).toBe(12 * e.paramCount);
    // fp32 params + flat grads + m + v = 16 B/param, i.e. 32 GB at 2B params
    expect(e.params + e.grads + e.adamMoments).toBe(16 * e.paramCount);
    expect(estimateMemory(patchtst(1024, 160, 2), 25, 256).total).toBeGreaterThan(32e9);
  });

  it('grows activations linearly with batch size and leaves parameter state unchanged', () => {
    const a = estimateMemory(patchtst(64, 32, 2), 25, 128);
    const b = estimateMemory(patchtst(64, 32, 2), 25, 256);
    expect(b.activations).toBeCloseTo(2 * a.activations, 0);
    expect(b.params + b.grads + b.adamMoments).toBe(a.params + a.grads + a.adamMoments);
    expect(b.total).toBeGreaterThan(a.total);
  });

  it('counts the attention maps [B·C, heads, P, P], so more heads cost more activation memory', () => {
    const two = estimateMemory(patchtst(64, 4, 2), 25, 64);
    const sixteen = estimateMemory(patchtst(64, 4, 16), 25, 64);
    const P = 7; // floor((60 - 16) / 8) + 2 with end padding
    // one softmax map per layer (+ one layer's live gradients): (4 + 1) layers x B·C x (16 - 2) heads x P²
    expect(sixteen.activations - two.activations).toBe(5 * 64 * 25 * 14 * P * P * 4);
  });

  it("counts the paper's second attention-output dropout and the scores residual attention carries", () => {
    const base = estimateMemory(patchtst(64, 4, 2), 25, 64);
    const P = 7;
    // proj_dropout: one more dropped [B·C·P, d] tensor per layer (+ one layer's live gradients)
    const proj = estimateMemory({ ...patchtst(64, 4, 2), proj_dropout: 0.1 }, 25, 64);
    expect(proj.activations - base.activations).toBe(5 * 64 * 25 * P * 64 * DROPOUT_BYTES_PER_ELEMENT);
    // residual attention keeps each layer's raw scores [B·C, heads, P, P] for the next layer
    const res = estimateMemory({ ...patchtst(64, 4, 2), residual_attention: true }, 25, 64);
    expect(res.activations - base.activations).toBe(5 * 64 * 25 * 2 * P * P * 4);
  });

  it('prints a breakdown a preflight check can show', () => {
    const lines = describeMemory(estimateMemory(patchtst(64, 32, 2), 25, 256));
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['parameters', 'gradients', 'AdamW', 'step', 'activations', 'overhead', 'total']);
    expect(lines.at(-1)).toMatch(/total\s+[\d.]+ (MiB|GiB)/);
  });

  it('finds the largest batch that fits by halving from a start, or 0', () => {
    const at = (b: number) => estimateMemory(patchtst(64, 4, 2), 25, b);
    expect(fittingBatch(at, at(64).total, 256)).toBe(64);
    expect(fittingBatch(at, at(64).total - 1, 256)).toBe(32);
    expect(fittingBatch(at, at(50).total, 100)).toBe(50);
    expect(fittingBatch(at, at(1).total - 1, 256)).toBe(0);
  });

  it('with recomputation keeps one segment of layers and the segment inputs: far less activation memory, same fixed cost', () => {
    const cfg = patchtst(64, 32, 2);
    const off = estimateMemory(cfg, 25, 64);
    const every = estimateMemory(cfg, 25, 64, { recompute: 1 });
    const every4 = estimateMemory(cfg, 25, 64, { recompute: 4 });
    const whole = estimateMemory(cfg, 25, 64, { recompute: 32 });
    expect(every.params + every.grads + every.adamMoments + every.stepCopies).toBe(off.params + off.grads + off.adamMoments + off.stepCopies);
    expect(every.activations).toBeLessThan(off.activations / 8);
    expect(every.total).toBeLessThan(off.total / 3); // measured at 2m h3 batch 64: 621 against 2,257 MB
    // more layers per segment: fewer kept inputs, but more layers alive at once
    expect(every4.activations).toBeGreaterThan(every.activations);
    expect(whole.activations).toBeGreaterThan(every4.activations);
    expect(whole.activations / off.activations).toBeCloseTo(1, 1); // one segment of every layer saves nothing
    expect(estimateMemory(cfg, 25, 128, { recompute: 1 }).activations).toBeCloseTo(2 * every.activations, 0);
  });

  it('breaks the fixed cost down per parameter: split step (node) weights 4, gradients 4, AdamW moments 8, step copies 4 B', () => {
    const e = estimateMemory(patchtst(64, 32, 2), 25, 64);
    const n = e.paramCount;
    expect([e.params, e.grads, e.adamMoments, e.stepCopies].map((b) => b / n)).toEqual([4, 4, 8, 4]);
    expect(e.fixedPerParam).toBe(20);
    expect(describeMemory(e)[3]).toMatch(/^step copies +[\d.]+ MiB \(fixed cost with the above: 20 B\/param\)$/);
    expect(estimateMemory(patchtst(64, 32, 2), 25, 64, { step: 'split' })).toEqual(e);
  });

  it('breaks the fused step (web, webgpu, cuda) down as weights 4, gradients 8, AdamW moments 8, step copies 36 B', () => {
    const e = estimateMemory(patchtst(64, 32, 2), 25, 64, { step: 'fused' });
    const n = e.paramCount;
    expect([e.params, e.grads, e.adamMoments, e.stepCopies].map((b) => b / n)).toEqual([4, 8, 8, 36]);
    expect(e.fixedPerParam).toBe(56);
    expect(describeMemory(e)[3]).toMatch(/^step copies +[\d.]+ MiB \(fixed cost with the above: 56 B\/param\)$/);
  });

  it('names the step each backend runs: split on node unless trainer.memory turns it or in-place writes off, fused elsewhere', () => {
    expect(stepKind('node')).toBe('split');
    expect(['web', 'webgpu', 'cuda'].map((b) => stepKind(b))).toEqual(['fused', 'fused', 'fused']);
    expect(stepKind('node', { split: false })).toBe('fused');
    expect(stepKind('node', { inPlace: false })).toBe('fused');
    expect(stepKind('node', {}, 4)).toBe('fused');
  });

  it('a K-step Loop (steps_per_run) adds its copies of the carried state and the K stacked batches; K = 1 adds nothing', () => {
    const cfg = patchtst(64, 32, 2);
    const [one, eight] = [estimateMemory(cfg, 25, 64, { step: 'fused', stepsPerRun: 1 }), estimateMemory(cfg, 25, 64, { step: 'fused', stepsPerRun: 8 })];
    expect(one).toEqual(estimateMemory(cfg, 25, 64, { step: 'fused' }));
    // the Loop wraps the fused step, whichever step the backend runs alone
    expect(estimateMemory(cfg, 25, 64, { stepsPerRun: 8 })).toEqual(eight);
    expect(LOOP_COPIES(2)).toBe(6);
    expect(eight.stepCopies - one.stepCopies).toBe(6 * 4 * one.paramCount);
    expect(eight.fixedPerParam).toBe(one.fixedPerParam + 24);
    expect(eight.activations - one.activations).toBe(8 * 64 * (60 * 25 + 2) * 4);
    expect(eight.overhead).toBe(one.overhead);
  });

  it('adds up: activations from activationBytes, overhead a factor on them plus the runtime, total the sum of the parts', () => {
    const cfg = patchtst(64, 8, 2);
    const e = estimateMemory(cfg, 25, 64);
    expect(e.activations).toBe(activationBytes(cfg, 25, 64));
    expect(activationBytes(cfg, 25, 64)).toBe(64 * activationBytes(cfg, 25, 1));
    expect(e.overhead).toBeCloseTo(e.activations * (DEFAULT_OVERHEAD_FACTOR - 1) + RUNTIME_BYTES + Math.min(UPDATE_CHUNK_BYTES, 10 * 4 * e.paramCount), 3);
    expect(e.total).toBe(e.params + e.grads + e.adamMoments + e.stepCopies + e.activations + e.overhead);
  });

  it('names the largest batch that fits exactly, or 0', () => {
    const at = (b: number) => estimateMemory(patchtst(64, 4, 2), 25, b);
    expect(largestBatch(at, at(100).total)).toBe(100);
    expect(largestBatch(at, at(100).total - 1)).toBe(99);
    expect(largestBatch(at, at(1).total - 1)).toBe(0);
    expect(largestBatch(at, Infinity, 512)).toBe(512);
  });
});
