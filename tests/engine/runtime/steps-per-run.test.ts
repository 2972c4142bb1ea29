// The trainer's stepsPerRun (trainer.steps_per_run): its graph is cached under its own key (a changed K
// misses, and a hit restores the loop's signature), bad values (K's and the other numbers') are refused, and steps() on a one-step
// trainer is step() on each batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../engine/models/index.js';
import { createTrainer, type TrainerOptions } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches } from '../fixtures.js';
import { TINY } from '../models/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ladder-steps-per-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const C = 3;
const L = TINY.patchtst.context_length;
const data = separableBatches(5, 8, L * C, 4);
const opts = (over: Partial<TrainerOptions> = {}): TrainerOptions => ({
  model: buildModel(TINY.patchtst, C), batchSize: 8, inputShape: [L, C], optim: OPTIM, seed: 3, threads: 1, ...over,
});

/** The cache outcome, and the losses and final weights of steps() over `data`. */
async function run(o: TrainerOptions) {
  const t = await createTrainer(o);
  try {
    const r = await t.steps(data);
    return { cache: t.cache, results: r, params: Buffer.from((await t.state()).params.buffer) };
  } finally {
    await t.close();
  }
}

describe('trainer stepsPerRun', () => {
  it('a changed K misses the start-up cache; a hit on a loop entry trains bitwise as a fresh build', async () => {
    const cache = { dir: join(dir, 'cache') };
    const one = await run(opts({ cache }));
    expect(one.cache).toBe('miss');
    expect((await run(opts({ cache }))).cache).toBe('hit');
    const three = await run(opts({ cache, stepsPerRun: 3 }));
    expect(three.cache).toBe('miss');
    const again = await run(opts({ cache, stepsPerRun: 3 }));
    expect(again.cache).toBe('hit');
    expect((await run(opts({ cache, stepsPerRun: 2 }))).cache).toBe('miss');
    // the cached loop (its signature restored from the entry) and the single steps agree bit for bit
    expect(again.results).toEqual(one.results);
    expect(again.params.equals(one.params)).toBe(true);
    expect(three.params.equals(one.params)).toBe(true);
  });

  it('steps() on a one-step trainer is step() on each batch', async () => {
    const [a, b] = [await createTrainer(opts()), await createTrainer(opts())];
    try {
      const single = [];
      for (const x of data) single.push(await a.step(x));
      expect(await b.steps(data)).toEqual(single);
      expect(b.stepsPerRun).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses a K that is not an integer >= 1', async () => {
    for (const k of [0, -1, 1.5, NaN, Infinity]) await expect(createTrainer(opts({ stepsPerRun: k }))).rejects.toThrow(`createTrainer: stepsPerRun must be an integer >= 1, got ${k} (optimizer steps per onnxruntime run)`);
  });

  it('refuses every number it cannot honour with the option named, before anything is built', async () => {
    // each of these used to fail deep in the graph builder (a BigInt conversion, onnxruntime) or be taken silently
    const refused: [Partial<TrainerOptions>, string][] = [
      [{ batchSize: 0 }, 'batchSize must be an integer >= 1, got 0'],
      [{ batchSize: 2.5 }, 'batchSize must be an integer >= 1, got 2.5'],
      [{ evalBatchSize: 0 }, 'evalBatchSize must be an integer >= 1, got 0'],
      [{ inputShape: [L, 0] }, `inputShape must be a non-empty list of integers >= 1, got [${L}, 0]`],
      [{ recompute: -1 }, 'recompute must be an integer >= 0, got -1'],
      [{ recompute: 1.5 }, 'recompute must be an integer >= 0, got 1.5'],
      [{ threads: 0 }, 'threads must be an integer >= 1, got 0'],
      [{ seed: 1.5 }, 'seed must be an integer, got 1.5 (a fraction would be truncated into another seed)'],
      [{ posWeight: 0 }, 'posWeight must be a number > 0, got 0'],
    ];
    for (const [over, message] of refused) await expect(createTrainer(opts(over)), JSON.stringify(over)).rejects.toThrow(`createTrainer: ${message}`);
  });
});
