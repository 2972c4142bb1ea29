// A real train job with trainer.batch_size=auto: it searches in trial processes, records the trials and
// the chosen batch (run.json, run.log, the index), says what the schedule becomes, and trains exactly as a
// job given that batch explicitly: same checkpoints, predictions and metrics, bit for bit. A second job
// with the same key takes the batch from the cache without a trial.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsOf, query, runJson, TINY, train, type TrainRun } from '../helpers.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'ladder-autobatch-run-'));
// min_gain 100: the second trial cannot gain 10,000%, so the search tries 128 and 256 and takes 256 (max)
// monitor=disabled: its sys/* samples (and so the metric-row count kept in `last`) differ from run to run by design
const BASE = ['trainer=smoke', ...TINY, 'trainer.max_steps=5', 'monitor=disabled', `data.cache_dir=${cacheDir}`];
const AUTO = [...BASE, 'trainer.batch_size=auto', 'trainer.auto_batch.start=128', 'trainer.auto_batch.min_gain=100'];

let auto: TrainRun;
let explicit: TrainRun;
let cached: TrainRun;
let resumed: TrainRun;
beforeAll(async () => {
  auto = await train(AUTO);
  explicit = await train([...BASE, 'trainer.batch_size=256']);
  cached = await train(AUTO);
  // a resumed auto run continues at the batch its first part recorded
  resumed = await train([...AUTO, `trainer.resume=${auto.outcomes[0]!.dir}`]);
}, 900_000);

const dirOf = (r: TrainRun) => r.outcomes[0]!.dir;
const bytes = (r: TrainRun, f: string) => readFileSync(join(dirOf(r), f));
// samples_per_sec is a wall-clock measurement, the one metric that may differ between equal runs
const series = (r: TrainRun) => metricsOf(dirOf(r)).filter((m) => m.name !== 'samples_per_sec').map(({ name, value, step, epoch }) => ({ name, value, step, epoch }));

describe('trainer.batch_size=auto in a train job', () => {
  it('trains bitwise as an explicit run with the chosen batch: the trials touch none of its seeded state', () => {
    expect(auto.outcomes[0]!.status).toBe('completed');
    expect(runJson(dirOf(auto)).info.batch_size).toBe(256);
    for (const f of ['checkpoints/best.safetensors', 'checkpoints/last.safetensors', 'predictions.csv', 'evaluation.json', 'model.onnx']) {
      expect(bytes(auto, f).equals(bytes(explicit, f)), f).toBe(true);
    }
    expect(series(auto)).toEqual(series(explicit));
  });

  it('records every trial in run.json and run.log, and what the schedule becomes', () => {
    const info = runJson(dirOf(auto)).info;
    expect(info.auto_batch).toMatchObject({ mode: 'max', chosen: 256, cached: false });
    expect(info.auto_batch.trials.map((t: { batch: number; fits: boolean }) => [t.batch, t.fits])).toEqual([[128, true], [256, true]]);
    expect(info.auto_batch.trials[1].stop).toMatch(/^samples\/s .* not more than min_gain 10000%$/);
    const log = readFileSync(join(dirOf(auto), 'run.log'), 'utf8');
    expect(log).toMatch(/batch +estimate +peak RSS +samples\/s\n.*\] 128 .* fits\n.*\] 256 .* ← chosen; stop: samples\/s/);
    expect(log).toContain('trainer.batch_size=auto → 256: 3,387 train samples make 14 steps per epoch and 5 steps in all (trainer.max_steps); the warmup stays 100 steps (7.14 epochs), then cosine decay to step 5');
  });

  it('leaves config.yaml as composed (auto) and puts the chosen batch in the index', () => {
    expect(readFileSync(join(dirOf(auto), 'config.yaml'), 'utf8')).toMatch(/\n {2}batch_size: auto\n/);
    const rows = query<{ asked: string; batch: number }>(auto, "SELECT json_extract(config, '$.trainer.batch_size') AS asked, json_extract(info, '$.batch_size') AS batch FROM runs");
    expect(rows).toEqual([{ asked: 'auto', batch: 256 }]);
  });

  it('a second job with the same model, input, backend, threads and machine takes the cached batch without a trial', () => {
    const info = runJson(dirOf(cached)).info;
    expect(info.auto_batch).toMatchObject({ cached: true, chosen: 256 });
    const log = readFileSync(join(dirOf(cached), 'run.log'), 'utf8');
    expect(log).toContain('is in the cache');
    expect(log).not.toMatch(/auto: batch \d+: peak/); // the per-trial lines of a search
    expect(bytes(cached, 'checkpoints/last.safetensors').equals(bytes(explicit, 'checkpoints/last.safetensors'))).toBe(true);
  });

  it('a resumed run keeps the batch its first part recorded, without a search', () => {
    expect(resumed.outcomes[0]!.status).toBe('completed');
    expect(runJson(dirOf(resumed)).info).toMatchObject({ batch_size: 256, resumed_at_step: 5 });
    expect(runJson(dirOf(resumed)).info.auto_batch).toBeUndefined();
    expect(readFileSync(join(dirOf(resumed), 'run.log'), 'utf8')).toContain('trainer.batch_size=auto: continuing with batch 256, the resumed run\'s');
  });
});
