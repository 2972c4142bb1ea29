import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as o from '../../../engine/autodiff/ops.js';
import { readSafetensors } from '../../../engine/checkpoint/safetensors.js';
import { describeMemory, estimateMemory } from '../../../engine/memory/index.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import type { ClipOptions } from '../../../engine/optim/clip.js';
import { type Optimizer, checkOptimizer } from '../../../engine/optim/optimizer.js';
import { type Trainer, createTrainer } from '../../../engine/runtime/trainer.js';
import { buildTrainStep } from '../../../engine/step/graphs.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';

/** A second optimizer, declared here only: SGD with momentum (torch.optim.SGD, dampening 0), one slot. */
interface SgdOptions extends ClipOptions {
  momentum: number;
}
const sgd: Optimizer<SgdOptions> = {
  label: 'SGD',
  stateNoun: 'momentum',
  checkpointPrefix: 'sgd',
  slots: ['momentum'],
  scalars: ['lr'],
  scalarValues: (_t, lr) => ({ lr }),
  update({ params, grad, state, scalars }, h) {
    const buf = o.add(o.mul(state.momentum, h.momentum), grad);
    return { params: o.sub(params, o.mul(scalars.lr, buf)), state: { momentum: buf } };
  },
};

const dir = mkdtempSync(join(tmpdir(), 'ladder-optim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const B = 32;
const LR = 0.05;
const SGD_OPTIM = { momentum: 0.9, gradClip: null, lr: LR, warmupSteps: 0, totalSteps: 100, schedule: 'constant' as const };
const sgdTrainer = () => createTrainer({ model: tinyMlp(6), batchSize: B, inputShape: [6], optim: SGD_OPTIM, optimizer: sgd, seed: 3 });
const data = separableBatches(8, B, 6, 5);

async function losses(t: Trainer, batches = data): Promise<number[]> {
  const out: number[] = [];
  for (const b of batches) out.push((await t.step(b)).loss);
  return out;
}

describe('optimizer interface', () => {
  it('a declared optimizer shapes the train step: its slots in and out, its scalars in', () => {
    const { graph, layout } = buildTrainStep(tinyMlp(6, 8), { batchSize: 4, inputShape: [6], optim: SGD_OPTIM, optimizer: sgd });
    const inputs = Object.fromEntries(graph.inputs.map((t) => [t.name, t.shape]));
    expect(inputs).toMatchObject({ momentum: [layout.paramCount], decay_mask: [layout.paramCount], lr: [] });
    expect(Object.keys(inputs)).not.toContain('m');
    expect(graph.outputs.map((t) => t.name)).toEqual(['loss', 'grad_norm', 'params_out', 'momentum_out', 'buffers_out']);
  });

  it('SGD with momentum steps through createTrainer: first step buf = g, p ← p − lr·buf', async () => {
    const t = await sgdTrainer();
    const before = await t.state();
    expect(Object.keys(before.slots)).toEqual(['momentum']);
    expect(before.slots.momentum).toEqual(new Float32Array(t.paramCount));
    const r = await t.step(data[0]);
    expect(r.lr).toBe(LR);
    const after = await t.state();
    const buf = after.slots.momentum;
    expect(buf.some((g) => g !== 0)).toBe(true);
    // The step's gradient norm is the norm of the first momentum buffer (buf = g at step 1, no clipping).
    expect(Math.hypot(...buf)).toBeCloseTo(r.gradNorm, 5);
    after.params.forEach((p, i) => expect(p).toBeCloseTo(before.params[i] - Math.fround(LR) * buf[i], 6));
    const rest = await losses(t, separableBatches(40, B, 6, 6));
    expect(rest.slice(-5).reduce((a, b) => a + b, 0) / 5).toBeLessThan(r.loss);
    await t.close();
  });

  it('checkpoints hold the declared slots under the declared prefix, and resume bit-identically', async () => {
    const full = await sgdTrainer();
    const uninterrupted = await losses(full);
    const first = await sgdTrainer();
    const head = await losses(first, data.slice(0, 3));
    const path = join(dir, 'sgd.safetensors');
    await first.saveCheckpoint(path);
    await first.close();
    const names = Object.keys(readSafetensors(path).tensors);
    expect(names.filter((n) => !/^(param|buffer)\//.test(n))).toEqual(['sgd/momentum']);
    const resumed = await sgdTrainer();
    await resumed.loadCheckpoint(path);
    expect([...head, ...(await losses(resumed, data.slice(3)))]).toEqual(uninterrupted);
    const [s1, s2] = [await full.state(), await resumed.state()];
    expect(Buffer.from(s2.slots.momentum.buffer)).toEqual(Buffer.from(s1.slots.momentum.buffer));
    expect(Buffer.from(s2.params.buffer)).toEqual(Buffer.from(s1.params.buffer));
    // An AdamW trainer of the same model finds no state of its own in it, and says which tensor it misses.
    const adam = await createTrainer({ model: tinyMlp(6), batchSize: B, inputShape: [6], optim: OPTIM, seed: 3 });
    await expect(adam.loadCheckpoint(path)).rejects.toThrow(/checkpoint has no adam\/m/);
    await Promise.all([full.close(), resumed.close(), adam.close()]);
  });

  it("AdamW's checkpoint tensors keep their names: adam/m and adam/v, one value per parameter", async () => {
    const t = await createTrainer({ model: tinyMlp(6), batchSize: B, inputShape: [6], optim: OPTIM, seed: 3 });
    await t.step(data[0]);
    const path = join(dir, 'adamw.safetensors');
    await t.saveCheckpoint(path);
    const { tensors } = readSafetensors(path);
    const state = Object.entries(tensors).filter(([n]) => !/^(param|buffer)\//.test(n));
    expect(state.map(([n, x]) => [n, x.shape])).toEqual([['adam/m', [t.paramCount]], ['adam/v', [t.paramCount]]]);
    await t.close();
  });

  it('refuses slot or scalar names the train step uses itself, or twice', () => {
    expect(() => checkOptimizer({ ...sgd, slots: ['params'] })).toThrow(/SGD: the name 'params' is taken/);
    expect(() => checkOptimizer({ ...sgd, scalars: ['lr', 'lr'] })).toThrow(/the name 'lr' is taken/);
    expect(() => checkOptimizer({ ...sgd, slots: ['Momentum'] })).toThrow(/'Momentum' is not a snake_case name/);
  });

  it('the memory estimate sizes optimizer state from the declared slots', () => {
    const cfg: ModelConfig = {
      name: 'patchtst', context_length: 60, patch_len: 16, stride: 8, d_model: 32, n_heads: 2, n_layers: 2, d_ff: 64,
      dropout: 0.1, proj_dropout: 0, attn_dropout: 0, head_dropout: 0, norm: 'batch', residual_attention: false, revin: true, revin_affine: true,
    };
    const [a, s] = [estimateMemory(cfg, 7, 16), estimateMemory(cfg, 7, 16, { optimizer: sgd })];
    expect(s.adamMoments).toBe(a.adamMoments / 2);
    // the split step (node) updates in place chunk by chunk: one slot fewer is 4 B/param, no copy of it
    expect(a.stepCopies).toBe(s.stepCopies);
    expect(a.total - s.total).toBe(4 * a.paramCount);
    // the fused step also drops the copy onnxruntime-node returns of the slot
    const [af, sf] = [estimateMemory(cfg, 7, 16, { step: 'fused' }), estimateMemory(cfg, 7, 16, { optimizer: sgd, step: 'fused' })];
    expect(af.stepCopies - sf.stepCopies).toBe(4 * a.paramCount);
    expect(af.total - sf.total).toBe(2 * 4 * a.paramCount);
    expect(describeMemory(s)[2]).toMatch(/^SGD momentum {3}[\d.]+ KiB$/);
    expect(describeMemory(s, 'inline')[2]).toMatch(/^SGD momentum [\d.]+ KiB$/);
    expect(describeMemory(a, 'inline').map((l) => l.replace(/ [\d.]+ \w?i?B$/, ''))).toEqual(['weights', 'gradients', 'AdamW moments', 'step copies', 'activations', 'overhead']);
  });
});
