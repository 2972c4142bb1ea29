// Random search on the Sampler seam: uniform draws per trial, from the trial's own stream.
import { describe, expect, it } from 'vitest';
import { createSampler, RandomSampler, sampleJobs } from '../../../sweeps/samplers/index.js';
import { searchSpace, trialOverrides } from '../../../sweeps/space.js';
import { noGroups, trial } from './helpers.js';

const space = searchSpace(['x=interval(-1.0, 1.0)', 'n=int(interval(16, 20))', 'k=tag(log, int(interval(1, 1000)))', 'lr=tag(log, interval(1e-4, 1e-2))', 'b=2m,20m'], noGroups);

describe('the random sampler', () => {
  it('draws each key uniformly within its distribution: ints with both ends, log keys log-uniformly', () => {
    const sampler = createSampler('random', 1);
    const draws = Array.from({ length: 400 }, (_, n) => sampler.sample(space, [], n));
    const of = (key: string) => draws.map((d) => d[key]);
    expect(new Set(of('n'))).toEqual(new Set([16, 17, 18, 19, 20]));
    expect(new Set(of('b'))).toEqual(new Set(['b=2m', 'b=20m']));
    const lrs = of('lr') as number[];
    expect(lrs.every((v) => v >= 1e-4 && v <= 1e-2)).toBe(true);
    expect(lrs.filter((v) => v < 1e-3).length).toBeGreaterThan(150); // log-uniform: half below the geometric middle
    const ks = of('k') as number[];
    expect(ks.every((v) => Number.isInteger(v) && v >= 1 && v <= 1000)).toBe(true);
    expect(ks.filter((v) => v < 32).length).toBeGreaterThan(150);
    expect((of('x') as number[]).every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it("ignores the trials: trial n's draw is a function of (seed, n) alone", () => {
    const a = new RandomSampler(3);
    const history = [trial(0, { x: 0.5 }, 1), trial(1, { x: -0.5 }, null, 'running')];
    expect(a.sample(space, history, 5)).toEqual(new RandomSampler(3).sample(space, [], 5));
    expect(a.sample(space, [], 5)).not.toEqual(a.sample(space, [], 6));
    expect(a.sample(space, [], 5)).not.toEqual(new RandomSampler(4).sample(space, [], 5));
  });

  it("gives a preset's jobs: trials 0 … samples - 1 as override lists", () => {
    const jobs = sampleJobs(space, { type: 'random', samples: 3, seed: 9 });
    const sampler = new RandomSampler(9);
    expect(jobs).toEqual([0, 1, 2].map((n) => trialOverrides(space, sampler.sample(space, [], n))));
    expect(jobs[0].map((o) => o.split('=')[0])).toEqual(['x', 'n', 'k', 'lr', 'b']);
  });
});
