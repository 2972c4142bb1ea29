// Planning a study sweep (issue 14): the sweeper group, sweep=hpo's space, one study per grid cell, and
// every mistake a study could make refused before any trial runs, one line with the place and the fix.
import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { refused } from '../helpers.js';
import { planJobs, type PlanOptions } from '../../../runner/launch/plan.js';
import '../../../runner/tasks/builtin.js';
import type { Constraint } from '../../../sweeps/samplers/types.js';
import { featureColumns } from '../../../data/index.js';
import { countParams } from '../../../engine/index.js';
import type { JobOutcome, PlannedJob } from '../../../runner/launch/types.js';

const CONF = resolve('conf');
const plan = (overrides: string[], extra: Partial<PlanOptions> = {}, configDir = CONF) =>
  planJobs(overrides, { multirun: true, configDir, configName: 'config', compose, ...extra });

function confWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-study-conf-'));
  cpSync(CONF, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the sweeper group', () => {
  it('defaults to basic: a grid whose jobs never see the sweeper node', () => {
    const p = plan(['budget=2m,20m', 'trainer=smoke']);
    expect(p.study).toBeUndefined();
    expect(p.jobs.map((j) => j.overrides)).toEqual([['budget=2m', 'trainer=smoke'], ['budget=20m', 'trainer=smoke']]);
    for (const job of p.jobs) {
      expect(job.config).not.toHaveProperty('sweeper');
      expect(job.choices).not.toHaveProperty('sweeper');
    }
  });

  it('takes the sweeper and its keys out of a single run too', () => {
    const p = planJobs(['sweeper=tpe', 'sweeper.n_trials=3'], { multirun: false, configDir: CONF, configName: 'config', compose });
    expect(p.jobs[0].config).not.toHaveProperty('sweeper');
    expect(p.jobs[0].overrides).toEqual([]);
  });

  it('refuses a key the sweeper does not know, naming it', () => {
    const dir = confWith({ 'sweeper/odd.yaml': 'name: random\nparams: {trainer.lr: interval(1e-4, 1e-3)}\nconditions: {}\nn_trials: 2\nseed: 0\nobjective: val_loss\ndirection: minimize\nn_jobs: 1\npruner: none\nmedian: {n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1}\nasha: {min_resource: 1, reduction_factor: 4, min_early_stopping_rate: 0}\nn_trails: 3\n' });
    expect(refused(() => plan(['sweeper=odd'], {}, dir))).toMatch(/sweeper.*n_trails/);
  });

  it('refuses a sweep over the sweeper', () => {
    expect(refused(() => plan(['sweeper.n_trials=4,8']))).toBe('sweeper.n_trials=4,8: every job of a sweep runs under one sweeper: give sweeper and its keys one value each');
  });
});

