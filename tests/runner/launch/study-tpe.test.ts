// A study with sweeper=tpe end to end (issue 14), on the synthetic objective (task=objective, the 4-D
// quadratic): TPE's proposals after its random start-up depart from random search's and find a better
// point; the same seed proposes the same trials, on pool as on local; a median pruner stops trials that
// are worse than the median at the same step, and the study tables and `runs study` say `pruned`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/runs.js';
import { compose } from '../../../runner/compose/index.js';
import { LocalLauncher, PoolLauncher } from '../../../runner/launch/launchers/index.js';
import type { Launcher } from '../../../runner/launch/launchers/types.js';
import { planJobs } from '../../../runner/launch/plan.js';
import { SweepRun } from '../../../runner/launch/sweep-run.js';
import '../../../runner/tasks/builtin.js';
import { readStudyFile, studyDir } from '../../../sweeps/study/index.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

const OBJ = `sweeper:
  name: tpe
  n_trials: 20
  params:
    objective.x1: interval(-5.0, 5.0)
    objective.x2: interval(-5.0, 5.0)
    objective.x3: interval(-5.0, 5.0)
    objective.x4: interval(-5.0, 5.0)
`;
let conf: string;
beforeAll(() => {
  conf = confWithTasks();
  writeFileSync(join(conf, 'sweep', 'obj.yaml'), OBJ);
});

const CELL = ['sweep=obj', 'task=objective', 'objective.epochs=3', 'monitor=disabled'];

async function runStudy(overrides: string[], launcher: Launcher = new LocalLauncher()) {
  const outputsDir = tempOutputs();
  const plan = planJobs([...CELL, ...overrides], { multirun: true, configDir: conf, configName: 'config', compose });
  const result = await new SweepRun(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher }).run();
  const file = readStudyFile(studyDir(result.dir, 0));
  return { result, file, outputsDir, proposals: file.trials.map((t) => t.params) };
}
const bestOf = (file: { trials: { state: string; value: number | null }[] }) =>
  Math.min(...file.trials.filter((t) => t.state === 'complete').map((t) => t.value!));

describe('sweeper=tpe on task=objective', () => {
  let tpe: Awaited<ReturnType<typeof runStudy>>;
  let random: Awaited<ReturnType<typeof runStudy>>;
  beforeAll(async () => {
    tpe = await runStudy(['sweeper.seed=3']);
    random = await runStudy(['sweeper.seed=3', 'sweeper=random']);
  }, 240_000);

  it('starts as random search with the same seed, then proposes from the Parzen estimators', () => {
    expect(tpe.file.spec.sampler).toBe('tpe');
    expect(tpe.file.trials.every((t) => t.state === 'complete')).toBe(true);
    expect(tpe.proposals.slice(0, 10)).toEqual(random.proposals.slice(0, 10)); // n_startup_trials = 10
    for (let n = 10; n < 20; n++) expect(tpe.proposals[n]).not.toEqual(random.proposals[n]);
  });

  it('finds a better point than random search on the same seed', () => {
    expect(bestOf(tpe.file)).toBeLessThan(bestOf(random.file));
    // each trial's value is the objective at its point (best_val_loss: the curve's last epoch)
    const t = tpe.file.trials[15];
    const x = ['x1', 'x2', 'x3', 'x4'].map((k) => t.params[`objective.${k}`] as number);
    const f = [1, 2, 0.5, 4].reduce((s, w, i) => s + w * (x[i] - [1, -2, 0.5, 3][i]) ** 2, 0);
    expect(t.value).toBeCloseTo(f, 10);
  });

  it('proposes the same trials with the same seed, on pool as on local', async () => {
    const again = await runStudy(['sweeper.seed=3']);
    expect(again.proposals).toEqual(tpe.proposals);
    const pool = new PoolLauncher({ name: 'pool', n_jobs: 2, retries: 0, threads: 1 });
    const onPool = await runStudy(['sweeper.seed=3', 'sweeper.n_trials=12'], pool); // two past the start-up: a pool run costs a child per trial
    expect(onPool.proposals).toEqual(tpe.proposals.slice(0, 12));
  }, 240_000);
});

describe('sweeper.pruner=median on task=objective', () => {
  let run: Awaited<ReturnType<typeof runStudy>>;
  beforeAll(async () => {
    run = await runStudy(['sweeper=random', 'sweeper.n_trials=12', 'sweeper.pruner=median', 'sweeper.median.n_startup_trials=3', 'objective.epochs=4']);
  }, 240_000);

  it('stops trials worse than the median at the same step: pruned in study.json and the study tables', () => {
    const pruned = run.file.trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      // its reports up to where it stopped, before the last epoch (the sampler ranks pruned trials by them)
      expect(t.intermediate.length).toBeGreaterThan(0);
      expect(t.intermediate.length).toBeLessThan(4);
      expect(t.value).toBe(t.intermediate.at(-1)![1]);
    }
    expect(run.file.trials.filter((t) => t.state === 'complete').length).toBeGreaterThanOrEqual(3);
    const db = new Database(join(run.outputsDir, 'index.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT t.number, r.status FROM trials t JOIN runs r ON r.id = t.run_id WHERE t.state = 'pruned' ORDER BY t.number").all();
      expect(rows).toEqual(pruned.map((t) => ({ number: t.number, status: 'pruned' })));
    } finally {
      db.close();
    }
  });

  it('runs study shows them pruned', async () => {
    let stdout = '';
    const code = await main(['study', run.file.spec.id, '--index', join(run.outputsDir, 'index.sqlite'), '--outputs', run.outputsDir], {
      stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, env: {}, cwd: run.outputsDir,
    });
    expect(code).toBe(0);
    const prunedRows = stdout.split('\n').filter((l) => /^\d+\s+pruned\s/.test(l));
    expect(prunedRows.length).toBeGreaterThan(0);
    expect(prunedRows.map((l) => Number(l.split(/\s+/)[0]))).toEqual(run.file.trials.filter((t) => t.state === 'pruned').map((t) => t.number));
  });
});
