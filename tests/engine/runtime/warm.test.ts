// warmTrainer(): a trainer's worker started ahead of createTrainer, opening the train session from the
// start-up cache; the trainer adopts it only when it needs exactly those sessions, and trains bitwise as
// without; an unused warm-up ends cleanly and never holds the process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../engine/models/index.js';
import { createTrainer, warmTrainer, type TrainerOptions } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches } from '../fixtures.js';
import { TINY } from '../models/helpers.js';

const CHANNELS = 3;
const L = TINY.patchtst.context_length;
const opts = (dir: string | null, batchSize = 8): TrainerOptions => ({
  model: buildModel(TINY.patchtst, CHANNELS), batchSize, inputShape: [L, CHANNELS], optim: OPTIM, seed: 3, threads: 1, cache: dir === null ? null : { dir },
});

/** Trains 3 steps; what the trainer says of its start and the bits it trained. */
async function run(o: TrainerOptions) {
  const t = await createTrainer(o);
  try {
    const losses = [];
    for (const b of separableBatches(3, o.batchSize, L * CHANNELS, 7)) losses.push((await t.step(b)).loss);
    const s = await t.state();
    return { warmed: t.warmed, cache: t.cache, losses, params: Buffer.from(s.params.buffer), m: Buffer.from(s.slots.m.buffer), buffers: Buffer.from(s.buffers.buffer) };
  } finally {
    await t.close();
  }
}

const same = (a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>) =>
  a.losses.every((l, i) => Object.is(l, b.losses[i])) && a.params.equals(b.params) && a.m.equals(b.m) && a.buffers.equals(b.buffers);

describe('warmTrainer', () => {
  it('on a cache hit it opens the train session and createTrainer adopts it, training bitwise as a cold start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-warm-'));
    const cold = await run(opts(dir)); // a miss: builds and caches
    expect(cold.warmed).toBe(false);
    const hitCold = await run(opts(dir));
    const warm = warmTrainer(opts(dir));
    expect(warm.opening).toBe(true);
    const warmed = await run({ ...opts(dir), warm });
    expect(warm.adopted).toBe(true);
    expect(warmed.warmed).toBe(true);
    expect(warmed.cache).toBe('hit');
    expect(same(warmed, hitCold) && same(warmed, cold)).toBe(true);
    await warm.close(); // adopted: nothing to do, the trainer already closed its worker
  });

  it('a warm-up for another key is not adopted: its sessions are dropped and the trainer opens its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-warm-'));
    await run(opts(dir, 4));
    const fresh = await run(opts(dir, 8));
    const warm = warmTrainer(opts(dir, 4)); // a hit for batch 4
    expect(warm.opening).toBe(true);
    const other = await run({ ...opts(dir, 8), warm });
    expect(other.warmed).toBe(false);
    expect(other.cache).toBe('hit');
    expect(same(other, fresh)).toBe(true);
    // other session options are another session too: threads
    const threads = warmTrainer({ ...opts(dir, 8), threads: 2 });
    expect((await run({ ...opts(dir, 8), warm: threads })).warmed).toBe(false);
  });

  it('on a miss, or without a cache, it only starts the worker; the trainer takes it and trains the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-warm-'));
    const off = await run(opts(null));
    for (const o of [opts(dir), opts(null)]) {
      const warm = warmTrainer(o);
      expect(warm.opening).toBe(false);
      const r = await run({ ...o, warm });
      expect(warm.adopted).toBe(true);
      expect(r.warmed).toBe(false);
      expect(same(r, off)).toBe(true);
    }
  });

  it('an unused warm-up closes (waiting for a session being opened) and leaves a trainer given it to start its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-warm-'));
    const cold = await run(opts(dir));
    const warm = warmTrainer(opts(dir));
    await warm.close();
    await warm.close();
    expect(warm.adopted).toBe(false);
    const r = await run({ ...opts(dir), warm }); // closed: not adopted
    expect(r.warmed).toBe(false);
    expect(same(r, cold)).toBe(true);
  });

  it('a process that never closes its warm-up still exits, cleanly, once the session is open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-warm-'));
    const root = resolve(import.meta.dirname, '..', '..', '..');
    const script = join(dir, 'leave.mts');
    // fill the cache, then warm up and end the script at once: onnxruntime is opening the session as it ends
    writeFileSync(script, `
      import { buildModel } from ${JSON.stringify(join(root, 'engine/models/index.ts'))};
      import { createTrainer, warmTrainer } from ${JSON.stringify(join(root, 'engine/runtime/trainer.ts'))};
      const o = { model: buildModel(${JSON.stringify(TINY.patchtst)}, ${CHANNELS}), batchSize: 8, inputShape: [${L}, ${CHANNELS}], optim: ${JSON.stringify(OPTIM)}, seed: 3, threads: 1, cache: { dir: ${JSON.stringify(join(dir, 'cache'))} } };
      await (await createTrainer(o)).close();
      const w = warmTrainer(o);
      console.log('opening', w.opening);
    `);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).not.toMatch(/terminate called|Aborted/);
    expect({ status: r.status, signal: r.signal, out: r.stdout.trim() }).toEqual({ status: 0, signal: null, out: 'opening true' });
  }, 120_000);
});
