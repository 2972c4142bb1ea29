// The sampler seam of a study (Optuna's habit): a sampler is a small object that proposes one trial's
// parameters from the finished (and running) trials; it keeps no record of its own, so a study rebuilt
// from storage proposes exactly what the original would have. Storage and the study driver live elsewhere.
import type { SearchSpace } from '../space.js';

/** A parameter's value in a trial: a number for float/int distributions, the chosen override text for categorical ones. */
export type ParamValue = number | string;

/** A trial as a sampler or pruner sees it (Optuna's FrozenTrial, cut down). */
export interface StudyTrial {
  /** Trial number within its study, 0, 1, ... in the order proposed. */
  number: number;
  /** running: proposed and not yet finished (a liar fills in its value while it runs). */
  state: 'running' | 'complete' | 'pruned' | 'failed';
  /** The parameters proposed for it, by search-space key. */
  params: Record<string, ParamValue>;
  /** The objective, already oriented so that lower is better (negated for direction=maximize); null when unknown. */
  value: number | null;
  /** Intermediate objective values reported during the trial, as [step, value] in step order (lower is better). */
  intermediate: [number, number][];
}

/** Which pairs of values a proposal may take together, e.g. the architectures within a parameter budget. */
export interface Constraint {
  /** The search-space keys the constraint ties together (all of them categorical or int). */
  keys: string[];
  /** True when the combination `params` (values for `keys`) is allowed. */
  valid(params: Record<string, ParamValue>): boolean;
  /** A line for the terminal and run.json saying what is enforced, e.g. 'exact count within 2m ± 50%, n_heads | d_model'. */
  describe: string;
}

export interface Sampler {
  /**
   * Parameters for trial `number`, from `trials` (every earlier trial of the study, in number order, running ones
   * included). Deterministic: the same seed, space, number and trials give the same proposal.
   * Returns every key of `space`, except conditional keys whose condition does not hold.
   */
  sample(space: SearchSpace, trials: readonly StudyTrial[], number: number): Record<string, ParamValue>;
  /** Proposals rejected so far because they broke a constraint (resampled, never proposed). */
  readonly rejected: number;
}
