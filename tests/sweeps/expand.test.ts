import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSweep, planSweep } from '../../sweeps/index.js';

const configDir = join(import.meta.dirname, '..', '..', 'conf');

function presetDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-presets-'));
  mkdirSync(join(dir, 'sweep'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'sweep', `${name}.yaml`), text);
  return dir;
}

describe('expandSweep', () => {
  it('expands comma lists in Hydra order, non-sweep overrides in every job', () => {
    expect(expandSweep(['trainer=smoke', 'budget=2m,20m', 'horizon=h1,h3'], { configDir })).toEqual([
      ['trainer=smoke', 'budget=2m', 'horizon=h1'],
      ['trainer=smoke', 'budget=2m', 'horizon=h3'],
      ['trainer=smoke', 'budget=20m', 'horizon=h1'],
      ['trainer=smoke', 'budget=20m', 'horizon=h3'],
    ]);
  });

  it('lets a repeated key replace the earlier values at the first position', () => {
    expect(expandSweep(['budget=2m,20m', 'horizon=h1', 'budget=2b'], { configDir })).toEqual([['budget=2b', 'horizon=h1']]);
  });

  it('expands choice(), range() and glob() over a group', () => {
    expect(expandSweep(['seed=range(1,4)'], { configDir })).toEqual([['seed=1'], ['seed=2'], ['seed=3']]);
    expect(expandSweep(['horizon=glob(h*,exclude=h2)', 'budget=choice(2m,2b)'], { configDir })).toEqual([
      ['horizon=h1', 'budget=2m'], ['horizon=h1', 'budget=2b'],
      ['horizon=h3', 'budget=2m'], ['horizon=h3', 'budget=2b'],
      ['horizon=h5', 'budget=2m'], ['horizon=h5', 'budget=2b'],
    ]);
  });

  it('pairs --zip keys element-wise', () => {
    const jobs = expandSweep(['budget=2m,20m,200m', 'horizon=h1,h3,h5', 'seed=1,2'], { configDir, zip: [['budget', 'horizon']] });
    expect(jobs.map((j) => j.join(' '))).toEqual([
      'budget=2m horizon=h1 seed=1', 'budget=2m horizon=h1 seed=2',
      'budget=20m horizon=h3 seed=1', 'budget=20m horizon=h3 seed=2',
      'budget=200m horizon=h5 seed=1', 'budget=200m horizon=h5 seed=2',
    ]);
  });

  it('refuses interval(), which needs a sampler', () => {
    expect(() => expandSweep(['trainer.lr=interval(0.1,1)'], { configDir })).toThrow(/interval\(\) cannot be enumerated/);
  });
});

describe('sweep presets', () => {
  it('sweep=scaling gives the study grid: 4 budgets × 4 horizons, horizon fastest', () => {
    const plan = planSweep(['sweep=scaling'], { configDir });
    expect(plan.preset).toBe('scaling');
    expect(plan.jobs).toHaveLength(16);
    expect(plan.jobs.slice(0, 5)).toEqual([
      ['budget=2m', 'horizon=h1'], ['budget=2m', 'horizon=h2'], ['budget=2m', 'horizon=h3'], ['budget=2m', 'horizon=h5'],
      ['budget=20m', 'horizon=h1'],
    ]);
    expect(plan.jobs[15]).toEqual(['budget=2b', 'horizon=h5']);
  });

  it('lets the command line replace or add to a preset', () => {
    expect(expandSweep(['sweep=scaling', 'budget=2m', 'trainer=smoke'], { configDir }).map((j) => j.join(' '))).toEqual([
      'budget=2m horizon=h1 trainer=smoke', 'budget=2m horizon=h2 trainer=smoke',
      'budget=2m horizon=h3 trainer=smoke', 'budget=2m horizon=h5 trainer=smoke',
    ]);
  });

  it('reads zip: and YAML lists from a preset', () => {
    const dir = presetDir({ paired: 'params:\n  budget: [2m, 20m]\n  horizon: h1,h3\n  seed: 7\nzip: [[budget, horizon]]\n' });
    expect(expandSweep(['sweep=paired'], { configDir: dir })).toEqual([
      ['budget=2m', 'horizon=h1', 'seed=7'],
      ['budget=20m', 'horizon=h3', 'seed=7'],
    ]);
  });

  it('names the available presets for an unknown one, and the file for a malformed one', () => {
    expect(() => expandSweep(['sweep=scalng'], { configDir })).toThrow(/sweep=scalng: no preset .*scalng\.yaml; available: scaling/);
    const dir = presetDir({ bad: 'parms:\n  budget: 2m\n' });
    expect(() => expandSweep(['sweep=bad'], { configDir: dir })).toThrow(/bad\.yaml: unknown key 'parms'/);
  });
});
