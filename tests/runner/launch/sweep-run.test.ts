// The sweep run around its two strategies: a sweeper asked batch after batch with the finished
// trials (ask/tell), and a launcher that decides how a batch's jobs run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compose } from '../../../runner/compose/index.js';
import { createLauncher, JobRun, launch, planJobs, type JobOutcome, type LaunchContext, type Launcher, type PlannedJob } from '../../../runner/launch/index.js';
import { ListrReporter } from '../../../runner/progress/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import type { Sweeper, Trial } from '../../../sweeps/index.js';
import { confWithTasks, sweepPlan, tempOutputs } from '../helpers.js';

const LOSS: Record<string, number> = { '2m': 0.7, '20m': 0.4, '200m': 0.5 };
beforeAll(() => {
  registerTask('t_adapt', async (spec: any, ctx) => {
    ctx.logMetric({ name: 'val_loss', value: LOSS[spec.budget.name] + 0.1, epoch: 0 });
    ctx.logMetric({ name: 'val_loss', value: LOSS[spec.budget.name], epoch: 1 });
  }, { headline: [{ name: 'best_val_loss', metric: 'val_loss', reduce: 'min' }] });
});
afterAll(() => unregisterTask('t_adapt'));
const conf = confWithTasks('t_adapt');

/** Asks for two budgets, then for the best one again with another seed, then is done. */
class ToySweeper implements Sweeper {
  readonly asked: Trial[][] = [];

  ask(trials: readonly Trial[]): string[][] {
    this.asked.push(structuredClone([...trials]));
    if (trials.length === 0) return [['task=t_adapt', 'budget=2m'], ['task=t_adapt', 'budget=20m']];
    if (trials.length === 2) {
      const best = [...trials].sort((a, b) => a.results.best_val_loss - b.results.best_val_loss)[0];
      return [[...best.overrides, 'seed=7']];
    }
    return [];
  }
}

const sink = () => {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream, text: () => text };
};

describe('an adaptive sweeper', () => {
  it('is asked again with the first batch as trials, and its next jobs get the following numbers', async () => {
    const sweeper = new ToySweeper();
    const plan = planJobs([], { multirun: true, configDir: conf, configName: 'config', compose, sweeper });
    expect(plan.jobs.map((j) => j.num)).toEqual([0, 1]);
    const outputsDir = tempOutputs();
    const out = sink();
    const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), reporter: new ListrReporter({ stdout: out.stream, stderr: out.stream, tty: false }) });

    expect(sweeper.asked).toHaveLength(3);
    expect(sweeper.asked[0]).toEqual([]);
    expect(sweeper.asked[1]).toEqual([
      { num: 0, overrides: ['task=t_adapt', 'budget=2m'], status: 'completed', metrics: { val_loss: 0.7 }, results: { best_val_loss: 0.7 } },
      { num: 1, overrides: ['task=t_adapt', 'budget=20m'], status: 'completed', metrics: { val_loss: 0.4 }, results: { best_val_loss: 0.4 } },
    ]);
    expect(sweeper.asked[2].map((t) => t.num)).toEqual([0, 1, 2]);

    expect(result.status).toBe('completed');
    expect(result.outcomes.map((o) => [o.num, o.overrides.join(' ')])).toEqual([
      [0, 'task=t_adapt budget=2m'], [1, 'task=t_adapt budget=20m'], [2, 'task=t_adapt budget=20m seed=7'],
    ]);
    expect(existsSync(join(result.dir, '2', 'run.json'))).toBe(true);
    const record = parse(readFileSync(join(result.dir, 'multirun.yaml'), 'utf8'));
    expect(record.status).toBe('completed');
    expect(record.jobs).toMatchObject([
      { num: 0, overrides: ['task=t_adapt', 'budget=2m'] }, { num: 1, overrides: ['task=t_adapt', 'budget=20m'] },
      { num: 2, overrides: ['task=t_adapt', 'budget=20m', 'seed=7'] },
    ]);
    const db = new Database(join(outputsDir, 'index.sqlite'), { readonly: true });
    expect(db.prepare('SELECT job, seed FROM run_summary ORDER BY job').all()).toEqual([{ job: 0, seed: 42 }, { job: 1, seed: 42 }, { job: 2, seed: 7 }]);
    db.close();
    expect(out.text()).toMatch(/\n✔ batch 2: 1 job\n/);
    expect(out.text()).toMatch(/✔ #2 task=t_adapt budget=20m seed=7 → /);
    expect(out.text()).toMatch(/sweep 3\/3 · 3 done/);
  });

  it('validates every job of a later batch before it starts: a typo fails the sweep, naming the job', async () => {
    const sweeper: Sweeper = { ask: (trials) => (trials.length === 0 ? [['task=t_adapt', 'budget=2m']] : trials.length === 1 ? [['task=t_adapt', 'budget=20m'], ['task=t_adapt', 'budget=3m']] : []) };
    const plan = planJobs([], { multirun: true, configDir: conf, configName: 'config', compose, sweeper });
    const outputsDir = tempOutputs();
    await expect(launch(plan, { outputsDir, indexPath: null })).rejects.toThrow(/^job #2 \(task=t_adapt budget=3m\): Could not find 'budget\/3m'/);
    const day = join(outputsDir, 'multirun', readdirSync(join(outputsDir, 'multirun'))[0]);
    const sweepDir = join(day, readdirSync(day)[0]);
    expect(readdirSync(sweepDir).sort()).toEqual(['0', 'multirun.yaml']);
    expect(parse(readFileSync(join(sweepDir, 'multirun.yaml'), 'utf8')).status).toBe('failed');
  });

  it('a grid is one batch: no later batch is asked for and the listing is every job', () => {
    const plan = planJobs(['task=t_adapt', 'budget=2m,20m'], { multirun: true, configDir: conf, configName: 'config', compose });
    expect(plan.next).toBeUndefined();
    expect(plan.jobs.map((j) => j.overrides.join(' '))).toEqual(['task=t_adapt budget=2m', 'task=t_adapt budget=20m']);
  });
});

