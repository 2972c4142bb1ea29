// trainer.early_stopping on real tiny runs whose val loss rises at epoch 3 (lr 4 reached by a warmup over the
// whole run: 1626 → 21 → 350 → 277; such a run is chaotic, so a change in the engine's float32 rounding can move
// the rise, and these settings are then re-chosen): null and patience 0 train every epoch, a patience stops at the rise; a run without early
// stopping keeps no hook/early_stopping state and resumes, with or without early stopping turned on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../engine/checkpoint/safetensors.js';
import { metricsOf, runJson, TINY, train, type TrainRun } from './helpers.js';

// 3387 train samples / 512 = 7 steps per epoch, 28 in all; the interrupt lands in epoch 2
const RISING = ['trainer=smoke', ...TINY, 'trainer.epochs=4', 'trainer.max_steps=null', 'trainer.batch_size=512', 'monitor=disabled',
  'trainer.lr=4', 'trainer.warmup_steps=28', 'trainer.schedule=constant'];
const OFF = [...RISING, 'trainer.early_stopping=null'];
const ON = [...RISING, 'trainer.early_stopping.patience=1'];
const ZERO = [...RISING, 'trainer.early_stopping.patience=0'];
const STOP_AT = 10;

let off: TrainRun;
let on: TrainRun;
let cut: TrainRun;
let zero: TrainRun;
beforeAll(async () => {
  off = await train(OFF);
  on = await train(ON);
  zero = await train(ZERO);
  cut = await train(OFF, { onProgress: (p, c) => p.current === STOP_AT && c.abort('interrupted by SIGINT') });
});

const dirOf = (r: TrainRun) => r.outcomes[0]!.dir;
const valLosses = (r: TrainRun) => metricsOf(dirOf(r)).filter((m) => m.name === 'val_loss').map((m) => m.value as number);
const lastMeta = (r: TrainRun) => readSafetensors(join(dirOf(r), 'checkpoints/last.safetensors')).metadata;

describe('trainer.early_stopping', () => {
  it('null trains every epoch although the val loss rises, and keeps no early-stopping state', () => {
    const val = valLosses(off);
    expect(val).toHaveLength(4);
    expect(val[2]).toBeGreaterThan(val[1]!); // the rise a patience of 1 stops at
    expect(off.outcomes[0]).toMatchObject({ status: 'completed' });
    expect(runJson(dirOf(off)).info).toMatchObject({ epochs_run: 4, steps: 28, stopped: 'ran all 4 epochs' });
    expect(Object.keys(lastMeta(off))).not.toContain('hook/early_stopping');
  });

  it('a patience (the default dict with its patience set) still stops at the rise', () => {
    expect(valLosses(on)).toEqual(valLosses(off).slice(0, 3));
    expect(runJson(dirOf(on)).info).toMatchObject({ epochs_run: 3, steps: 21, stopped: expect.stringMatching(/^early stopping: val loss has not improved by 0\.001 for 1 evaluation \(best .* at epoch 2\)$/) });
    expect(Object.keys(lastMeta(on))).toContain('hook/early_stopping');
  });

  it('patience 0 never stops: every epoch, the same val losses as without early stopping', () => {
    expect(valLosses(zero)).toEqual(valLosses(off));
    expect(runJson(dirOf(zero)).info).toMatchObject({ epochs_run: 4, stopped: 'ran all 4 epochs' });
  });

  it('a run without early stopping resumes to the uninterrupted run\'s end', async () => {
    expect(cut.outcomes[0]).toMatchObject({ status: 'interrupted' });
    expect(Object.keys(lastMeta(cut))).not.toContain('hook/early_stopping');
    const resumed = await train([...OFF, `trainer.resume=${dirOf(cut)}`]);
    expect(runJson(dirOf(resumed)).info).toMatchObject({ resumed_at_step: STOP_AT, epochs_run: 4, stopped: 'ran all 4 epochs' });
    const last = (r: TrainRun) => readFileSync(join(dirOf(r), 'checkpoints/last.safetensors'));
    expect(last(resumed).equals(last(off))).toBe(true);
  });

  it('turned on when resuming such a run, it counts from the resumed epoch and stops at the rise', async () => {
    const resumed = await train([...RISING, 'trainer.early_stopping={patience:1, min_delta:0.001}', `trainer.resume=${dirOf(cut)}`]);
    expect(runJson(dirOf(resumed)).info).toMatchObject({ resumed_at_step: STOP_AT, epochs_run: 3, stopped: runJson(dirOf(on)).info.stopped });
  });
});
