// Running studies (issue 14): trials proposed one after another through the launcher, each an ordinary
// run linked to its trial; a failed trial recorded failed and the study going on; study.json and the index
// tables; the best trial printed with a re-run line that reproduces it; the same proposals on pool.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reindex } from '../../../runner/tracking/index.js';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { LocalLauncher, PoolLauncher } from '../../../runner/launch/launchers/index.js';
import { planJobs } from '../../../runner/launch/plan.js';
import { SweepRun } from '../../../runner/launch/sweep-run.js';
import type { Launcher } from '../../../runner/launch/launchers/types.js';
import { formatBest, shownFromStudies } from '../../../runner/cli/study-view.js';
import { readStudyFile, studyDir } from '../../../sweeps/study/index.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

registerTestTasks();

const QUAD = `sweeper:
  name: random
  n_trials: 5
  params:
    trainer.lr: tag(log, interval(1e-4, 1e-2))
    model.dropout: interval(0.1, 0.4)
`;
let conf: string;
beforeAll(() => {
  conf = confWithTasks('t_quad', 't_quad_slow');
  writeFileSync(join(conf, 'sweep', 'quad.yaml'), QUAD);
});

const planOf = (overrides: string[]) => planJobs(overrides, { multirun: true, configDir: conf, configName: 'config', compose });
async function runStudies(overrides: string[], launcher: Launcher = new LocalLauncher()) {
  const outputsDir = tempOutputs();
  const plan = planOf(overrides);
  const result = await new SweepRun(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher }).run();
  return { plan, result, outputsDir, files: plan.study!.studies.map((s) => readStudyFile(studyDir(result.dir, s.spec.index))) };
}
const f = (lr: number, dropout: number) => (Math.log10(lr) + 3.5) ** 2 + (dropout - 0.2) ** 2;
const proposals = (files: { trials: { number: number; params: object }[] }[]) => files.map((file) => file.trials.map((t) => [t.number, t.params]));

