// The split train step (engine/runtime/split-step.ts) against the fused one-graph step: the node backend's
// default must train bitwise as the fused step does (the path of the web and GPU backends), at any chunking
// of the optimizer update.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainState } from '../../../engine/checkpoint/state.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import { buildModel } from '../../../engine/models/index.js';
import { type TrainerOptions, createTrainer } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches } from '../fixtures.js';
import { TINY } from '../models/helpers.js';

const C = 3;
const B = 8;

async function train(cfg: ModelConfig, over: Partial<TrainerOptions> = {}): Promise<{ steps: [number, number][]; state: TrainState; probs: Float32Array }> {
  const L = cfg.context_length;
  const data = separableBatches(5, B, L * C, 9);
  const t = await createTrainer({ model: buildModel(cfg, C), batchSize: B, inputShape: [L, C], optim: { ...OPTIM, gradClip: 0.5 }, seed: 4, threads: 1, ...over });
  try {
    const steps: [number, number][] = [];
    for (const b of data) {
      const r = await t.step(b);
      steps.push([r.loss, r.gradNorm]);
    }
    return { steps, state: await t.state(), probs: (await t.evaluate(data.slice(0, 2))).probs };
  } finally {
    await t.close();
  }
}
const bytes = (s: TrainState) => [s.params, s.buffers, ...Object.values(s.slots)].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));

describe('the split train step', () => {
  it.each(['patchtst', 'patchtst_mix'] as const)('%s, dropout on, fp32: bitwise the fused step\'s losses, grad norms, weights, moments and statistics, at any update chunk', async (name) => {
    const cfg = TINY[name];
    const fused = await train(cfg, { memory: { split: false } });
    expect(fused.steps.some(([, n]) => n > 0.5)).toBe(true); // the clip is exercised
    for (const memory of [{}, { updateChunk: 37 }, { updateChunk: 1 }]) {
      const split = await train(cfg, { memory });
      expect(split.steps).toEqual(fused.steps);
      expect(bytes(split.state)).toEqual(bytes(fused.state));
      expect(Buffer.from(split.probs.buffer)).toEqual(Buffer.from(fused.probs.buffer));
    }
  });

  it('with activation recomputation too', async () => {
    const [fused, split] = [await train(TINY.patchtst, { recompute: 1, memory: { split: false } }), await train(TINY.patchtst, { recompute: 1 })];
    expect(split.steps).toEqual(fused.steps);
    expect(bytes(split.state)).toEqual(bytes(fused.state));
  });

  it('is the node default and stays off where outputs are not written in place; the web backend keeps the fused step', async () => {
    const kinds = async (over: Partial<TrainerOptions>) => {
      const dir = mkdtempSync(join(tmpdir(), 'ladder-split-'));
      await train(TINY.patchtst, { ...over, cache: { dir } });
      const [entry] = readdirSync(join(dir, 'steps'));
      return 'update' in JSON.parse(readFileSync(join(dir, 'steps', entry), 'utf8'));
    };
    expect(await kinds({})).toBe(true);
    expect(await kinds({ memory: { split: false } })).toBe(false);
    expect(await kinds({ memory: { inPlace: false } })).toBe(false);
    expect(await kinds({ backend: 'web' })).toBe(false);
  });

  it('resumes from a checkpoint bitwise as an uninterrupted run', async () => {
    const cfg = TINY.patchtst;
    const L = cfg.context_length;
    const data = separableBatches(4, B, L * C, 2);
    const opts: TrainerOptions = { model: buildModel(cfg, C), batchSize: B, inputShape: [L, C], optim: OPTIM, seed: 4, threads: 1 };
    const full = await createTrainer(opts);
    for (const b of data) await full.step(b);
    const want = bytes(await full.state());
    const first = await createTrainer(opts);
    for (const b of data.slice(0, 2)) await first.step(b);
    const file = join(mkdtempSync(join(tmpdir(), 'ladder-split-')), 'ckpt.safetensors');
    await first.saveCheckpoint(file);
    const resumed = await createTrainer(opts);
    await resumed.loadCheckpoint(file);
    for (const b of data.slice(2)) await resumed.step(b);
    expect(bytes(await resumed.state())).toEqual(want);
    await Promise.all([full, first, resumed].map((t) => t.close()));
  });
});
