// The same seed twice gives the same bits; Ctrl-C mid-epoch saves `last` and marks the job interrupted;
// resuming from that folder takes the remaining steps and ends bitwise where an uninterrupted run ends.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsOf, runJson, TINY, train, type TrainRun } from './helpers.js';

// 3387 train samples / 512 = 7 steps per epoch, 14 in all; the interrupt lands in epoch 2
const BASE = ['trainer=smoke', ...TINY, 'trainer.epochs=2', 'trainer.max_steps=null', 'trainer.batch_size=512'];
const STOP_AT = 10;

let full: TrainRun;
let again: TrainRun;
let cut: TrainRun;
let resumed: TrainRun;
beforeAll(async () => {
  full = await train(BASE);
  again = await train(BASE);
  cut = await train(BASE, { onProgress: (p, c) => p.current === STOP_AT && c.abort('interrupted by SIGINT') });
  resumed = await train([...BASE, `trainer.resume=${cut.outcomes[0]!.dir}`]);
});

const dirOf = (r: TrainRun) => r.outcomes[0]!.dir;
const bytes = (r: TrainRun, f: string) => readFileSync(join(dirOf(r), f));
// the training's metrics; the monitor's sys/* samples measure the machine, which no seed repeats
const series = (r: TrainRun) => metricsOf(dirOf(r)).filter((m) => !m.name.startsWith('sys/')).map(({ name, value, step, epoch }) => ({ name, value, step, epoch }));

describe('determinism', () => {
  it('the same seed gives bitwise-identical checkpoints, predictions and metrics', () => {
    for (const f of ['checkpoints/best.safetensors', 'checkpoints/last.safetensors', 'predictions.csv', 'evaluation.json']) {
      expect(bytes(again, f).equals(bytes(full, f)), f).toBe(true);
    }
    expect(series(again)).toEqual(series(full));
  });
});

describe('interrupt and resume', () => {
  it('Ctrl-C saves the last checkpoint at the step reached and marks the job interrupted', () => {
    expect(cut.outcomes[0]).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGINT' });
    expect(existsSync(join(dirOf(cut), 'checkpoints/last.safetensors'))).toBe(true);
    expect(existsSync(join(dirOf(cut), 'checkpoints/best.safetensors'))).toBe(true); // epoch 1 was evaluated
    expect(readFileSync(join(dirOf(cut), 'run.log'), 'utf8')).toContain(`interrupted after step ${STOP_AT} (epoch 2)`);
  });

  it('a resumed run ends with the same weights, optimizer state and scores as an uninterrupted one', () => {
    expect(resumed.outcomes[0]!.status).toBe('completed');
    expect(runJson(dirOf(resumed)).info).toMatchObject({ resumed_at_step: STOP_AT, steps: 14 });
    expect(bytes(resumed, 'checkpoints/last.safetensors').equals(bytes(full, 'checkpoints/last.safetensors'))).toBe(true);
    expect(bytes(resumed, 'checkpoints/best.safetensors').equals(bytes(full, 'checkpoints/best.safetensors'))).toBe(true);
    expect(bytes(resumed, 'predictions.csv').equals(bytes(full, 'predictions.csv'))).toBe(true);
    // its metrics replay the interrupted run's epoch 1, then go on: the whole series, value for value
    expect(series(resumed)).toEqual(series(full));
    expect(series(full).filter((m) => m.name === 'val_loss').map((m) => m.epoch)).toEqual([1, 2]);
  });

  it('refuses a folder without a checkpoint, naming it, before the job starts (a config error, no run)', async () => {
    await expect(train([...BASE, `trainer.resume=${full.outputsDir}`])).rejects.toThrow(`trainer.resume=${full.outputsDir}: no checkpoints/last.safetensors there`);
  });
});