describe('a study sweep on the local launcher', () => {
  let run: Awaited<ReturnType<typeof runStudies>>;
  beforeAll(async () => {
    run = await runStudies(['sweep=quad', 'task=t_quad', 'monitor=disabled', 'budget=2m,20m']);
  }, 120_000);

  it('runs n_trials trials in each grid cell, each an ordinary run of its cell', () => {
    const { result, files } = run;
    expect(result.outcomes).toHaveLength(10);
    expect(files.map((file) => file.spec.cell)).toEqual([['task=t_quad', 'monitor=disabled', 'budget=2m'], ['task=t_quad', 'monitor=disabled', 'budget=20m']]);
    for (const file of files) {
      expect(file.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
      for (const t of file.trials) {
        const outcome = result.outcomes.find((o) => o.num === t.job)!;
        expect(outcome.runId).toBe(t.run_id);
        expect(outcome.overrides).toEqual([...file.spec.cell, `trainer.lr=${t.params['trainer.lr']}`, `model.dropout=${t.params['model.dropout']}`]);
      }
    }
  });

  it('records a failed trial as failed and goes on; a complete one with its objective', () => {
    const trials = run.files.flatMap((file) => file.trials);
    expect(trials.filter((t) => t.state === 'failed').length).toBeGreaterThan(0);
    for (const t of trials) {
      const { 'trainer.lr': lr, 'model.dropout': dropout } = t.params as Record<string, number>;
      if (dropout > 0.27) expect(t).toMatchObject({ state: 'failed', value: null });
      else {
        expect(t.state).toBe('complete');
        expect(t.value).toBeCloseTo(f(lr, dropout), 12);
      }
    }
    expect(run.result.status).toBe('failed'); // a failed job fails the sweep's exit status, as in a grid
  });

  it('links every trial job to its study and report folder', () => {
    const { plan, result } = run;
    const first = plan.jobs[0].trial!;
    expect(first).toMatchObject({ study: `${result.sweepId}-0`, number: 0, dir: studyDir(result.dir, 0), pruner: { name: 'none' }, objective: 'val_loss', direction: 'minimize' });
  });

  it('mirrors studies, trials and their params into the index', () => {
    const db = new Database(join(run.outputsDir, 'index.sqlite'), { readonly: true });
    try {
      const studies = db.prepare('SELECT id, sweep_id, idx, cell, sampler, n_trials FROM studies ORDER BY idx').all();
      expect(studies).toEqual(run.files.map((file) => ({ id: file.spec.id, sweep_id: run.result.sweepId, idx: file.spec.index, cell: JSON.stringify(file.spec.cell), sampler: 'random', n_trials: 5 })));
      const trials = db.prepare('SELECT study_id, number, run_id, state, value FROM trials ORDER BY study_id, number').all();
      expect(trials).toEqual(run.files.flatMap((file) => file.trials.map((t) => ({ study_id: file.spec.id, number: t.number, run_id: t.run_id, state: t.state, value: t.value }))));
      const params = db.prepare("SELECT value FROM trial_params WHERE study_id = ? AND number = 3 AND key = 'trainer.lr'").get(run.files[1].spec.id) as { value: number };
      expect(params.value).toBe(run.files[1].trials[3].params['trainer.lr']);
      // each trial is an ordinary run
      expect((db.prepare('SELECT COUNT(*) AS n FROM runs r JOIN trials t ON t.run_id = r.id').get() as { n: number }).n).toBe(10);
    } finally {
      db.close();
    }
  });

  it('rebuilds the same study tables from the sweep folder (runs reindex)', () => {
    const dump = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return ['studies', 'trials', 'trial_params'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all());
      } finally {
        db.close();
      }
    };
    const rebuilt = join(mkdtempSync(join(tmpdir(), 'ladder-reindex-')), 'index.sqlite');
    reindex(run.outputsDir, rebuilt);
    expect(dump(rebuilt)).toEqual(dump(join(run.outputsDir, 'index.sqlite')));
  });

  it('prints the best trial of each study with a re-run line that composes to its parameters', () => {
    const text = shownFromStudies(run.plan.study!.studies, run.result.dir, run.outputsDir).map(formatBest).join('\n');
    for (const file of run.files) {
      const best = file.trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value!)[0];
      const line = text.split('\n').find((l) => l.startsWith('  re-run: ') && l.includes(file.spec.cell.join(' ')) && l.includes(String(best.params['trainer.lr'])))!;
      expect(text).toContain(`study ${file.spec.id} (${file.spec.cell.join(' ')}): 5 of 5 trials`);
      const rerun = line.replace('  re-run: npx run ', '').split(' ');
      const { config } = compose({ configDir: conf, configName: 'config', overrides: rerun });
      expect((config as any).trainer.lr).toBe(best.params['trainer.lr']);
      expect((config as any).model.dropout).toBe(best.params['model.dropout']);
    }
  });
});

describe('the same seed proposes the same trials', () => {
  it('on pool with 2 trials at once as on local one at a time', async () => {
    const args = ['sweep=quad', 'task=t_quad_slow', 'monitor=disabled', 'sweeper.n_trials=4'];
    const local = await runStudies(args);
    const pool = new PoolLauncher({ name: 'pool', n_jobs: 2, retries: 0, threads: 1 }, { imports: [resolve(import.meta.dirname, '..', 'fixtures', 'child-tasks.ts')] });
    // counts the trials in flight: each runs in a launch of its own, a new one as soon as a slot frees up
    let inFlight = 0;
    let peak = 0;
    const counting: Launcher = {
      name: 'pool', slots: pool.slots,
      launch: async (jobs, ctx) => {
        peak = Math.max(peak, ++inFlight);
        try {
          await pool.launch(jobs, ctx);
        } finally {
          inFlight--;
        }
      },
      abandon: (status, reason) => pool.abandon(status, reason),
    };
    const parallel = await runStudies([...args, 'sweeper.n_jobs=2'], counting);
    expect(proposals(parallel.files)).toEqual(proposals(local.files));
    expect(parallel.files[0].trials.map((t) => t.state)).toEqual(local.files[0].trials.map((t) => t.state));
    expect(peak).toBe(2);
  }, 180_000);
});

