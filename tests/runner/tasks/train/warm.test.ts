// A train job's warm-up (runner/tasks/train/warm.ts): started by the launch for the first job, it opens the
// train session from the engine's start-up cache while the launch goes on; the job adopts it and trains
// and records exactly what a job without it does.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainerWarmup } from '../../../../engine/index.js';
import { compose } from '../../../../runner/compose/index.js';
import { planJobs } from '../../../../runner/launch/index.js';
import type { TrainSpec } from '../../../../runner/tasks/train/index.js';
import { takeWarmup, warmTrain } from '../../../../runner/tasks/train/warm.js';
import { CONF, metricsOf, runJson, TINY, train } from './helpers.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ladder-warm-run-'));
const job = ['trainer=smoke', ...TINY, 'trainer.max_steps=3', 'trainer.log_every_n_steps=1', 'monitor=disabled', `data.cache_dir=${cacheDir}`];
const specOf = (overrides: string[]) => planJobs(overrides, { multirun: false, zip: [], configDir: CONF, configName: 'config', compose }).jobs[0]!.config as TrainSpec;
const losses = (dir: string) => metricsOf(dir).filter((m) => m.name === 'train_loss_step' || m.name === 'val_loss').map((m) => m.value);
/** What a run records, less what differs between any two runs (ids, times, the folder). */
const recorded = (dir: string) => {
  const { id: _i, started_at: _s, finished_at: _f, duration_s: _d, ...rest } = runJson(dir);
  const { startup_s: _u, ...info } = rest.info;
  return { ...rest, info };
};

describe('the train job warm-up', () => {
  it('a job adopts the warm-up of its spec on a cache hit and trains and records as one without it', async () => {
    const first = (await train(job)).outcomes[0]!; // a miss: the cache is written
    const cold = (await train(job)).outcomes[0]!;
    const warmRun = await train(job, { warm: true });
    const warmed = warmRun.outcomes[0]!;
    expect((warmRun.warm as TrainerWarmup).opening).toBe(true);
    expect((warmRun.warm as TrainerWarmup).adopted).toBe(true);
    expect(runJson(warmed.dir).info.engine_cache).toBe('hit');
    expect(typeof runJson(warmed.dir).info.startup_s).toBe('number');
    expect(losses(warmed.dir)).toEqual(losses(cold.dir));
    expect(losses(warmed.dir)).toEqual(losses(first.dir));
    expect(recorded(warmed.dir)).toEqual(recorded(cold.dir));
    expect(readFileSync(join(warmed.dir, 'model.onnx')).equals(readFileSync(join(cold.dir, 'model.onnx')))).toBe(true);
  }, 600_000);

  it('a warm-up is taken once, only by a job with the same spec; none for trainer.batch_size=auto', async () => {
    const spec = specOf(job);
    const warm = warmTrain(spec, { threads: 1 })!;
    expect(takeWarmup(specOf([...job, 'trainer.lr=0.5']))).toBeUndefined();
    expect(takeWarmup(specOf(job))).toBe(warm); // equal by value: the launch's and the job's spec may be copies
    expect(takeWarmup(spec)).toBeUndefined();
    await warm.close();
    // a second warm-up replaces (and closes) one no job took
    const a = warmTrain(spec, { threads: 1 })!;
    const b = warmTrain(spec, { threads: 1 })!;
    expect(takeWarmup(spec)).toBe(b);
    await Promise.all([a.close(), b.close()]);
    expect(a.adopted || b.adopted).toBe(false);
    expect(warmTrain(specOf([...job, 'trainer.batch_size=auto']), {})).toBeNull();
  }, 120_000);

  it('a job that ends before it builds a trainer takes its warm-up and closes it unused', async () => {
    // the job's memory check refuses it (the launch preflight is not run here)
    process.env.LADDER_MEMORY_LIMIT = '1MiB';
    const overrides = job;
    const refused = await train(overrides, { warm: true }).finally(() => delete process.env.LADDER_MEMORY_LIMIT);
    expect(refused.outcomes[0]!.status).toBe('skipped');
    expect((refused.warm as TrainerWarmup).adopted).toBe(false);
    expect(takeWarmup(specOf(overrides))).toBeUndefined(); // the job took it (and closed it)
  }, 120_000);
});
