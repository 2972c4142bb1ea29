// A seeded random Sampler on the sampler seam, for studies until the samplers of sweeps/samplers/ (TPE,
// random) take the seam over: each key drawn uniformly (log-uniformly under tag(log, ...)), the stream
// derived from (seed, trial number) alone, so a resumed or parallel study proposes the same trials.
// Points that break the constraint are drawn again (up to 10,000 times) and counted.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';
import type { SearchSpace } from '../space.js';
import type { Constraint, ParamValue, Sampler, StudyTrial } from '../samplers/types.js';
import { StudyError } from './space.js';

const MAX_DRAWS = 10_000;

export class SeededRandomSampler implements Sampler {
  rejected = 0;

  constructor(
    private readonly seed: number,
    private readonly constraint: Constraint | null = null,
  ) {}

  sample(space: SearchSpace, _trials: readonly StudyTrial[], number: number): Record<string, ParamValue> {
    const rng = mersenne((this.seed ^ Math.imul(number + 1, 0x9e3779b1)) >>> 0);
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const params: Record<string, ParamValue> = {};
      for (const { key, distribution: d } of space) {
        if (d.type === 'categorical') params[key] = d.choices[uniformInt(rng, 0, d.choices.length - 1)];
        else {
          const u = uniformFloat64(rng);
          const x = d.log ? Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low))) : d.low + u * (d.high - d.low);
          params[key] = d.type === 'int' ? Math.min(Math.floor(d.log ? x : d.low + u * (d.high - d.low + 1)), d.high) : x;
        }
      }
      if (!this.constraint || this.constraint.valid(params)) return params;
      this.rejected++;
    }
    throw new StudyError(`trial ${number}: no point satisfying ${this.constraint!.describe} in ${MAX_DRAWS} draws; widen the search space`);
  }
}
