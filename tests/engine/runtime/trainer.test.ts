import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainState } from '../../../engine/checkpoint/state.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { type Trainer, type TrainerOptions, createTrainer } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const B = 32;
const SHAPE = [3, 2];
const opts = (over: Partial<TrainerOptions> = {}): TrainerOptions => ({
  model: tinyMlp(6), batchSize: B, inputShape: SHAPE, optim: OPTIM, seed: 11, ...over, // default threads = cores
});
const data = separableBatches(12, B, 6, 3);

async function losses(t: Trainer, batches = data): Promise<number[]> {
  const out: number[] = [];
  for (const b of batches) out.push((await t.step(b)).loss);
  return out;
}

describe('trainer (worker thread, node backend)', () => {
  it('same seed → bitwise-identical loss sequence; another seed differs', async () => {
    const [a, b, c] = await Promise.all([createTrainer(opts()), createTrainer(opts()), createTrainer(opts({ seed: 12 }))]);
    const [la, lb, lc] = [await losses(a), await losses(b), await losses(c)];
    expect(la).toEqual(lb);
    expect(lc).not.toEqual(la);
    expect(Buffer.from((await a.state()).params.buffer)).toEqual(Buffer.from((await b.state()).params.buffer));
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('resume from a checkpoint after k steps continues bit-identically', async () => {
    const full = await createTrainer(opts());
    const uninterrupted = await losses(full);
    const first = await createTrainer(opts());
    const head = await losses(first, data.slice(0, 5));
    const path = join(dir, 'step5.safetensors');
    await first.saveCheckpoint(path, { epoch: 0 });
    await first.close();
    const resumed = await createTrainer(opts());
    const meta = await resumed.loadCheckpoint(path);
    expect(meta).toMatchObject({ step: '5', epoch: '0', seed: '11' });
    expect(resumed.stepCount).toBe(5);
    const tail = await losses(resumed, data.slice(5));
    expect([...head, ...tail]).toEqual(uninterrupted);
    const flat = (s: TrainState) => ({ params: s.params, m: s.slots.m, v: s.slots.v, buffers: s.buffers });
    const [s1, s2] = [flat(await full.state()), flat(await resumed.state())];
    for (const k of ['params', 'm', 'v', 'buffers'] as const) expect(Buffer.from(s2[k].buffer)).toEqual(Buffer.from(s1[k].buffer));
    await Promise.all([full.close(), resumed.close()]);
  });

  it('refuses a checkpoint from another model or seed, and a non-checkpoint file', async () => {
    const t = await createTrainer(opts());
    await losses(t, data.slice(0, 1));
    const path = join(dir, 'a.safetensors');
    await t.saveCheckpoint(path);
    const other = await createTrainer(opts({ model: tinyMlp(6, 8) }));
    await expect(other.loadCheckpoint(path)).rejects.toThrow(/param\/fc1\/weight has 96 values, the model expects 48/);
    const otherSeed = await createTrainer(opts({ seed: 5 }));
    await expect(otherSeed.loadCheckpoint(path)).rejects.toThrow(/seed 11.*resume it with seed=11/);
    writeFileSync(join(dir, 'junk'), 'not a checkpoint at all');
    await expect(t.loadCheckpoint(join(dir, 'junk'))).rejects.toThrow(/not a safetensors file/);
    await Promise.all([t.close(), other.close(), otherSeed.close()]);
  });

  it('learns a separable task: train BCE far below ln 2 and eval accuracy high', async () => {
    const t = await createTrainer(opts({ optim: { ...OPTIM, totalSteps: 150 } }));
    const train = separableBatches(150, B, 6, 21);
    const l = await losses(t, train);
    const tail = l.slice(-20).reduce((a, b) => a + b, 0) / 20;
    expect(tail).toBeLessThan(0.25);
    const val = separableBatches(4, B, 6, 99);
    const ev = await t.evaluate(val);
    expect(ev.probs.length).toBe(4 * B);
    const ys = val.flatMap((b) => [...b.y]);
    const acc = ys.filter((y, i) => (ev.probs[i] > 0.5 ? 1 : 0) === y).length / ys.length;
    expect(acc).toBeGreaterThan(0.9);
    expect(ev.loss).toBeLessThan(0.3);
    // A padded last batch: only the real rows come back, and padding does not move the loss.
    const mask = Float32Array.from({ length: B }, (_, j) => (j < 10 ? 1 : 0));
    const padded = await t.evaluate([{ ...val[0], mask, size: 10 }]);
    expect(padded.probs).toEqual(ev.probs.slice(0, 10));
    const garbage = { ...val[0], x: val[0].x.map((v, i) => (i >= 10 * 6 ? 1e3 : v)), y: val[0].y.map((v, i) => (i >= 10 ? 1 - v : v)) };
    expect((await t.evaluate([{ ...garbage, mask, size: 10 }])).loss).toBeCloseTo(padded.loss, 6);
    expect((await t.evaluate([{ ...garbage, size: 10 }])).loss).toBeCloseTo(padded.loss, 6); // mask from size
    await t.close();
  });

  it('exports the trained weights: node and wasm sessions reproduce evaluate() probabilities', async () => {
    const t = await createTrainer(opts({ model: tinyMlp(6, 16, 0.2) }));
    await losses(t, data.slice(0, 6));
    const ev = await t.evaluate(data.slice(0, 1));
    const path = join(dir, 'model.onnx');
    const res = await t.exportOnnx(path, { batchSize: B });
    expect(res).toMatchObject({ files: [path], externalData: false, inputShape: [B, 3, 2], input: 'x', output: 'prob' });
    for (const backend of ['node', 'web'] as const) {
      const s = await createSession(readFileSync(path), { backend, threads: 1 });
      const prob = (await s.run({ x: { data: data[0].x, dims: [B, 3, 2] } })).prob as Float32Array;
      prob.forEach((p, i) => expect(Math.abs(p - ev.probs[i])).toBeLessThan(1e-6));
    }
    await t.close();
  });

  it('padded rows of a training batch change nothing (loss, BatchNorm statistics, weights)', async () => {
    const [a, b] = [await createTrainer(opts()), await createTrainer(opts())];
    const mask = Float32Array.from({ length: B }, (_, i) => (i < 20 ? 1 : 0));
    const pad = (fill: number) => ({ x: data[0].x.map((v, i) => (i < 20 * 6 ? v : fill)), y: data[0].y, mask });
    expect((await a.step(pad(0))).loss).toBe((await b.step(pad(37))).loss);
    const [sa, sb] = [await a.state(), await b.state()];
    expect(Buffer.from(sb.params.buffer)).toEqual(Buffer.from(sa.params.buffer));
    expect(Buffer.from(sb.buffers.buffer)).toEqual(Buffer.from(sa.buffers.buffer));
    const full = await createTrainer(opts());
    await full.step({ ...pad(0), mask: undefined });
    expect(Buffer.from((await full.state()).buffers.buffer)).not.toEqual(Buffer.from(sa.buffers.buffer));
    await Promise.all([a.close(), b.close(), full.close()]);
  });

  it('rejects a batch of the wrong size with a clear message', async () => {
    const t = await createTrainer(opts());
    await expect(t.step({ x: new Float32Array(10), y: new Float32Array(2) })).rejects.toThrow(/expects 32×\[3,2\].*pad the last batch/);
    await t.close();
  });
});
