// PlannedJob.trial reaches the running task as RunContext.trial, in this process (local) and in the pool's
// child processes; a task that its pruner stops ends `pruned` everywhere a run's status goes (outcome,
// run.json, the index, the trial's report file), and one better than the median runs to its end.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { summary } from '../../../runner/cli/summary.js';
import { compose } from '../../../runner/compose/index.js';
import { launch, LocalLauncher, PoolLauncher, resumeSweep, type Launcher } from '../../../runner/launch/index.js';
import type { Plan } from '../../../runner/launch/types.js';
import { readReports, type TrialLink } from '../../../sweeps/pruners/index.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { listRuns, openIndexReadOnly } from '../../../runner/tracking/index.js';
import { confWithTasks, indexDump, job, reindexedDump, tempOutputs } from '../helpers.js';

registerTestTasks();
const FIXTURE_TASKS = resolve('tests/runner/fixtures/child-tasks.ts');

/**
 * Two trials of one study, whose report folder already holds a completed trial 0 that reported 1 at steps 1..10:
 * trial 1 (budget 20m) reports 2, worse than that median, trial 2 (budget 2m) reports 0.5.
 */
function studyPlan(outputsDir: string): { plan: Plan; links: TrialLink[] } {
  const dir = join(outputsDir, 'study-reports', 'study-0');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0.jsonl'), `${Array.from({ length: 10 }, (_, i) => `{"step":${i + 1},"value":1}\n`).join('')}{"end":"complete"}\n`);
  const link = (number: number): TrialLink => ({
    study: 'study-0', number, dir, objective: 'val_loss', direction: 'minimize',
    pruner: { name: 'median', n_startup_trials: 1, n_warmup_steps: 0, interval_steps: 1 },
  });
  const links = [link(1), link(2)];
  const jobs = [job(0, 't_trial', { budget: '20m' }), job(1, 't_trial', { budget: '2m' })].map((j, i) => ({ ...j, overrides: ['task=t_trial', ...j.overrides], trial: links[i] }));
  return { plan: { multirun: true, overrides: ['budget=20m,2m'], preset: null, zip: [], jobs }, links };
}

async function runStudy(launcher: Launcher) {
  const outputsDir = tempOutputs();
  const { plan, links } = studyPlan(outputsDir);
  // what --resume re-plans from: a conf/ with the t_trial task
  const command = { overrides: plan.overrides, zip: [], config_dir: confWithTasks('t_trial'), config_name: 'config' };
  const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher, command });
  return { result, links, outputsDir };
}

const launchers: [string, () => Launcher][] = [
  ['local', () => new LocalLauncher({ name: 'local', retries: 0, threads: 1 })],
  ['pool', () => new PoolLauncher({ name: 'pool', n_jobs: 2, threads: 1, retries: 0 }, { imports: [FIXTURE_TASKS] })],
];

describe.each(launchers)('RunContext.trial under launcher=%s', (_name, make) => {
  it('reaches the task; a trial worse than the median ends pruned after one report, a better one runs all 10', async () => {
    const { result, links, outputsDir } = await runStudy(make());
    const [worse, better] = [0, 1].map((n) => result.outcomes.find((o) => o.num === n)!);
    for (const [o, link] of [[worse, links[0]], [better, links[1]]] as const) {
      expect(JSON.parse(readFileSync(join(o.dir, 'trial.json'), 'utf8'))).toEqual(link);
    }
    expect(worse).toMatchObject({ status: 'pruned', reason: 'pruned at step 1' });
    expect(better).toMatchObject({ status: 'completed' });
    expect(JSON.parse(readFileSync(join(worse.dir, 'run.json'), 'utf8'))).toMatchObject({ status: 'pruned', reason: 'pruned at step 1' });
    const db = new Database(join(outputsDir, 'index.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT job, status FROM run_summary ORDER BY job').all();
    db.close();
    expect(rows).toEqual([{ job: 0, status: 'pruned' }, { job: 1, status: 'completed' }]);
    // the report files: the end of each trial, the steps each reached
    const trials = readReports(links[0].dir);
    expect(trials.map((t) => [t.number, t.state, t.intermediate.length])).toEqual([[0, 'complete', 10], [1, 'pruned', 1], [2, 'complete', 10]]);
    // a pruned trial is no failure: the sweep completed
    expect(result.status).toBe('completed');
  }, 120_000);
});

describe('a pruned trial after the sweep', () => {
  it('is listed and filtered as pruned, counted in the closing summary with its reason, and reindexed the same', async () => {
    const { result, outputsDir } = await runStudy(launchers[0][1]());
    const db = openIndexReadOnly(join(outputsDir, 'index.sqlite'));
    expect(listRuns(db, ['status=pruned']).map((r) => r.status)).toEqual(['pruned']);
    expect(listRuns(db, ['status!=pruned']).map((r) => r.status)).toEqual(['completed']);
    db.close();
    const text = summary(result, outputsDir);
    expect(text).toContain('#0 pruned: pruned at step 1\n');
    expect(text).toContain('completed: 1 completed, 1 pruned → ');
    expect(indexDump(join(outputsDir, 'index.sqlite'))).toEqual(reindexedDump(outputsDir));
  });

  it('is kept by --resume, never run again', async () => {
    const { result } = await runStudy(launchers[0][1]());
    // the completed trial's run is made to look failed, so that there is something to resume
    const better = result.outcomes.find((o) => o.num === 1)!;
    const record = JSON.parse(readFileSync(join(better.dir, 'run.json'), 'utf8'));
    writeFileSync(join(better.dir, 'run.json'), JSON.stringify({ ...record, status: 'failed', reason: 'made up' }));
    const setup = resumeSweep(result.dir, compose);
    expect(setup.counts).toMatchObject({ kept: 1, rerun: 1 });
    expect(setup.resume.kept.map((k) => [k.outcome.num, k.outcome.status])).toEqual([[0, 'pruned']]);
    expect(setup.plan.jobs.map((j) => j.num)).toEqual([1]);
  });
});
