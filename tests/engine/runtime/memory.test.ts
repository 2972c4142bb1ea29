import { describe, expect, it } from 'vitest';
import type { TrainState } from '../../../engine/checkpoint/state.js';
import { type Trainer, type TrainerOptions, createTrainer, sessionMemory } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';

const B = 16;
const opts = (over: Partial<TrainerOptions> = {}): TrainerOptions => ({ model: tinyMlp(6), batchSize: B, inputShape: [3, 2], optim: OPTIM, seed: 5, ...over });
const data = separableBatches(6, B, 6, 4);

async function run(t: Trainer): Promise<{ losses: number[]; state: TrainState }> {
  const losses: number[] = [];
  for (const b of data) losses.push((await t.step(b)).loss);
  const state = await t.state();
  await t.close();
  return { losses, state };
}
const bytes = (s: TrainState) => [s.params, s.buffers, s.slots.m, s.slots.v].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));

describe('runtime memory switches', () => {
  // Each switch changes where onnxruntime puts tensors, never what it computes.
  it.each([
    ['state written into the old buffers vs fresh outputs', { inPlace: false }],
    ["onnxruntime's memory pattern on", { memPattern: true }],
    ['CPU arena on', { arena: true }],
  ])('%s: bitwise the same losses, weights, moments and BatchNorm statistics', async (_, memory) => {
    const [a, b] = await Promise.all([createTrainer(opts()), createTrainer(opts({ memory }))]);
    const [ra, rb] = [await run(a), await run(b)];
    expect(ra.losses).toEqual(rb.losses);
    expect(bytes(ra.state)).toEqual(bytes(rb.state));
    expect(ra.state.step).toBe(data.length);
  });

  it('the CPU arena is on by default for a step with recomputation on node only; an explicit switch wins', () => {
    expect(sessionMemory({ recompute: 1 }).arena).toBe(true);
    expect(sessionMemory({ recompute: 4, backend: 'node' }).arena).toBe(true);
    expect(sessionMemory({}).arena).toBe(false);
    expect(sessionMemory({ recompute: 0 }).arena).toBe(false);
    expect(sessionMemory({ recompute: 1, backend: 'web' }).arena).toBe(false);
    expect(sessionMemory({ recompute: 1, memory: { arena: false, inPlace: false } })).toEqual({ arena: false, inPlace: false });
    expect(sessionMemory({ memory: { arena: true } }).arena).toBe(true);
  });

  it('a checkpoint taken mid-run is a snapshot: later in-place steps do not change it', async () => {
    const t = await createTrainer(opts());
    await t.step(data[0]);
    const snap = await t.state();
    const copy = Float32Array.from(snap.params);
    await t.step(data[1]);
    expect(Buffer.from(snap.params.buffer)).toEqual(Buffer.from(copy.buffer));
    expect(Buffer.from((await t.state()).params.buffer)).not.toEqual(Buffer.from(copy.buffer));
    await t.close();
  });
});
