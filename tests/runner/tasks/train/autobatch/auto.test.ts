// trainer.batch_size=auto for one job (autoBatch): the cache (a hit skips the trials, --no-cache and a
// changed key search again), the refusal, the records; and real trial processes: one tiny search end to
// end, and the watchdog that stops a trial at the limit.
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../../../runner/compose/index.js';
import type { ConfigValue } from '../../../../../runner/outputs/index.js';
import type { Progress, RunContext } from '../../../../../runner/tasks/index.js';
import type { TrainSpec } from '../../../../../runner/tasks/train/index.js';
import { autoBatch, describeAutoBatch, runTrial, trialRequest, type Measurement } from '../../../../../runner/tasks/train/autobatch/index.js';
import { estimateMemory, formatBytes, stepKind } from '../../../../../engine/index.js';
import { featureColumns } from '../../../../../data/index.js';
import { CONF, TINY } from '../helpers.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const specOf = (...overrides: string[]) =>
  compose({ configDir: CONF, configName: 'config', overrides: ['trainer=smoke', 'trainer.batch_size=auto', ...TINY, ...overrides] }).config as unknown as TrainSpec;

/** A RunContext that keeps what the task records. */
function fakeContext() {
  const logs: string[] = [];
  const progress: Progress[] = [];
  const info: Record<string, ConfigValue> = {};
  const ctx = {
    signal: new AbortController().signal,
    log: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(`warning: ${m}`),
    progress: (p: Progress) => progress.push(p),
    setInfo: (f: Record<string, ConfigValue>) => Object.assign(info, f),
  } as unknown as RunContext;
  return { ctx, logs, progress, info };
}

/** Samples/s double with the batch up to 64, then stall; peak 10 MiB per sample. */
function scripted() {
  const calls: number[] = [];
  const measure = async (batch: number): Promise<Measurement> => {
    calls.push(batch);
    return { peakRss: batch * 10 * MiB, samplesPerSec: Math.min(batch, 64) * 10 };
  };
  return { calls, measure };
}

/** The tiny job's memory estimate at `batch`, as the search computes it (node backend, no recompute, K 1). */
const estimateAt = (batch: number) => estimateMemory(specOf().model, featureColumns(specOf().data.features).length, batch, { recompute: 0, step: stepKind('node'), stepsPerRun: 1 }).total;
/** Free bytes whose limit (memory_fraction 0.8) lies halfway between the estimates of batches `fits` and `over`. */
const between = (fits: number, over: number) => (estimateAt(fits) + estimateAt(over)) / 2 / 0.8;

const cacheFile = () => join(mkdtempSync(join(tmpdir(), 'ladder-autobatch-')), 'autobatch.json');
const available = { bytes: 16 * GiB, source: 'test' };

