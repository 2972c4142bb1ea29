// Random search: each key drawn on its own, uniformly from its distribution (a choice, or a point in an
// interval: ints with both ends included, log intervals log-uniformly), from the trial's own stream
// (seed, number). As a study's sampler (RandomSampler) and as a preset's one batch of jobs (RandomSweeper).
import type { SamplerSpec } from '../../schemas/sweep.js';
import { SweepError } from '../product.js';
import type { Distribution, SearchParam, SearchSpace } from '../space.js';
import { trialOverrides } from '../space.js';
import { FixedSweeper } from '../sweeper.js';
import { roundFloat } from './parzen.js';
import { constrainedParams, productModel, propose, validCombinations, type KeyModel } from './propose.js';
import { trialRng, type Rng } from './rng.js';
import type { Constraint, ParamValue, Sampler, StudyTrial } from './types.js';

export type { SamplerSpec };

/** A uniform draw from `d`: a choice's text, an integer, or a float rounded to 6 significant digits. */
export function drawUniform(d: Distribution, rng: Rng): ParamValue {
  if (d.type === 'categorical') return d.choices[rng.below(d.choices.length)];
  const { low, high, log } = d;
  if (d.type === 'int') {
    if (!log) return low + rng.below(high - low + 1);
    // Optuna's: log-uniform over [low - ½, high + ½], rounded, so each end gets its share
    const x = Math.exp(Math.log(low - 0.5) + rng.uniform() * (Math.log(high + 0.5) - Math.log(low - 0.5)));
    return Math.min(Math.max(Math.round(x), low), high);
  }
  const x = log ? Math.exp(Math.log(low) + rng.uniform() * (Math.log(high) - Math.log(low))) : low + rng.uniform() * (high - low);
  return roundFloat(x, low, high);
}

/** The model of random search: one uniform draw, no preference. */
export function uniformModel(p: SearchParam): KeyModel {
  const d = p.distribution;
  if (d.type === 'categorical' && d.choices.length === 0) throw new SweepError(`${p.key}: the sweep has no values to sample from`);
  return { draw: (rng) => drawUniform(d, rng), score: () => 0 };
}

/** Optuna's RandomSampler on the study seam: ignores the trials; constrained keys are drawn until valid. */
export class RandomSampler implements Sampler {
  private readonly tally = { rejected: 0 };
  private readonly valid = new Map<Constraint, Record<string, ParamValue>[]>();

  constructor(
    readonly seed: number,
    readonly constraints: readonly Constraint[] = [],
  ) {}

  get rejected(): number {
    return this.tally.rejected;
  }

  sample(space: SearchSpace, _trials: readonly StudyTrial[], number: number): Record<string, ParamValue> {
    const groups = this.constraints.map((c) => productModel(constrainedParams(space, c), uniformModel));
    return propose(space, this.constraints, (c) => this.validSet(space, c), { groups, model: uniformModel, candidates: 1 }, trialRng(this.seed, number), this.tally);
  }

  /** The constraint's valid combinations (enumerated once; throws SweepError when there are none). */
  validSet(space: SearchSpace, c: Constraint): Record<string, ParamValue>[] {
    let set = this.valid.get(c);
    if (!set) this.valid.set(c, (set = validCombinations(space, c)));
    return set;
  }
}

/** `spec.samples` override lists drawn from the space: trials 0 … samples - 1 of a RandomSampler seeded spec.seed. */
export function sampleJobs(space: SearchSpace, spec: SamplerSpec): string[][] {
  const sampler = new RandomSampler(spec.seed);
  return Array.from({ length: spec.samples }, (_, n) => trialOverrides(space, sampler.sample(space, [], n)));
}

/** A preset's `sampler: {type: random}`: its jobs in one batch. */
export class RandomSweeper extends FixedSweeper {
  constructor(space: SearchSpace, spec: SamplerSpec) {
    super(sampleJobs(space, spec));
  }
}
