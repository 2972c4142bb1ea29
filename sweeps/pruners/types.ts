// The pruner seam of a study (Optuna's habit): after each evaluation a trial reports its objective, and the
// pruner decides from every trial's reports whether it should stop now, ending as `pruned`.
import type { StudyTrial } from '../samplers/types.js';

/** `sweeper.pruner`: none, Optuna's MedianPruner, or asynchronous successive halving (ASHA). */
export type PrunerSpec =
  | { name: 'none' }
  | { name: 'median'; n_startup_trials: number; n_warmup_steps: number; interval_steps: number }
  | { name: 'asha'; min_resource: number; reduction_factor: number; min_early_stopping_rate: number };

export interface Pruner {
  /**
   * True when `trial` (its intermediate values so far, the latest at `step`) should stop now, judged against
   * `trials`: the study's other trials, any state. Values are oriented so that lower is better.
   */
  prune(trial: StudyTrial, step: number, trials: readonly StudyTrial[]): boolean;
}
