// The trainer's start-up cache (engine/runtime/cache.ts): a hit skips the graph build and ORT's
// optimisation and trains bitwise as a fresh build does; a changed graph never takes another's entry.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../engine/models/index.js';
import { compileStep, engineFingerprint } from '../../../engine/runtime/cache.js';
import { createTrainer, type TrainerOptions } from '../../../engine/runtime/trainer.js';
import { Layout } from '../../../engine/step/net.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';
import { TINY } from '../models/helpers.js';

const CHANNELS = 3;
const L = TINY.patchtst.context_length;
const data = separableBatches(4, 8, L * CHANNELS, 7);
const base = (dir: string | null): TrainerOptions => ({
  model: buildModel(TINY.patchtst, CHANNELS), batchSize: 8, inputShape: [L, CHANNELS], optim: OPTIM, seed: 3, threads: 1,
  cache: dir === null ? null : { dir },
});

/** Trains on `data` and returns the cache outcome, the losses, the final state's bytes and the val probabilities. */
async function run(opts: TrainerOptions) {
  const t = await createTrainer(opts);
  try {
    const losses = [];
    for (const b of data) losses.push((await t.step(b)).loss);
    const s = await t.state();
    const probs = (await t.evaluate(data.slice(0, 2))).probs;
    return { cache: t.cache, losses, params: Buffer.from(s.params.buffer), m: Buffer.from(s.slots.m.buffer), buffers: Buffer.from(s.buffers.buffer), probs: Buffer.from(probs.buffer) };
  } finally {
    await t.close();
  }
}

const files = (dir: string, sub: string): string[] =>
  existsSync(join(dir, sub)) ? readdirSync(join(dir, sub), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];

describe('the start-up cache', () => {
  it('a miss writes the graphs and optimized models; a hit trains bitwise as an uncached build does; an lr schedule shares the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-cache-'));
    const off = await run(base(null));
    const miss = await run(base(dir));
    expect(off.cache).toBe('off');
    expect(miss.cache).toBe('miss');
    expect(files(dir, 'steps')).toHaveLength(1);
    expect(files(dir, 'graphs')).toHaveLength(3); // the split step's gradient and update graphs, and eval
    expect(files(dir, 'ort')).toHaveLength(3); // their optimized models
    const hit = await run(base(dir));
    expect(hit.cache).toBe('hit');
    for (const r of [miss, hit]) {
      expect(r.losses).toEqual(off.losses);
      expect(r.params.equals(off.params) && r.m.equals(off.m) && r.buffers.equals(off.buffers) && r.probs.equals(off.probs)).toBe(true);
    }
    // another lr schedule is the same graph (the lr is fed per step): a hit, and the lr is honoured
    const lr = await run({ ...base(dir), optim: { ...OPTIM, lr: 0.02, warmupSteps: 2 } });
    expect(lr.cache).toBe('hit');
    expect(lr.losses[1]).not.toBe(off.losses[1]);
    expect([...files(dir, 'steps'), ...files(dir, 'graphs'), ...files(dir, 'ort')].filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('a changed graph misses: another architecture, batch, optimizer constant or engine code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-cache-'));
    let builds = 0;
    const compile = (key: unknown, engine?: string) => compileStep({ dir, backend: 'node', key, engine }, () => {
      builds++;
      return { layout: new Layout(), inPlace: { params_out: 'params' }, train: Uint8Array.of(builds, 1), eval: Uint8Array.of(builds, 2) };
    });
    const key = { model: { d_model: 8 }, batch: 8, optim: { beta1: 0.9 } };
    expect(compile(key).cache).toBe('miss');
    const second = compile(key);
    expect(second.cache).toBe('miss'); // the graphs are there, their optimized models not yet (no session made)
    expect(builds).toBe(1);
    expect(second.inPlace).toEqual({ params_out: 'params' }); // a cached entry keeps which outputs are written in place
    for (const changed of [{ ...key, model: { d_model: 16 } }, { ...key, batch: 16 }, { ...key, optim: { beta1: 0.8 } }]) compile(changed);
    expect(builds).toBe(4);
    compile(key, `${engineFingerprint()}-edited`);
    expect(builds).toBe(5);
    expect(engineFingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a split step's update graph is cached with its entry; a missing one rebuilds the entry", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-cache-'));
    let builds = 0;
    const compile = () => compileStep({ dir, backend: 'node', key: { split: true } }, () => {
      builds++;
      return { layout: new Layout(), inPlace: {}, train: Uint8Array.of(1), eval: Uint8Array.of(2), update: { bytes: Uint8Array.of(3, builds), inPlace: { m_out: 'm' } } };
    });
    compile();
    const again = compile();
    expect(builds).toBe(1);
    expect([...again.update!.source.bytes]).toEqual([3, 1]);
    expect(again.update!.inPlace).toEqual({ m_out: 'm' });
    for (const f of readdirSync(join(dir, 'graphs'))) if (readFileSync(join(dir, 'graphs', f))[0] === 3) writeFileSync(join(dir, 'graphs', f), 'damaged');
    expect([...compile().update!.source.bytes]).toEqual([3, 2]);
    expect(builds).toBe(2);
  });

  it('the optimized model is found by the hash of the graph: a model without a key never reuses another graph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-cache-'));
    const opts = (hidden: number): TrainerOptions => ({ model: tinyMlp(L * CHANNELS, hidden), batchSize: 8, inputShape: [L, CHANNELS], optim: OPTIM, seed: 3, threads: 1, cache: { dir } });
    const first = await run(opts(16));
    expect(first.cache).toBe('miss');
    expect(files(dir, 'steps')).toEqual([]); // no key: nothing says what forward builds
    const again = await run(opts(16));
    expect(again.cache).toBe('hit');
    expect(again.params.equals(first.params)).toBe(true);
    const other = await run(opts(12)); // another graph under the same (absent) key
    expect(other.cache).toBe('miss');
    expect(files(dir, 'ort')).toHaveLength(5); // its own gradient and eval graphs; the optimizer's update graph is the same one
    expect(other.params.length).not.toBe(first.params.length);
  });

  it('a damaged entry is rebuilt; concurrent trainers share one folder; an unwritable folder only costs the caching', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-engine-cache-'));
    const [a, b] = await Promise.all([run(base(dir)), run(base(dir))]);
    expect(a.params.equals(b.params)).toBe(true);
    const damage = (sub: string) => readdirSync(join(dir, sub), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile()).forEach((e) => writeFileSync(join(e.parentPath, e.name), 'damaged'));
    damage('graphs');
    const rebuilt = await run(base(dir)); // the graphs are built again; their optimized models still match them
    expect(rebuilt.cache).toBe('hit');
    expect(rebuilt.params.equals(a.params)).toBe(true);
    expect(readdirSync(join(dir, 'graphs')).map((f) => readFileSync(join(dir, 'graphs', f), 'utf8')).includes('damaged')).toBe(false);
    damage('ort');
    const reoptimized = await run(base(dir)); // the graph builds the session, and the optimized model is written again
    expect(reoptimized.params.equals(a.params)).toBe(true);
    expect((await run(base(dir))).params.equals(a.params)).toBe(true);
    const ort = readdirSync(join(dir, 'ort'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(ort.map((e) => e.name).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(ort.every((e) => readFileSync(join(e.parentPath, e.name)).length > 1000)).toBe(true);
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const unwritable = await run(base(join(blocker, 'cache')));
    expect(unwritable.params.equals(a.params)).toBe(true);
  });
});