describe('autoBatch and its cache', () => {
  it('searches, records every trial and the choice, and a second job with the same key reuses it without a trial', async () => {
    const file = cacheFile();
    const first = scripted();
    const a = fakeContext();
    const out = await autoBatch(specOf(), a.ctx, { available, measure: first.measure, cacheFile: file, noCache: false });
    expect(first.calls).toEqual([8, 16, 32, 64, 128]); // 128 gains nothing over 64
    expect(out).toMatchObject({ batch: 128, cached: false });
    expect(a.info.batch_size).toBe(128);
    expect(a.info.auto_batch).toMatchObject({ mode: 'max', chosen: 128, cached: false, limit_bytes: Math.floor(16 * GiB * 0.8) });
    expect((a.info.auto_batch as { trials: unknown[] }).trials).toHaveLength(5);
    expect(a.logs.join('\n')).toMatch(/batch +estimate +peak RSS +samples\/s\n8 .*fits\n(.*\n){3}128 .*← chosen; stop: samples\/s \+0\.0% over the best so far/);
    expect(a.progress.at(-1)!.note![0]).toMatch(/^trainer\.batch_size=auto → 128 \(mode max; limit 12\.8 GiB\):$/);
    expect(existsSync(file)).toBe(true);

    const again = scripted();
    const b = fakeContext();
    expect(await autoBatch(specOf(), b.ctx, { available, measure: again.measure, cacheFile: file, noCache: false })).toMatchObject({ batch: 128, cached: true });
    expect(again.calls).toEqual([]);
    expect(b.info.auto_batch).toMatchObject({ cached: true, chosen: 128 });
    expect(b.logs[0]).toMatch(/in the cache .*npx run --no-cache searches again/);

    // the mode is not part of the key: the cached trials give fastest's choice too
    expect(await autoBatch(specOf('trainer.auto_batch.mode=fastest'), fakeContext().ctx, { available, measure: again.measure, cacheFile: file, noCache: false }))
      .toMatchObject({ batch: 64, cached: true });
    expect(again.calls).toEqual([]);
  });

  it('--no-cache (noCache) searches again, and a changed key (model, input, backend, search settings) misses', async () => {
    const file = cacheFile();
    await autoBatch(specOf(), fakeContext().ctx, { available, measure: scripted().measure, cacheFile: file, noCache: false });
    const fresh = scripted();
    expect(await autoBatch(specOf(), fakeContext().ctx, { available, measure: fresh.measure, cacheFile: file, noCache: true })).toMatchObject({ cached: false });
    expect(fresh.calls).toHaveLength(5);
    for (const changed of ['model.d_ff=32', 'model.context_length=64', 'data.features=a20', 'trainer.backend=web', 'trainer.auto_batch.start=16', 'trainer.steps_per_run=4']) {
      const m = scripted();
      expect(await autoBatch(specOf(changed), fakeContext().ctx, { available, measure: m.measure, cacheFile: file, noCache: false }), changed).toMatchObject({ cached: false });
      expect(m.calls.length, changed).toBeGreaterThan(0);
    }
  });

  it('searches again when the cached choice no longer fits today\'s free memory', async () => {
    const file = cacheFile();
    await autoBatch(specOf(), fakeContext().ctx, { available, measure: scripted().measure, cacheFile: file, noCache: false });
    const tight = { bytes: between(64, 128), source: 'test' }; // the estimate of 128 no longer fits, 64's does
    const m = scripted();
    const c = fakeContext();
    const out = await autoBatch(specOf(), c.ctx, { available: tight, measure: m.measure, cacheFile: file, noCache: false });
    expect(m.calls.length).toBeGreaterThan(0);
    expect(c.logs[0]).toMatch(/the cached search chose batch 128, which no longer fits .*; searching again/);
    expect(out).toMatchObject({ cached: false });
  });

  it('refuses (the job is skipped) when not even trainer.auto_batch.start fits the limit, without a trial', async () => {
    const m = scripted();
    const out = await autoBatch(specOf('trainer.auto_batch.start=8'), fakeContext().ctx, { available: { bytes: 100 * MiB, source: 'LADDER_MEMORY_LIMIT' }, measure: m.measure, cacheFile: cacheFile() });
    expect(m.calls).toEqual([]);
    expect(out).toEqual({
      refused: expect.stringMatching(/^trainer\.batch_size=auto: even batch 8 needs about [\d.]+ MiB by the estimate, over the limit 80\.0 MiB \(trainer\.auto_batch\.memory_fraction=0\.8 of 100\.0 MiB free, LADDER_MEMORY_LIMIT\); lower trainer\.auto_batch\.start or free memory$/),
    });
  });

  it('--dry-run lists the candidates with their estimates, and a cached choice', async () => {
    const file = cacheFile();
    const free = between(1024, 2048);
    const lines = await describeAutoBatch(specOf(), { available: { bytes: free, source: 'LADDER_MEMORY_LIMIT' }, cacheFile: file, noCache: false });
    expect(lines[0]).toBe(`trainer.batch_size=auto (mode max): limit ${formatBytes(0.8 * free)} (trainer.auto_batch.memory_fraction=0.8 of ${formatBytes(free)} free, LADDER_MEMORY_LIMIT)`);
    expect(lines.slice(1, -2).map((l) => Number(/batch (\d+)/.exec(l)![1]))).toEqual([8, 16, 32, 64, 128, 256, 512, 1024]);
    expect(lines.at(-2)).toMatch(/^ {2}batch 2048 +estimate [\d.]+ (MiB|GiB): over the limit, not tried$/);
    expect(lines.at(-1)).toBe('  8 candidates to try, each in its own process, until one does not fit or pay');
    // measured 10 MiB per sample: 128 peaks over the 819 MiB limit, 64 is the choice
    await autoBatch(specOf(), fakeContext().ctx, { available: { bytes: 1 * GiB, source: 'LADDER_MEMORY_LIMIT' }, measure: scripted().measure, cacheFile: file, noCache: false });
    expect((await describeAutoBatch(specOf(), { available: { bytes: 1 * GiB, source: 'x' }, cacheFile: file, noCache: false })).at(-1)).toMatch(/^ {2}cached: batch 64 \(searched .*; --no-cache searches again\)$/);
    expect(await describeAutoBatch(specOf('trainer.batch_size=32'), { available, cacheFile: file })).toEqual([]);
  });
});

