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

  it('expands the scaling-study grid with later keys varying fastest', () => {
    const jobs = expandSweep(['budget=2m,20m,200m,2b', 'horizon=h1,h3', 'model=patchtst'], { configDir });
    expect(jobs).toHaveLength(8);
    expect(jobs[0]).toEqual(['budget=2m', 'horizon=h1', 'model=patchtst']);
    expect(jobs[1]).toEqual(['budget=2m', 'horizon=h3', 'model=patchtst']);
    expect(jobs[7]).toEqual(['budget=2b', 'horizon=h3', 'model=patchtst']);
  });

  it('expands glob() over the options groupOptions names', () => {
    expect(expandSweep(['budget=glob(*m,exclude=200m)'], { groupOptions: () => ['2m', '2b'] })).toEqual([['budget=2m']]);
  });

  it('pairs --zip keys element-wise', () => {
    const jobs = expandSweep(['budget=2m,20m,200m', 'horizon=h1,h3,h5', 'seed=1,2'], { configDir, zip: [['budget', 'horizon']] });
    expect(jobs.map((j) => j.join(' '))).toEqual([
      'budget=2m horizon=h1 seed=1', 'budget=2m horizon=h1 seed=2',
      'budget=20m horizon=h3 seed=1', 'budget=20m horizon=h3 seed=2',
      'budget=200m horizon=h5 seed=1', 'budget=200m horizon=h5 seed=2',
    ]);
  });

  it('refuses interval() in a grid: it needs a sampler', () => {
    expect(() => expandSweep(['trainer.lr=interval(0.1,1)'], { configDir })).toThrow(/trainer.lr=interval\(...\) cannot be enumerated as a grid: .* a preset with a sampler/);
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
    expect(() => expandSweep(['sweep=scalng'], { configDir })).toThrow(/sweep=scalng: no preset .*scalng\.yaml; available: hpo, hpo_train, lr_search, scaling/);
    const dir = presetDir({ bad: 'parms:\n  budget: 2m\n' });
    expect(() => expandSweep(['sweep=bad'], { configDir: dir })).toThrow(/bad\.yaml: unknown key 'parms'/);
  });
});

describe('preset validation (schemas/sweep)', () => {
  const mistake = (text: string): string => {
    const dir = presetDir({ p: text });
    try {
      expandSweep(['sweep=p'], { configDir: dir });
    } catch (e) {
      return (e as Error).message.slice(join(dir, 'sweep', 'p.yaml: ').length);
    }
    throw new Error('expected the preset to be refused');
  };

  it('names the key and the fix for each malformed part', () => {
    expect(mistake('- budget\n')).toBe("expected a mapping with 'params:'");
    expect(mistake('params: [budget]\n')).toBe("'params' must map keys to sweep values, e.g. budget: 2m,20m");
    expect(mistake('params:\n  budget: {a: 1}\n')).toBe('params.budget must be a value, a comma list or a YAML list of values');
    expect(mistake('params:\n  server/db: [a, [b]]\n')).toBe('params.server/db must be a value, a comma list or a YAML list of values');
    expect(mistake('params: {budget: 2m}\nzip: [budget, horizon]\n')).toBe("'zip' must be a list of key lists, e.g. [[budget, horizon]]");
    const fix = '; e.g. sampler: {type: random, samples: 20, seed: 0}';
    expect(mistake('sampler: {type: random, samples: 2, extra: 1}\n')).toBe(`unknown sampler key 'extra'${fix}`);
    expect(mistake('sampler: {type: random, samples: 0}\n')).toBe(`sampler.samples must be a positive integer${fix}`);
    expect(mistake('sampler: {type: random, samples: 2, seed: 0.5}\n')).toBe(`sampler.seed must be an integer${fix}`);
  });

  it('reports the first mistake in a fixed order: top-level keys, params, zip, then sampler type, keys, samples, seed', () => {
    expect(mistake('parms: 1\nparams: 3\n')).toMatch(/^unknown key 'parms'/);
    expect(mistake('zip: 3\nparams: 3\n')).toMatch(/^'params' must map keys/);
    expect(mistake('sampler: {type: grid, extra: 1}\n')).toMatch(/^sampler\.type must be 'random'/);
    expect(mistake('sampler: {type: random, extra: 1}\n')).toMatch(/^unknown sampler key 'extra'/);
  });

  it('fills in the defaults: no params, no zip, no sampler, sampler seed 0', () => {
    expect(planSweep(['sweep=empty', 'seed=1'], { configDir: presetDir({ empty: '' }) })).toMatchObject({ jobs: [['seed=1']], zip: [] });
    const dir = presetDir({ s: 'sampler: {type: random, samples: 3}\nparams:\n  seed: range(100)\n' });
    const seeded = presetDir({ s: 'sampler: {type: random, samples: 3, seed: 0}\nparams:\n  seed: range(100)\n' });
    expect(expandSweep(['sweep=s'], { configDir: dir })).toEqual(expandSweep(['sweep=s'], { configDir: seeded }));
  });
});

describe('random sampler presets', () => {
  const dir = presetDir({
    search: [
      'sampler: {type: random, samples: 40, seed: 7}',
      'params:',
      '  trainer.lr: tag(log, interval(1e-4, 1e-2))',
      '  trainer.batch_size: int(interval(16, 20))',
      '  budget: 2m,20m',
      '  seed: 3',
      '',
    ].join('\n'),
    zipped: 'sampler: {type: random, samples: 2}\nparams:\n  budget: 2m,20m\n  horizon: h1,h3\nzip: [[budget, horizon]]\n',
  });

  it('draws the given number of jobs, each key within its sweep, the same jobs for the same seed', () => {
    const jobs = expandSweep(['sweep=search', 'trainer=smoke'], { configDir: dir });
    expect(jobs).toHaveLength(40);
    expect(expandSweep(['sweep=search', 'trainer=smoke'], { configDir: dir })).toEqual(jobs);
    const values = (key: string) => jobs.map((j) => j.find((o) => o.startsWith(`${key}=`))!.slice(key.length + 1));
    const lrs = values('trainer.lr').map(Number);
    expect(lrs.every((v) => v >= 1e-4 && v < 1e-2)).toBe(true);
    expect(lrs.filter((v) => v < 1e-3).length).toBeGreaterThan(8); // log-uniform: about half below the geometric middle
    expect(lrs.filter((v) => v >= 1e-3).length).toBeGreaterThan(8);
    expect(new Set(values('trainer.batch_size'))).toEqual(new Set(['16', '17', '18', '19', '20']));
    expect(new Set(values('budget'))).toEqual(new Set(['2m', '20m']));
    expect(new Set(values('seed'))).toEqual(new Set(['3']));
    expect(jobs[0].map((o) => o.split('=')[0])).toEqual(['trainer.lr', 'trainer.batch_size', 'budget', 'seed', 'trainer']);
  });

  it('ships lr_search, and refuses a zip under a sampler', () => {
    expect(expandSweep(['sweep=lr_search'], { configDir })).toHaveLength(20);
    expect(() => expandSweep(['sweep=zipped'], { configDir: dir })).toThrow(/a sampler draws each key on its own, so drop the zip/);
  });

  it('names the fix for a malformed sampler', () => {
    const bad = presetDir({ s: 'sampler: {type: grid, samples: 3}\nparams: {budget: 2m}\n' });
    expect(() => expandSweep(['sweep=s'], { configDir: bad })).toThrow(/s\.yaml: sampler.type must be 'random'; e.g. sampler: \{type: random, samples: 20, seed: 0\}/);
  });
});
