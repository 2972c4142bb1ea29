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

/**
 * What a job needs to know when it is a study's trial: which trial it is, where it reports its intermediate
 * objective values (a folder shared by the study's trials, so it works across pool and SLURM processes), and
 * the pruner that judges them. Set by the study driver on the planned job; the run sees it as RunContext.trial.
 */
export interface TrialLink {
  /** The study's id (unique in the index). */
  study: string;
  number: number;
  /** Absolute folder of the study's reports, shared by its trials. */
  dir: string;
  pruner: PrunerSpec;
  /** The metric reported and judged, e.g. val_loss. */
  objective: string;
  direction: 'minimize' | 'maximize';
}
