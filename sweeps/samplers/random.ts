// Random search: instead of the grid, draw `samples` jobs, each key independently and uniformly
// from its distribution (a categorical choice, or a point in an interval). Seeded, so the same
// preset always gives the same jobs. Integer intervals include both ends; log ones draw log-uniformly.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';
import { SweepError } from '../product.js';
import { overrideFor, type Distribution, type SearchSpace } from '../space.js';
import type { SamplerSpec } from '../../schemas/sweep.js';
import { FixedSweeper } from '../sweeper.js';

export type { SamplerSpec };

/** A value of an interval distribution for the uniform u in [0, 1), as override text. */
function draw(d: Extract<Distribution, { type: 'float' | 'int' }>, u: number, key: string): string {
  const { low: lo, high: hi, log } = d;
  if (!(hi > lo)) throw new SweepError(`${key}=interval(${lo}, ${hi}): the upper end must be above the lower end`);
  if (log && lo <= 0) throw new SweepError(`${key}: tag(log, interval(...)) needs a lower end above 0, got ${lo}`);
  if (d.type === 'int') {
    const n = log ? Math.floor(Math.exp(Math.log(lo) + u * (Math.log(hi + 1) - Math.log(lo)))) : Math.floor(lo + u * (hi - lo + 1));
    return String(Math.min(n, hi));
  }
  const x = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  return String(Math.min(Math.max(Number(x.toPrecision(6)), lo), hi)); // 6 significant digits keep job lists readable
}

/** `spec.samples` override lists drawn from the space (one Mersenne Twister stream, key by key, job by job). */
export function sampleJobs(space: SearchSpace, spec: SamplerSpec): string[][] {
  const rng = mersenne(spec.seed); // same seed → same jobs on every platform
  const jobs: string[][] = [];
  for (let i = 0; i < spec.samples; i++) {
    jobs.push(
      space.map(({ key, distribution: d }) => {
        if (d.type !== 'categorical') return overrideFor(key, draw(d, uniformFloat64(rng), key));
        if (d.choices.length === 0) throw new SweepError(`${key}: the sweep has no values to sample from`);
        return d.choices[uniformInt(rng, 0, d.choices.length - 1)];
      }),
    );
  }
  return jobs;
}

export class RandomSampler extends FixedSweeper {
  constructor(space: SearchSpace, spec: SamplerSpec) {
    super(sampleJobs(space, spec));
  }
}