describe('sweep=hpo', () => {
  it('runs one TPE study per grid cell, over exactly the issue\'s space', () => {
    const p = plan(['sweep=hpo', 'budget=2m,20m', 'horizon=h1,h3']);
    const studies = p.study!.studies;
    expect(p.study!.cfg.name).toBe('tpe');
    expect(studies.map((s) => s.spec.cell)).toEqual([
      ['budget=2m', 'horizon=h1'], ['budget=2m', 'horizon=h3'], ['budget=20m', 'horizon=h1'], ['budget=20m', 'horizon=h3'],
    ]);
    expect(studies.every((s) => s.spec.n_trials === 50)).toBe(true);
    const choices = (n: number[], key: string) => ({ type: 'categorical', choices: n.map((v) => `${key}=${v}`) });
    expect(Object.fromEntries(studies[0].space.map((p) => [p.key, p.distribution]))).toEqual({
      'trainer.lr': { type: 'float', low: 1e-4, high: 1e-3, log: true },
      'trainer.warmup_steps': choices([100, 200, 300, 500], 'trainer.warmup_steps'),
      'model.dropout': { type: 'float', low: 0.1, high: 0.3, log: false },
      'trainer.epochs': choices([50, 75, 100], 'trainer.epochs'),
      'trainer.weight_decay': { type: 'float', low: 1e-4, high: 5e-3, log: true },
      'model.d_model': choices([64, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048], 'model.d_model'),
      'model.n_layers': choices([2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256], 'model.n_layers'),
      'model.n_heads': choices([1, 2, 4, 8, 16, 32], 'model.n_heads'),
    });
    // the first trial of each study is planned (composed and validated), its overrides the cell's then the trial's
    expect(p.jobs.map((j) => j.overrides.slice(0, 2))).toEqual(studies.map((s) => s.spec.cell));
    expect(p.jobs.every((j) => j.overrides.length === 11 && !('sweeper' in (j.config as object)))).toBe(true);
    // d_ff follows the proposed d_model, so the job trains the model the budget constraint counted
    for (const job of p.jobs) {
      const d = Number(job.overrides.find((o) => o.startsWith('model.d_model='))!.split('=')[1]);
      expect(job.overrides.at(-1)).toBe(`model.d_ff=${4 * d}`);
      expect((job.config as { model: { d_ff: number } }).model.d_ff).toBe(4 * d);
    }
  });

  it('takes sweeper keys from the command line over the preset\'s', () => {
    const p = plan(['sweep=hpo', 'sweeper.n_trials=8', 'sweeper=random']);
    expect(p.study!.cfg).toMatchObject({ name: 'random', n_trials: 8 });
    expect(p.jobs[0].overrides.some((o) => o.startsWith('sweeper'))).toBe(false);
  });
});

describe('sweep=hpo budget=2m proposes only architectures within the budget', () => {
  it('every trial, random start-up and TPE alike: exact count within 2m ± 50%, n_heads | d_model, d_ff = 4·d_model', () => {
    const p = plan(['sweep=hpo', 'budget=2m', 'horizon=h3', 'trainer=smoke', 'sweeper.n_trials=24']);
    const driver = p.study!;
    const jobs: PlannedJob[] = [...p.jobs];
    // no training: each trial "completes" with a made-up objective, so TPE takes over after its 10 start-up trials
    const end = (job: PlannedJob) => {
      const m = (job.config as { model: { d_model: number; n_layers: number } }).model;
      driver.ended({ num: job.num, status: 'completed', results: { best_val_loss: Math.abs(Math.log2(m.d_model / 128)) + m.n_layers / 100 } } as unknown as JobOutcome, {});
    };
    end(jobs[0]);
    for (let num = 1; ; num++) {
      const job = driver.next(num);
      if (!job) break;
      jobs.push(job);
      end(job);
    }
    expect(jobs).toHaveLength(24);
    const study = driver.studies[0];
    expect(study.spec.constraint).toBe('exact count within budget=2m (2,000,000 ± 50%), n_heads | d_model, d_ff = 4·d_model');
    expect(study.rejected).toBeGreaterThan(0); // 66 of the 900 combinations are valid at 2m: the sampler drew invalid ones again
    for (const job of jobs) {
      const { model, data } = job.config as { model: Parameters<typeof countParams>[0]; data: { features: Parameters<typeof featureColumns>[0] } };
      const n = countParams(model, featureColumns(data.features).length);
      expect(Math.abs(n - 2_000_000), job.overrides.join(' ')).toBeLessThanOrEqual(1_000_000);
      expect(model.d_model % model.n_heads).toBe(0);
      expect(model.d_ff).toBe(4 * model.d_model);
    }
  }, 120_000);
});

describe('a resumed study', () => {
  it('keeps counting the rejections of its earlier sessions (study.json\'s rejected)', () => {
    const p = plan(['sweep=hpo', 'budget=2m'], { studies: new Map([[0, { id: 'abc-0', trials: [], rejected: 1000 }]]) });
    p.study!.next(0);
    expect(p.study!.studies[0].rejected).toBeGreaterThanOrEqual(1000);
  });
});

