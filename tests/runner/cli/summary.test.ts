// The end-of-run table reads each task's headline declaration (registerTask's `headline`).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../runner/tasks/builtin.js';
import { summary } from '../../../runner/cli/summary.js';
import { launch, type JobOutcome, type LaunchResult } from '../../../runner/launch/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { sweepPlan, tempOutputs } from '../helpers.js';

const outcome = (num: number, task: string, results: Record<string, number>, status: JobOutcome['status'] = 'completed'): JobOutcome => ({
  num, runId: `r${num}`, dir: `/out/multirun/d/t/${num}`, overrides: [`budget=b${num}`], status, reason: status === 'completed' ? null : 'why', duration_s: 1, results, task,
});
const result = (outcomes: JobOutcome[]): LaunchResult => ({ sweepId: 'abcd', dir: '/out/multirun/d/t', status: 'completed', outcomes, notStarted: [] });

describe('the results table', () => {
  it('shows the train task as before: params with thousands separators, 4-decimal loss and AUC, blanks for numbers not logged', () => {
    const text = summary(result([
      outcome(0, 'train', { n_params: 1998720, best_val_loss: 0.61234567, test_auc: 0.5 }),
      outcome(1, 'train', { n_params: 20001234 }, 'skipped'),
    ]), '/out');
    expect(text.split('\n').slice(0, 5)).toEqual([
      '',
      'job  status     params      best_val_loss  test_auc  folder',
      '---  ---------  ----------  -------------  --------  --------------',
      '0    completed  1,998,720   0.6123         0.5000    multirun/d/t/0',
      '1    skipped    20,001,234                           multirun/d/t/1',
    ]);
  });

  it('lists jobs in job order, whatever order they finished in (pool, slurm), reasons too', () => {
    const text = summary(result([
      outcome(2, 'train', { n_params: 3 }, 'failed'),
      outcome(0, 'train', { n_params: 1 }),
      outcome(1, 'train', { n_params: 2 }, 'failed'),
    ]), '/out');
    const lines = text.split('\n');
    expect(lines.slice(3, 6).map((l) => l.split(/\s+/)[0])).toEqual(['0', '1', '2']);
    expect(lines.filter((l) => /^#\d failed/.test(l))).toEqual(['#1 failed: why', '#2 failed: why']);
  });

  it('names the sweep folder, not a job folder, in the --resume hint of an interrupted sweep', () => {
    const text = summary(result([outcome(0, 'train', { n_params: 1 }), outcome(1, 'train', { n_params: 1 }, 'interrupted')]), '/out');
    expect(text).toContain('\n#1 interrupted: why\ncontinue the sweep: npx run --resume multirun/d/t (interrupted jobs go on from their checkpoints, jobs not started run)\n');
    expect(text).not.toContain('--resume multirun/d/t/1');
  });

  it('names the run folder in the --resume hint of an interrupted single run', () => {
    const single: LaunchResult = { ...result([{ ...outcome(0, 'train', { n_params: 1 }, 'interrupted'), dir: '/out/2026-01-01/00-00-00' }]), sweepId: null, dir: '/out/2026-01-01/00-00-00' };
    const text = summary(single, '/out');
    expect(text).toContain('\n#0 interrupted: why\n                continue it: npx run --resume 2026-01-01/00-00-00\n');
    expect(text).not.toContain('continue the sweep');
  });

  it('has no results table for a task that declares no headline (echo)', () => {
    expect(summary(result([outcome(0, 'echo', {})]), '/out')).toBe(
      "completed: 1 completed → multirun/d/t\nquery it: npx runs sql \"SELECT * FROM run_summary WHERE sweep_id = 'abcd'\"\n",
    );
  });
});

describe('a headline declaration', () => {
  beforeAll(() => {
    registerTask('t_head', async (_spec, ctx) => {
      [Number.NaN, 0.5, 0.3, 0.4].forEach((value, step) => ctx.logMetric({ name: 'loss', value, step }));
      [0.1, 0.9, 0.2].forEach((value, step) => ctx.logMetric({ name: 'acc', value, step }));
    }, {
      description: 'test',
      headline: [
        { name: 'best_loss', metric: 'loss', reduce: 'min', format: (v) => v.toFixed(2) },
        { name: 'top_acc', metric: 'acc', reduce: 'max', column: 'acc' },
        { name: 'loss', reduce: 'last' },
        { name: 'never_logged', reduce: 'last' },
      ],
    });
  });
  afterAll(() => unregisterTask('t_head'));

  it('reduces each metric as declared (a leading NaN does not stick) and the table formats it', async () => {
    const outputsDir = tempOutputs();
    const run = await launch(sweepPlan('t_head', [{ budget: '2m' }]), { outputsDir, indexPath: null });
    expect(run.outcomes[0].results).toEqual({ best_loss: 0.3, top_acc: 0.9, loss: 0.4 });
    const lines = summary(run, outputsDir).split('\n');
    expect(lines[1]).toBe('job  status     best_loss  acc  loss  never_logged  folder');
    expect(lines[3]).toMatch(/^0 {4}completed  0\.30 {7}0\.9  0\.4 +multirun\/.*\/0$/);
    expect(join(outputsDir, lines[3].split(/\s+/).at(-1)!)).toBe(run.outcomes[0].dir);
  });
});
