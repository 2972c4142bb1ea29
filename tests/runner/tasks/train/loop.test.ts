// The epoch loop against a scripted trainer: early stopping on val loss with patience and min_delta,
// best/last checkpoints, eval_interval, and a non-finite loss stopping the run with its step.
import { describe, expect, it } from 'vitest';
import { freshState, runLoop, type LoopState } from '../../../../runner/tasks/train/loop.js';
import { cfg, io, scripted } from './scripted.js';

/** The loop's state with the best-checkpoint and early-stopping hooks' states, as the `last` checkpoint holds them. */
const whole = (state: LoopState, x: ReturnType<typeof io>) => ({ ...state, ...x.checkpoints.state(), badEvals: x.stopping.state().badEvals });

describe('the epoch loop', () => {
  it('stops after `patience` evaluations without a min_delta improvement and keeps the best checkpoint', async () => {
    const s = scripted([], [0.7, 0.65, 0.649, 0.66, 0.5]);
    const loop = io(cfg(), s);
    const fresh = freshState();
    const end = await runLoop(cfg(), loop, fresh);
    const state = whole(fresh, loop);
    // 0.649 is a new best (saved) but not 0.01 better than 0.65: it counts towards patience, as 0.66 does
    expect(end).toEqual({ kind: 'completed', why: expect.stringMatching(/^early stopping: val loss has not improved by 0.01 for 2 evaluations \(best 0.6490 at epoch 3\)/) });
    expect(state).toMatchObject({ epoch: 4, bestEpoch: 3, bestValLoss: 0.649, badEvals: 2 });
    expect(s.saves.filter((x) => x.path === 'best').map((x) => x.step)).toEqual([2, 4, 6]);
    expect(s.saves.filter((x) => x.path === 'last').map((x) => x.step)).toEqual([2, 4, 6, 8]);
    expect(s.metrics.filter((m) => m.name === 'val_loss').map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('evaluates every eval_interval epochs and always after the last one; max_steps ends the run', async () => {
    const s = scripted([], [0.7, 0.6, 0.5]);
    const state = freshState();
    const c = cfg({ epochs: 5, evalInterval: 2, patience: 0 });
    const end = await runLoop(c, io(c, s), state);
    expect(end).toEqual({ kind: 'completed', why: 'ran all 5 epochs' });
    expect(s.metrics.filter((m) => m.name === 'val_loss').map((m) => m.epoch)).toEqual([2, 4, 5]);
    expect(state.history.map((h) => h.val_loss)).toEqual([null, 0.7, null, 0.6, 0.5]);

    const capped = scripted([], [0.7, 0.6]);
    const end2 = await runLoop(cfg({ maxSteps: 3 }), io(cfg({ maxSteps: 3 }), capped), freshState());
    expect(end2).toEqual({ kind: 'completed', why: 'reached trainer.max_steps=3' });
    expect(capped.trainer.stepCount).toBe(3);
    expect(capped.evals()).toBe(2); // after epoch 1 and after the capped epoch 2
  });

  it('a NaN or infinite train loss stops the run with the step and epoch, without overwriting `last`', async () => {
    const s = scripted([0.7, 0.6, NaN], [0.69]);
    const end = await runLoop(cfg(), io(cfg(), s), freshState());
    expect(end).toEqual({ kind: 'nonfinite', reason: 'train loss is NaN at step 3 (epoch 2, lr 1.000e-3); try a lower trainer.lr or a grad clip' });
    expect(s.saves.filter((x) => x.path === 'last').map((x) => x.step)).toEqual([2]);
    const inf = scripted([Infinity], []);
    expect(await runLoop(cfg(), io(cfg(), inf), freshState())).toMatchObject({ reason: expect.stringMatching(/^train loss is Infinity at step 1/) });
  });
});
