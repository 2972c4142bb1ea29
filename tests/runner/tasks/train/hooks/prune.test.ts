// The prune hook in the epoch loop (scripted trainer): after each validation it reports the val loss at the
// optimizer step to the study's report files and stops the loop as `pruned` when the median pruner says so.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PruneHook } from '../../../../../runner/tasks/train/hooks/index.js';
import { freshState, runLoop } from '../../../../../runner/tasks/train/loop.js';
import { readTrialReports, type TrialLink } from '../../../../../sweeps/pruners/index.js';
import { cfg, io, scripted } from '../scripted.js';

/** A study folder where trials 0..4 completed, each reporting `value` at every even step (the scripted loop evaluates at 2, 4, ..., 20). */
function study(value: number, overrides: Partial<TrialLink> = {}): TrialLink {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-prune-'));
  for (let n = 0; n < 5; n++) {
    const lines = Array.from({ length: 10 }, (_, i) => `{"step":${2 * (i + 1)},"value":${value}}\n`).join('');
    writeFileSync(join(dir, `${n}.jsonl`), `${lines}{"end":"complete"}\n`);
  }
  return {
    study: 's', number: 5, dir, objective: 'val_loss', direction: 'minimize',
    pruner: { name: 'median', n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1 }, ...overrides,
  };
}

const noEarlyStop = cfg({ epochs: 10, patience: 100 });
const warns = () => {
  const seen: string[] = [];
  return { seen, warn: (m: string) => void seen.push(m) };
};

describe('PruneHook', () => {
  it('stops a trial clearly worse than the median at its first evaluation, saving `last` there', async () => {
    const link = study(0.5);
    const s = scripted([], Array(10).fill(0.9));
    const end = await runLoop(noEarlyStop, io(noEarlyStop, s, [new PruneHook(link, warns())]), freshState());
    expect(end).toEqual({ kind: 'pruned', why: 'pruned by sweeper.pruner=median at step 2 (epoch 1): val loss 0.9000, best so far 0.9000' });
    expect(s.trainer.stepCount).toBe(2); // of 20
    expect(s.saves.filter((x) => x.path === 'last').map((x) => x.step)).toEqual([2]);
    expect(readTrialReports(link.dir, 5)!.intermediate).toEqual([[2, 0.9]]);
  });

  it('lets a trial better than the median run to its last epoch, reporting every evaluation', async () => {
    const link = study(0.5);
    const s = scripted([], Array(10).fill(0.3));
    const end = await runLoop(noEarlyStop, io(noEarlyStop, s, [new PruneHook(link, warns())]), freshState());
    expect(end).toEqual({ kind: 'completed', why: 'ran all 10 epochs' });
    expect(s.trainer.stepCount).toBe(20);
    expect(readTrialReports(link.dir, 5)!.intermediate.map(([step]) => step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  });

  it('prunes nothing during the warm-up, then stops at the first evaluation past it', async () => {
    const link = study(0.5, { pruner: { name: 'median', n_startup_trials: 5, n_warmup_steps: 7, interval_steps: 1 } });
    const s = scripted([], Array(10).fill(0.9));
    const end = await runLoop(noEarlyStop, io(noEarlyStop, s, [new PruneHook(link, warns())]), freshState());
    expect(end).toMatchObject({ kind: 'pruned', why: expect.stringContaining('at step 8 (epoch 4)') });
  });

  it('never prunes under pruner=none, nor for an objective training does not report (and says so)', async () => {
    for (const over of [{ pruner: { name: 'none' } }, { objective: 'test_auc' }] as Partial<TrialLink>[]) {
      const w = warns();
      const s = scripted([], Array(10).fill(0.9));
      const end = await runLoop(noEarlyStop, io(noEarlyStop, s, [new PruneHook(study(0.5, over), w)]), freshState());
      expect(end.kind).toBe('completed');
      expect(w.seen).toEqual(over.objective ? ['sweeper.objective=test_auc is not known during training (only val_loss is): this trial reports nothing and is never pruned'] : []);
    }
  });
});
