// Random search: instead of the grid, draw `samples` jobs, each key independently and uniformly
// from its sweep (a choice/range/glob value, or a point in an interval()). Seeded, so the same
// preset always gives the same jobs. int(interval(a, b)) draws integers, both ends included;
// tag(log, interval(a, b)) draws log-uniformly.
import { IntervalSweep } from '../runner/overrides/index.js';
import { SweepError } from './product.js';

export interface SamplerSpec {
  type: 'random';
  samples: number;
  seed: number;
}

/** One key to sample: a fixed override list to pick from, or an interval to draw from. */
export type SampledKey =
  | { key: string; overrides: string[] }
  | { key: string; interval: IntervalSweep };

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; plenty for picking hyper-parameters. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const random = mulberry32(spec.seed);
  const jobs: string[][] = [];
  for (let i = 0; i < spec.samples; i++) {
    jobs.push(
      keys.map((k) => {
        const u = random();
        if ('interval' in k) return `${k.key}=${draw(k.interval, u, k.key)}`;
        if (k.overrides.length === 0) throw new SweepError(`${k.key}: the sweep has no values to sample from`);
        return k.overrides[Math.floor(u * k.overrides.length)];
      }),
    );
  }
  return jobs;
}
