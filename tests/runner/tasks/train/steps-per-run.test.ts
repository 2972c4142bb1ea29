// trainer.steps_per_run = K: the loop groups steps into engine runs of up to K that never cross an
// epoch's end (its evaluation and checkpoint) or the last step, still emits one step event per step with
// the run's time shared among its steps, and a run resumed at any step ends bitwise where one
// uninterrupted run ends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../../runner/compose/index.js';
import { freshState, runLoop } from '../../../../runner/tasks/train/loop.js';
import { CONF, metricsOf, runJson, TINY, train, type TrainRun } from './helpers.js';
import { cfg, io, scripted } from './scripted.js';
import { stepsPerRun } from '../../../../runner/tasks/train/steps-per-run.js';

describe('the steps one engine run holds', () => {
  it('is trainer.steps_per_run capped by trainer.max_steps and an epoch: a run never crosses either, so a larger K would only stack batches no run feeds', () => {
    expect(stepsPerRun({ steps_per_run: 1e9, max_steps: 2 })).toBe(2);
    expect(stepsPerRun({ steps_per_run: 8, max_steps: null }, 5)).toBe(5);
    expect(stepsPerRun({ steps_per_run: 4, max_steps: null }, 7)).toBe(4);
    expect(stepsPerRun({ steps_per_run: 1, max_steps: 3 })).toBe(1);
  });
});

describe('trainer.steps_per_run in the config', () => {
  it('is 1 by default; 0, a negative or a fractional value is refused in one line naming the key', () => {
    const composed = (...overrides: string[]) => compose({ configDir: CONF, configName: 'config', overrides });
    expect(composed().config.trainer.steps_per_run).toBe(1);
    expect(composed('trainer.steps_per_run=8').config.trainer.steps_per_run).toBe(8);
    expect(() => composed('trainer.steps_per_run=0')).toThrow(/^trainer\.steps_per_run: expected an integer >= 1, got 0 /);
    expect(() => composed('trainer.steps_per_run=-2')).toThrow(/^trainer\.steps_per_run: expected an integer >= 1, got -2 /);
    expect(() => composed('trainer.steps_per_run=1.5')).toThrow(/^trainer\.steps_per_run: expected an integer >= 1, got 1\.5 /);
  });
});

describe('runs of steps_per_run steps in the epoch loop', () => {
  it('never cross an epoch end or max_steps; every step has its event; samples/s shares the run time among its steps', async () => {
    // 4 steps per epoch at batch 1, K = 3, 10 steps in all: runs 3+1 | 3+1 | 2
    const c = cfg({ batchSize: 1, epochs: 4, maxSteps: 10, patience: 0 });
    const s = scripted([], [0.7, 0.6, 0.5, 0.4], undefined, { stepsPerRun: 3, stepMs: 40 });
    const events: { step: number; samplesPerSec: number }[] = [];
    const end = await runLoop(c, { ...io(c, s, [{ name: 'spy', onStep: (e) => void events.push(e) }], 1) }, freshState());
    expect(end).toEqual({ kind: 'completed', why: 'reached trainer.max_steps=10' });
    expect(s.runSizes).toEqual([3, 1, 3, 1, 2]);
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.metrics.filter((m) => m.name === 'train_loss_step').map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.saves.filter((x) => x.path === 'last').map((x) => x.step)).toEqual([4, 8, 10]);
    // samples/s = samples of the epoch so far / its time so far: at batch 1 that time is (step in epoch) / samples/s.
    // Within a run, each step adds the same share of the run's time (not all of it at once, not nothing)
    const elapsed = events.map((e) => (((e.step - 1) % 4) + 1) / e.samplesPerSec);
    for (const [first, n] of [[0, 3], [4, 3]]) {
      const shares = Array.from({ length: n - 1 }, (_, i) => elapsed[first + i + 1] - elapsed[first + i]);
      for (const d of shares) expect(d).toBeCloseTo(shares[0], 9);
      expect(shares[0]).toBeGreaterThan(0.03); // 40 ms a step
    }
  });
});

// 3387 train samples / 512 = 7 steps per epoch, 14 in all; K = 4 runs 4+3 | 4+3
const BASE = ['trainer=smoke', ...TINY, 'trainer.epochs=2', 'trainer.max_steps=null', 'trainer.batch_size=512', 'trainer.log_every_n_steps=1'];
const K4 = [...BASE, 'trainer.steps_per_run=4'];

const dirOf = (r: TrainRun) => r.outcomes[0]!.dir;
const bytes = (r: TrainRun, f: string) => readFileSync(join(dirOf(r), f));
// what the seed fixes: every metric but the machine's (sys/*) and the measured speed
const series = (r: TrainRun) =>
  metricsOf(dirOf(r)).filter((m) => !m.name.startsWith('sys/') && m.name !== 'samples_per_sec').map(({ name, value, step, epoch }) => ({ name, value, step, epoch }));

/** A safetensors file's metadata and its tensor bytes. */
function lastCheckpoint(r: TrainRun): { meta: Record<string, string>; tensors: Buffer } {
  const b = bytes(r, 'checkpoints/last.safetensors');
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as { __metadata__: Record<string, string> };
  return { meta: header.__metadata__, tensors: b.subarray(8 + n) };
}

describe('trainer.steps_per_run=4 in a train job', () => {
  let single: TrainRun;
  let looped: TrainRun;
  let cut: TrainRun;
  let resumed: TrainRun;
  beforeAll(async () => {
    single = await train(BASE);
    looped = await train(K4);
    // interrupted during the run of steps 8-11: the last checkpoint is at step 11, not a multiple of 4
    cut = await train(K4, { onProgress: (p, c) => p.current === 9 && c.abort('interrupted by SIGINT') });
    resumed = await train([...K4, `trainer.resume=${cut.outcomes[0]!.dir}`]);
  }, 900_000);

  it('learns bitwise what steps_per_run=1 learns: checkpoints, predictions, per-step losses and grad norms', () => {
    expect(looped.outcomes[0]!.status).toBe('completed');
    for (const f of ['checkpoints/best.safetensors', 'checkpoints/last.safetensors', 'predictions.csv']) expect(bytes(looped, f).equals(bytes(single, f)), f).toBe(true);
    expect(series(looped)).toEqual(series(single));
    expect(series(looped).filter((m) => m.name === 'grad_norm').map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('resumed from a checkpoint at step 11, it ends bitwise where the uninterrupted run ends', () => {
    expect(cut.outcomes[0]).toMatchObject({ status: 'interrupted' });
    expect(runJson(dirOf(resumed)).info).toMatchObject({ resumed_at_step: 11, steps: 14 });
    for (const f of ['checkpoints/best.safetensors', 'predictions.csv']) expect(bytes(resumed, f).equals(bytes(looped, f)), f).toBe(true);
    // `last` holds the same tensors and loop state; only its metrics mark differs, as this run's metrics file
    // starts with the first part's epochs, not its step metrics (a resume into a new folder)
    const [a, b] = [lastCheckpoint(resumed), lastCheckpoint(looped)];
    expect(a.tensors.equals(b.tensors)).toBe(true);
    expect(a.meta.loop).toBe(b.meta.loop);
    expect(a.meta['hook/metrics_mark']).not.toBe(b.meta['hook/metrics_mark']);
    const after = (r: TrainRun) => series(r).filter((m) => (m.step ?? 0) > 11);
    expect(after(resumed)).toEqual(after(looped));
    expect(after(looped).length).toBeGreaterThan(6);
  });
});
