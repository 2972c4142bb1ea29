// hydra-optuna-sweeper users give the search space on the command line: under sweeper=tpe|random,
// `trainer.lr=tag(log, interval(1e-4, 1e-2))` is a dimension of the studies, exactly as the same text in
// sweeper.params; choice()/range() stay the grid's cells; under the grid an interval is refused naming the fix.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { refused } from '../helpers.js';
import { planJobs } from '../../../runner/launch/plan.js';
import '../../../runner/tasks/builtin.js';

const plan = (overrides: string[]) => planJobs(overrides, { multirun: true, configDir: resolve('conf'), configName: 'config', compose });

describe('a command-line interval under a sampler sweeper', () => {
  it('is a search-space dimension, the same as in sweeper.params (same space, same first trial)', () => {
    const p = plan(['sweeper=tpe', 'sweeper.n_trials=3', 'trainer.lr=tag(log, interval(1e-4, 1e-2))', 'model.dropout=interval(0.1, 0.3)', 'budget=2m,20m', 'trainer=smoke']);
    const studies = p.study!.studies;
    expect(studies.map((s) => s.spec.cell)).toEqual([['budget=2m', 'trainer=smoke'], ['budget=20m', 'trainer=smoke']]);
    expect(Object.fromEntries(studies[0].space.map((d) => [d.key, d.distribution]))).toEqual({
      'trainer.lr': { type: 'float', low: 1e-4, high: 1e-2, log: true },
      'model.dropout': { type: 'float', low: 0.1, high: 0.3, log: false },
    });
    const same = plan(['sweeper=tpe', 'sweeper.n_trials=3', '+sweeper.params={trainer.lr:"tag(log, interval(1e-4, 1e-2))",model.dropout:"interval(0.1, 0.3)"}', 'budget=2m,20m', 'trainer=smoke']);
    expect(p.jobs.map((j) => j.overrides)).toEqual(same.jobs.map((j) => j.overrides));
  });

  it('joins a preset\'s space, and sweeper=random draws it too', () => {
    const p = plan(['sweep=hpo_train', 'sweeper=random', 'trainer.weight_decay=interval(0, 1e-3)']);
    const space = Object.fromEntries(p.study!.studies[0].space.map((d) => [d.key, d.distribution]));
    expect(p.study!.cfg.name).toBe('random');
    expect(space['trainer.weight_decay']).toEqual({ type: 'float', low: 0, high: 1e-3, log: false });
    expect(space['trainer.lr']).toMatchObject({ type: 'float', log: true }); // the preset's own keys stay
  });
});

describe('a command-line interval under the grid', () => {
  it('is refused naming the sampler sweepers and the grid\'s own sweeps', () => {
    expect(refused(() => plan(['trainer.lr=tag(log, interval(1e-4, 1e-2))']))).toBe(
      'trainer.lr=tag(log, interval(1e-4, 1e-2)): interval() is a search-space dimension, searched by a sampler: add sweeper=tpe (or sweeper=random) with sweeper.n_trials=<n>; for a grid, give choice() or range()');
  });

  it('+sweeper.params.<key>=... names the two spellings that work', () => {
    expect(refused(() => plan(['sweeper=tpe', '+sweeper.params.trainer.lr=tag(log, interval(1e-4, 1e-2))']))).toBe(
      '+sweeper.params.trainer.lr=tag(log, interval(1e-4, 1e-2)): a search-space dimension is given as trainer.lr=tag(log, interval(1e-4, 1e-2)) (with sweeper=tpe or sweeper=random), or as \'+sweeper.params={trainer.lr:"tag(log, interval(1e-4, 1e-2))"}\'');
  });
});
