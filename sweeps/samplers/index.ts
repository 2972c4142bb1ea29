// The samplers of a study (`sweeper=random|tpe`) on the Sampler seam (types.ts). A study makes one sampler
// per study (per grid cell: its constraint depends on the cell's budget) and asks it for each trial:
//
//   const space = searchSpace(paramTexts, groupOptions, cfg.conditions);        // sweeps/space.ts
//   const constraint = architectureConstraint(space, { model, channels, budget }); // sweeps/architecture.ts; null if not searched
//   if (constraint) validCombinations(space, constraint);                         // SweepError up front when nothing is valid
//   const sampler = createSampler(cfg.name, cfg.seed, { ...tpeKeys, constraints: constraint ? [constraint] : [] });
//   const params = sampler.sample(space, trials, number);                         // trials: every earlier one, running too
//   const overrides = [...trialOverrides(space, params), ...derivedOverrides(space.map((p) => p.key), params)];
import { SweepError } from '../product.js';
import { RandomSampler } from './random.js';
import { defaultGamma, TPE_DEFAULTS, TpeSampler, type TpeOptions } from './tpe.js';
import type { Constraint, Sampler } from './types.js';

export { MAX_DRAWS, validCombinations } from './propose.js';
export { RandomSampler, RandomSweeper, sampleJobs, type SamplerSpec } from './random.js';
export { TpeSampler, type TpeOptions } from './tpe.js';
export type { Constraint, ParamValue, Sampler, StudyTrial } from './types.js';

/** The samplers `sweeper.name` selects for a study. */
export const SAMPLER_NAMES = ['random', 'tpe'] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/**
 * Options of createSampler: the constraints to honour, and sweeper=tpe's own keys as `sweeper.*` spells them
 * (Optuna's TPESampler names; defaults in TPE_DEFAULTS). `gamma` is the fraction of finished trials in the
 * "below" group: gamma(n) = min(ceil(gamma · n), 25), Optuna's default_gamma at 0.1. Random ignores TPE's keys.
 */
export interface SamplerOptions {
  constraints?: Constraint[];
  n_startup_trials?: number;
  n_ei_candidates?: number;
  gamma?: number;
  prior_weight?: number;
  consider_magic_clip?: boolean;
  consider_endpoints?: boolean;
  constant_liar?: boolean;
  multivariate?: boolean;
}

/** The sweeper=tpe keys createSampler reads, with their defaults (for the sweeper schema and docs). */
export const TPE_OPTION_DEFAULTS = {
  n_startup_trials: TPE_DEFAULTS.n_startup_trials,
  n_ei_candidates: TPE_DEFAULTS.n_ei_candidates,
  gamma: 0.1,
  prior_weight: TPE_DEFAULTS.prior_weight,
  consider_magic_clip: TPE_DEFAULTS.consider_magic_clip,
  consider_endpoints: TPE_DEFAULTS.consider_endpoints,
  constant_liar: TPE_DEFAULTS.constant_liar,
  multivariate: TPE_DEFAULTS.multivariate,
} as const;

/**
 * The sampler `name` seeded with `seed` (an integer; proposals are a function of seed, space, trial number and
 * earlier trials). Throws SweepError naming the sweeper key for an unknown name or an out-of-range option.
 */
export function createSampler(name: string, seed: number, options: SamplerOptions = {}): Sampler {
  const { constraints = [], gamma, ...rest } = options;
  if (!Number.isInteger(seed)) throw new SweepError(`sweeper.seed must be an integer, got ${seed}`);
  if (name === 'random') return new RandomSampler(seed, constraints);
  if (name !== 'tpe') throw new SweepError(`sweeper.name=${name}: no such sampler; use one of ${SAMPLER_NAMES.join(', ')}`);
  const positiveInt = (key: 'n_startup_trials' | 'n_ei_candidates', min: number) => {
    const v = rest[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new SweepError(`sweeper.${key} must be an integer ≥ ${min}, got ${v}`);
  };
  positiveInt('n_startup_trials', 0);
  positiveInt('n_ei_candidates', 1);
  if (gamma !== undefined && !(gamma > 0 && gamma <= 1)) throw new SweepError(`sweeper.gamma must be in (0, 1], got ${gamma}`);
  if (rest.prior_weight !== undefined && !(rest.prior_weight > 0)) throw new SweepError(`sweeper.prior_weight must be above 0, got ${rest.prior_weight}`);
  const tpe: Partial<TpeOptions> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (gamma !== undefined) tpe.gamma = (n) => Math.min(Math.ceil(gamma * n), 25);
  else tpe.gamma = defaultGamma;
  return new TpeSampler(seed, tpe, constraints);
}