describe('conditional parameters in a study', () => {
  const conditional = (condition: string) => confWith({ 'sweep/c.yaml': `sweeper:\n  name: random\n  n_trials: 12\n  params:\n    objective.function: choice(quadratic, branin)\n    objective.x3: interval(-5.0, 5.0)\n  conditions:\n    objective.x3: ${condition}\n` });

  it('a key exists in a trial, and in its job\'s overrides, only when its condition holds', () => {
    const p = plan(['sweep=c', 'task=objective'], {}, conditional('objective.function=quadratic'));
    const jobs = [...p.jobs];
    for (let num = 1; ; num++) {
      const job = p.study!.next(num);
      if (!job) break;
      jobs.push(job);
    }
    const trials = p.study!.studies[0].trials;
    expect(new Set(trials.map((t) => t.params['objective.function']))).toEqual(new Set(['objective.function=quadratic', 'objective.function=branin']));
    for (const [i, t] of trials.entries()) {
      const quadratic = t.params['objective.function'] === 'objective.function=quadratic';
      expect('objective.x3' in t.params).toBe(quadratic);
      expect(jobs[i].overrides.some((o) => o.startsWith('objective.x3='))).toBe(quadratic);
    }
  });

  it('a condition on a value the parent cannot take is a config error naming sweeper.conditions', () => {
    expect(refused(() => plan(['sweep=c', 'task=objective'], {}, conditional('objective.function=rosenbrock')))).toMatch(/^sweeper\.conditions\.objective\.x3=.*rosenbrock is not one of objective\.function's choices/);
  });
});

describe('a study\'s mistakes are config errors before any trial runs', () => {
  const preset = (params: string) => confWith({ 'sweep/s.yaml': `sweeper:\n  name: random\n  params:\n${params}` });

  it('a search-space key the composed config lacks, with the nearest key', () => {
    expect(refused(() => plan(['sweep=s'], {}, preset('    model.dropuot: interval(0.1, 0.3)\n')))).toBe(
      'sweeper.params.model.dropuot: no key model.dropuot in the composed config; did you mean model.dropout? name an existing key, or write +model.dropuot to add one',
    );
  });

  it('an interval whose lower end is not below its upper end', () => {
    expect(refused(() => plan(['sweep=s'], {}, preset('    model.dropout: interval(0.3, 0.3)\n')))).toBe(
      'sweeper.params.model.dropout: interval(0.3, 0.3) needs its lower end below its upper end; swap or widen them',
    );
  });

  it('a log scale that reaches 0', () => {
    expect(refused(() => plan(['sweep=s'], {}, preset('    trainer.lr: tag(log, interval(0, 1e-3))\n')))).toBe(
      'sweeper.params.trainer.lr: tag(log, interval(0, 0.001)) needs a lower end above 0 (a log scale never reaches 0); raise it, e.g. interval(1e-5, 0.001)',
    );
  });

  it('an empty search space', () => {
    expect(refused(() => plan(['sweeper=tpe']))).toMatch(/^sweeper=tpe: the search space sweeper.params is empty/);
  });

  it('an architecture space with no valid point in a cell', () => {
    const none: Constraint = { keys: ['model.d_model', 'model.n_heads'], describe: 'exact count within budget=2m', valid: () => false };
    const constraintFor = () => none;
    expect(refused(() => plan(['sweep=hpo', 'budget=2m'], { constraintFor }))).toBe(
      'sweeper.params: no combination of model.d_model × model.n_heads satisfies exact count within budget=2m for budget=2m; widen those choices, or raise the budget\'s tolerance',
    );
    // one valid point is enough, and the sampler proposes only valid points
    const some: Constraint = { ...none, valid: (p) => p['model.d_model'] === 'model.d_model=128' && p['model.n_heads'] === 'model.n_heads=4' };
    const p = plan(['sweep=hpo', 'budget=2m'], { constraintFor: () => some });
    expect(p.jobs[0].overrides).toEqual(expect.arrayContaining(['model.d_model=128', 'model.n_heads=4']));
  });
});

describe('a study on a launcher that does not wait', () => {
  it('is refused: each trial needs the results of the ones before', () => {
    expect(refused(() => plan(['sweep=hpo', 'launcher=slurm', 'launcher.wait=false']))).toBe(
      'sweeper=tpe proposes each trial from the results of the ones before: set launcher.wait=true (the driver follows the trials), or use sweeper=basic',
    );
  });
});