/** Runs a batch last job first, in this process: enough to show the sweep run leaves the order to the launcher. */
class ReverseLauncher implements Launcher {
  readonly name = 'reverse';
  readonly batches: number[][] = [];
  abandoned: string[] = [];
  private current: JobRun | null = null;

  async launch(jobs: readonly PlannedJob[], ctx: LaunchContext): Promise<void> {
    this.batches.push(jobs.map((j) => j.num));
    for (const job of [...jobs].reverse()) {
      if (ctx.signal.aborted) return;
      const t = ctx.open(job);
      this.current = new JobRun(job, t.dir, { runId: t.runId, sweepId: t.sweepId }, t.hooks, ctx.now);
      ctx.close(await this.current.execute(ctx.signal));
      this.current = null;
    }
  }

  abandon(status: 'failed' | 'interrupted', reason: string): JobOutcome[] {
    this.abandoned.push(`${status}: ${reason}`);
    return this.current ? [this.current.finish(status, reason)] : [];
  }
}

describe('the launcher strategy', () => {
  it('decides the order; the sweep run still writes folders by job number, the sweep record and the index', async () => {
    const launcher = new ReverseLauncher();
    const outputsDir = tempOutputs();
    const plan = sweepPlan('t_adapt', [{ budget: '2m' }, { budget: '20m' }, { budget: '200m' }]);
    const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher });
    expect(launcher.batches).toEqual([[0, 1, 2]]);
    expect(result.outcomes.map((o) => o.num)).toEqual([2, 1, 0]);
    expect(result.outcomes.map((o) => o.results)).toEqual([{ best_val_loss: 0.5 }, { best_val_loss: 0.4 }, { best_val_loss: 0.7 }]);
    for (const o of result.outcomes) expect(o.dir).toBe(join(result.dir, String(o.num)));
    expect(parse(readFileSync(join(result.dir, 'multirun.yaml'), 'utf8')).jobs.map((j: { num: number }) => j.num)).toEqual([0, 1, 2]);
    const db = new Database(join(outputsDir, 'index.sqlite'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(3);
    db.close();
  });

  it('is told to abandon its running jobs on a runner failure, which the sweep records and re-throws', async () => {
    const launcher: Launcher = {
      name: 'broken',
      launch: async (jobs, ctx) => {
        ctx.open(jobs[0]);
        throw new Error('disk full');
      },
      abandon: (status, reason) => ((abandoned = `${status}: ${reason}`), []),
    };
    let abandoned = '';
    const outputsDir = tempOutputs();
    await expect(launch(sweepPlan('t_adapt', [{ budget: '2m' }]), { outputsDir, indexPath: null, launcher })).rejects.toThrow('disk full');
    expect(abandoned).toBe('failed: runner error: disk full');
  });

  it('is made from the composed launcher node; local by default', () => {
    expect(createLauncher({ name: 'local', retries: 0, threads: null }).name).toBe('local');
    expect(createLauncher().name).toBe('local');
    expect(() => createLauncher({ name: 'slurmm', retries: 0 } as never)).toThrow("launcher 'slurmm' is not available; choose one of local, pool, slurm (launcher=<name>)");
  });
});
