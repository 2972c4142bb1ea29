// Conditional keys (sweeper.conditions): a key exists in a trial only for some values of another; the
// samplers leave it out otherwise, and TPE fits it only on the trials where it was present.
import { describe, expect, it } from 'vitest';
import { createSampler, type StudyTrial } from '../../../sweeps/samplers/index.js';
import { searchSpace, trialOverrides } from '../../../sweeps/space.js';
import { noGroups, runStudy } from './helpers.js';

const params = ['trainer.optimizer=choice(adamw,sgd)', 'trainer.momentum=interval(0.5, 0.99)', 'trainer.lr=tag(log, interval(1e-4, 1e-1))', 'model.norm=batch,layer', 'trainer.beta2=interval(0.9, 0.999)'];
const conditions = { 'trainer.momentum': 'trainer.optimizer=sgd', 'trainer.beta2': 'trainer.optimizer=adamw' };

describe('conditional keys in the search space', () => {
  it('carry their condition: the parent key and the parent choices they exist for', () => {
    const space = searchSpace(params, noGroups, { 'trainer.momentum': 'trainer.optimizer=sgd', 'model.norm': 'trainer.optimizer=adamw,sgd' });
    expect(space.find((p) => p.key === 'trainer.momentum')!.condition).toEqual({ key: 'trainer.optimizer', choices: ['trainer.optimizer=sgd'] });
    expect(space.find((p) => p.key === 'model.norm')!.condition!.choices).toEqual(['trainer.optimizer=adamw', 'trainer.optimizer=sgd']);
    expect(space.find((p) => p.key === 'trainer.lr')!.condition).toBeUndefined();
  });

  it('refuses, naming sweeper.conditions.<key>, an unknown key, an unknown parent or value, a non-choice parent and a cycle', () => {
    const bad = (conditions: Record<string, string>) => () => searchSpace(params, noGroups, conditions);
    expect(bad({ 'trainer.mom': 'trainer.optimizer=sgd' })).toThrow("sweeper.conditions.trainer.mom: 'trainer.mom' is not searched");
    expect(bad({ 'trainer.momentum': 'trainer.optimiser=sgd' })).toThrow(/sweeper\.conditions\.trainer\.momentum="trainer.optimiser=sgd": 'trainer.optimiser' is not searched/);
    expect(bad({ 'trainer.momentum': 'trainer.optimizer=sgdm' })).toThrow('trainer.optimizer=sgdm is not one of trainer.optimizer\'s choices (trainer.optimizer=adamw, trainer.optimizer=sgd)');
    expect(bad({ 'trainer.momentum': 'trainer.lr=0.1' })).toThrow("'trainer.lr' is an interval; a condition needs a choice");
    expect(bad({ 'model.norm': 'trainer.optimizer=sgd', 'trainer.optimizer': 'model.norm=batch' })).toThrow(/sweeper\.conditions: .* is a cycle/);
  });

  it('are checked for intervals too: lo ≥ hi and log with lo ≤ 0 are config errors up front', () => {
    expect(() => searchSpace(['trainer.lr=interval(0.1, 0.01)'], noGroups)).toThrow('trainer.lr=interval(0.1, 0.01): the upper end must be above the lower end');
    expect(() => searchSpace(['trainer.lr=tag(log, interval(0.0, 0.1))'], noGroups)).toThrow('trainer.lr: tag(log, interval(0, 0.1)) needs a lower end above 0');
  });
});

describe.each(['random', 'tpe'])('the %s sampler with conditional keys', (name) => {
  const space = searchSpace(params, noGroups, conditions);
  // sgd is best with momentum near 0.9; adamw is worse whatever beta2 is
  const objective = (p: StudyTrial['params']) => (p['trainer.optimizer'] === 'trainer.optimizer=sgd' ? Math.abs((p['trainer.momentum'] as number) - 0.9) : 1 + Math.abs((p['trainer.beta2'] as number) - 0.95));

  it('proposes a conditional key exactly when its condition holds', () => {
    const trials = runStudy(createSampler(name, 2), space, 40, objective);
    for (const t of trials) {
      const sgd = t.params['trainer.optimizer'] === 'trainer.optimizer=sgd';
      expect('trainer.momentum' in t.params).toBe(sgd);
      expect('trainer.beta2' in t.params).toBe(!sgd);
      expect(Object.keys(t.params)).toContain('trainer.lr');
      expect(trialOverrides(space, t.params).some((o) => o.startsWith('trainer.momentum='))).toBe(sgd);
    }
    expect(trials.some((t) => 'trainer.momentum' in t.params) && trials.some((t) => 'trainer.beta2' in t.params)).toBe(true);
  });
});

describe('TPE on conditional keys', () => {
  it('fits a conditional key only on the trials where it was present, and learns it there', () => {
    const space = searchSpace(params, noGroups, conditions);
    const objective = (p: StudyTrial['params']) => (p['trainer.optimizer'] === 'trainer.optimizer=sgd' ? Math.abs((p['trainer.momentum'] as number) - 0.9) : 1);
    const trials = runStudy(createSampler('tpe', 4), space, 60, objective);
    const late = trials.slice(30).filter((t) => 'trainer.momentum' in t.params);
    expect(late.length).toBeGreaterThan(15); // TPE moved to sgd
    const near = late.filter((t) => Math.abs((t.params['trainer.momentum'] as number) - 0.9) < 0.05).length;
    expect(near).toBeGreaterThan(late.length / 2);
  });
});

describe('a constraint on a conditional key', () => {
  it('is refused by every sampler, multivariate TPE included, rather than silently ignored', () => {
    const space = searchSpace(params, noGroups, conditions);
    const constraint = { keys: ['trainer.momentum'], describe: 'momentum below 0.9', valid: (p: StudyTrial['params']) => (p['trainer.momentum'] as number) < 0.9 };
    const history = runStudy(createSampler('random', 0), space, 12, () => 1);
    for (const sampler of [createSampler('random', 0, { constraints: [constraint] }), createSampler('tpe', 0, { constraints: [constraint], multivariate: true })]) {
      expect(() => sampler.sample(space, history, 12)).toThrow('trainer.momentum: a constrained key cannot be conditional (sweeper.conditions.trainer.momentum); drop the condition');
    }
  });
});
