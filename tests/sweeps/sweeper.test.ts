// One search space from the override values, read by the grid and the random sampler behind one Sweeper interface.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSweep, FixedSweeper, GridSweeper, gridJobs, RandomSweeper, sampleJobs, searchSpace, type Trial } from '../../sweeps/index.js';

const configDir = join(import.meta.dirname, '..', '..', 'conf');
const groupOptions = (group: string) => (group === 'horizon' ? ['h1', 'h3', 'h5'] : []);
const trial = (num: number): Trial => ({ num, overrides: [], status: 'completed', metrics: {}, results: {} });

describe('searchSpace', () => {
  it('gives each key one distribution, in first-appearance order, a later override replacing an earlier one in place', () => {
    const space = searchSpace([
      'budget=2m,20m', 'trainer.lr=tag(log, interval(1e-4, 1e-2))', 'trainer.batch_size=int(interval(16, 64))',
      'model.dropout=interval(0, 0.5)', 'horizon=glob(h*)', 'seed=range(1,3)', '~trainer.max_steps', 'budget=2b',
    ], groupOptions);
    expect(space).toEqual([
      { key: 'budget', distribution: { type: 'categorical', choices: ['budget=2b'] } },
      { key: 'trainer.lr', distribution: { type: 'float', low: 1e-4, high: 1e-2, log: true } },
      { key: 'trainer.batch_size', distribution: { type: 'int', low: 16, high: 64, log: false } },
      { key: 'model.dropout', distribution: { type: 'float', low: 0, high: 0.5, log: false } },
      { key: 'horizon', distribution: { type: 'categorical', choices: ['horizon=h1', 'horizon=h3', 'horizon=h5'] } },
      { key: 'seed', distribution: { type: 'categorical', choices: ['seed=1', 'seed=2'] } },
      { key: '~trainer.max_steps', distribution: { type: 'categorical', choices: ['~trainer.max_steps'] } },
    ]);
  });

  it('turns a grammar mistake into a SweepError', () => {
    expect(() => searchSpace(['budget=choice(2m'], groupOptions)).toThrow(expect.objectContaining({ name: 'SweepError' }));
  });
});

describe('sweepers', () => {
  const space = searchSpace(['budget=2m,20m', 'horizon=h1,h3'], groupOptions);

  it('a grid is one batch in BasicSweeper order, then done', () => {
    const grid = new GridSweeper(space);
    const jobs = grid.ask([]);
    expect(jobs).toEqual(gridJobs(space));
    expect(jobs.map((j) => j.join(' '))).toEqual(['budget=2m horizon=h1', 'budget=2m horizon=h3', 'budget=20m horizon=h1', 'budget=20m horizon=h3']);
    expect(grid.ask([0, 1, 2, 3].map(trial))).toEqual([]);
    expect(new GridSweeper(space, [['budget', 'horizon']]).ask([])).toEqual([['budget=2m', 'horizon=h1'], ['budget=20m', 'horizon=h3']]);
  });

  it('keeps no state: asked with fewer trials it returns the jobs not yet tried', () => {
    const grid = new GridSweeper(space);
    expect(grid.ask([trial(0)])).toEqual(grid.jobs.slice(1));
  });

  it('the random sampler draws from the same space, the same jobs for the same seed', () => {
    const drawn = searchSpace(['trainer.lr=tag(log, interval(1e-4, 1e-2))', 'budget=2m,20m'], groupOptions);
    const sampler = new RandomSweeper(drawn, { type: 'random', samples: 5, seed: 3 });
    expect(sampler.ask([])).toEqual(sampleJobs(drawn, { type: 'random', samples: 5, seed: 3 }));
    expect(sampler.ask([])).toHaveLength(5);
    expect(sampler.ask([0, 1, 2, 3, 4].map(trial))).toEqual([]);
  });

  it('createSweep picks the preset sampler or the grid', () => {
    expect(createSweep(['sweep=lr_search'], { configDir }).sweeper).toBeInstanceOf(RandomSweeper);
    const grid = createSweep(['budget=2m,20m'], { configDir });
    expect(grid).toMatchObject({ preset: null, zip: [] });
    expect(grid.sweeper).toBeInstanceOf(GridSweeper);
    expect(grid.sweeper).toBeInstanceOf(FixedSweeper);
  });
});
