// Random search: instead of the grid, draw `samples` jobs, each key independently and uniformly
// from its sweep (a choice/range/glob value, or a point in an interval()). Seeded, so the same
// preset always gives the same jobs. int(interval(a, b)) draws integers, both ends included;
// tag(log, interval(a, b)) draws log-uniformly.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';
import { IntervalSweep } from '../runner/overrides/index.js';
import type { SamplerSpec } from '../schemas/sweep.js';
import { SweepError } from './product.js';

export type { SamplerSpec };

/** One key to sample: a fixed override list to pick from, or an interval to draw from. */
export type SampledKey =
  | { key: string; overrides: string[] }
  | { key: string; interval: IntervalSweep };

function draw(interval: IntervalSweep, u: number, key: string): string {
  const lo = Number(interval.start);
  const hi = Number(interval.end);
  const log = interval.tags.has('log');
  if (!(hi > lo)) throw new SweepError(`${key}=interval(${lo}, ${hi}): the upper end must be above the lower end`);
  if (log && lo <= 0) throw new SweepError(`${key}: tag(log, interval(...)) needs a lower end above 0, got ${lo}`);
  if (typeof interval.start === 'bigint' && typeof interval.end === 'bigint') {
    const n = log ? Math.floor(Math.exp(Math.log(lo) + u * (Math.log(hi + 1) - Math.log(lo)))) : Math.floor(lo + u * (hi - lo + 1));
    return String(Math.min(n, hi));
  }
  const x = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  return String(Math.min(Math.max(Number(x.toPrecision(6)), lo), hi)); // 6 significant digits keep job lists readable
}

export function sampleJobs(keys: SampledKey[], spec: SamplerSpec): string[][] {
  const rng = mersenne(spec.seed); // same seed → same jobs on every platform
  const jobs: string[][] = [];
  for (let i = 0; i < spec.samples; i++) {
    jobs.push(
      keys.map((k) => {
        if ('interval' in k) return `${k.key}=${draw(k.interval, uniformFloat64(rng), k.key)}`;
        if (k.overrides.length === 0) throw new SweepError(`${k.key}: the sweep has no values to sample from`);
        return k.overrides[uniformInt(rng, 0, k.overrides.length - 1)];
      }),
    );
  }
  return jobs;
}