describe('trial processes (real)', () => {
  it('a tiny search end to end: each candidate trains in its own process and reports its peak RSS and samples/s', async () => {
    const c = fakeContext();
    // min_gain 100: the second trial cannot gain 10,000%, so the search stops there
    const out = await autoBatch(specOf('trainer.auto_batch.start=64', 'trainer.auto_batch.min_gain=100'), c.ctx, { available, cacheFile: cacheFile(), noCache: false });
    expect(out).toMatchObject({ batch: 128, cached: false });
    const trials = (c.info.auto_batch as { trials: { batch: number; peak_rss_bytes: number; samples_per_sec: number; fits: boolean }[] }).trials;
    expect(trials.map((t) => t.batch)).toEqual([64, 128]);
    for (const t of trials) {
      expect(t.fits).toBe(true);
      expect(t.peak_rss_bytes).toBeGreaterThan(40 * MiB); // node + onnxruntime + the session
      expect(t.peak_rss_bytes).toBeLessThan(2 * GiB);
      expect(t.samples_per_sec).toBeGreaterThan(0);
    }
  }, 300_000);

  it('a trial steps in runs of the job\'s K (trainer.steps_per_run, capped by max_steps as the job caps it), as its Loop will', async () => {
    const request = (...overrides: string[]) => trialRequest(specOf(...overrides), 25, 64, 3, GiB);
    expect(request().stepsPerRun).toBe(1);
    expect(request('trainer.steps_per_run=4').stepsPerRun).toBe(4);
    expect(request('trainer.steps_per_run=64').stepsPerRun).toBe(20); // trainer=smoke: max_steps 20
    const m = await runTrial({ ...request('trainer.steps_per_run=3'), threads: 1 });
    expect(m.failure).toBeUndefined();
    expect(m.samplesPerSec).toBeGreaterThan(0);
  }, 180_000);

  it('stops a trial whose RSS passes the limit, in its own process, and says so', async () => {
    const spec = specOf();
    const tr = spec.trainer;
    const m = await runTrial({
      model: spec.model, channels: 25, contextLength: 60, batch: 64, steps: 3, seed: 1, backend: 'node', limitBytes: 20 * MiB,
      optim: { beta1: tr.betas[0], beta2: tr.betas[1], eps: tr.eps, weightDecay: tr.weight_decay, gradClip: 1, lr: tr.lr, warmupSteps: 10, totalSteps: 100, schedule: 'cosine' },
    });
    expect(m.samplesPerSec).toBeNull();
    expect(m.failure).toMatch(/^stopped at \d+ MiB RSS, over the limit 20 MiB$/);
    expect(m.peakRss).toBeGreaterThan(20 * MiB);
  }, 180_000);
});
