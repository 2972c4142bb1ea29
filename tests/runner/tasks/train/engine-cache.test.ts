// The engine's start-up cache as a sweep's jobs meet it: the second job of an architecture starts from
// <data.cache_dir>/engine and trains bitwise as the first; --no-cache (LADDER_NO_CACHE=1) bypasses it.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsOf, runJson, TINY, train } from './helpers.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ladder-engine-cache-run-'));
const job = ['trainer=smoke', ...TINY, 'trainer.max_steps=3', 'trainer.log_every_n_steps=1', 'monitor=disabled', `data.cache_dir=${cacheDir}`];
const losses = (dir: string) => metricsOf(dir).filter((m) => m.name === 'train_loss_step' || m.name === 'val_loss').map((m) => m.value);
const log = (dir: string) => readFileSync(join(dir, 'run.log'), 'utf8');

afterEach(() => {
  delete process.env.LADDER_NO_CACHE;
});

describe('the engine cache in train jobs', () => {
  it('the first job builds and caches; the next one with the architecture (another lr) hits and trains the same; --no-cache bypasses', async () => {
    const first = (await train(job)).outcomes[0]!;
    expect(first.status).toBe('completed');
    expect(runJson(first.dir).info.engine_cache).toBe('miss');
    expect(log(first.dir)).toContain(`training step: built, and cached for the next job with this architecture (${join(cacheDir, 'engine')})`);
    expect(readdirSync(join(cacheDir, 'engine')).sort()).toEqual(['graphs', 'ort', 'steps']);

    const second = (await train(job)).outcomes[0]!;
    expect(runJson(second.dir).info.engine_cache).toBe('hit');
    expect(log(second.dir)).toContain(`training step: built graphs and onnxruntime's optimized model from the cache (${join(cacheDir, 'engine')}); npx run --no-cache rebuilds them`);
    expect(losses(second.dir)).toEqual(losses(first.dir));
    expect(readFileSync(join(second.dir, 'model.onnx')).equals(readFileSync(join(first.dir, 'model.onnx')))).toBe(true);

    expect(runJson((await train([...job, 'trainer.lr=0.001'])).outcomes[0]!.dir).info.engine_cache).toBe('hit');

    process.env.LADDER_NO_CACHE = '1';
    const off = (await train(job)).outcomes[0]!;
    expect(runJson(off.dir).info.engine_cache).toBe('off');
    expect(log(off.dir)).toContain('training step: built (cache off: --no-cache)');
    expect(losses(off.dir)).toEqual(losses(first.dir));
  }, 600_000);
});
