// Optuna's MedianPruner (a PercentilePruner at 50): after `n_startup_trials` trials have completed, and once a
// trial is past `n_warmup_steps`, at the first report of each `interval_steps` interval, prune the trial when
// its best intermediate value so far is worse than the median of the completed trials' values at that same
// step. Values are lower-is-better (the study orients them), so "worse" is "greater".
import type { StudyTrial } from '../samplers/types.js';
import type { Pruner, PrunerSpec } from './types.js';

export type MedianSpec = Extract<PrunerSpec, { name: 'median' }>;

/** Optuna's defaults: MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1). */
export const MEDIAN_DEFAULTS: Omit<MedianSpec, 'name'> = { n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1 };

/** The median of `values` (numpy's: the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Optuna's `_is_first_in_interval_step`: true when `step` is the trial's first report at or after the latest
 * pruning point (n_warmup_steps + k·interval_steps) not above `step`, so a trial that reports every step is
 * judged once per interval.
 */
export function firstInInterval(step: number, steps: readonly number[], warmup: number, interval: number): boolean {
  const pruningPoint = Math.floor((step - warmup) / interval) * interval + warmup;
  const secondLast = steps.reduce((m, s) => (s > m && s !== step ? s : m), -1);
  return secondLast < pruningPoint;
}

export class MedianPruner implements Pruner {
  constructor(readonly spec: Omit<MedianSpec, 'name'> = MEDIAN_DEFAULTS) {
    for (const [key, min] of [['n_startup_trials', 0], ['n_warmup_steps', 0], ['interval_steps', 1]] as const) {
      const v = spec[key];
      if (!Number.isInteger(v) || v < min) throw new RangeError(`sweeper.median.${key}: must be an integer ≥ ${min}, got ${v}`);
    }
  }

  prune(trial: StudyTrial, step: number, trials: readonly StudyTrial[]): boolean {
    const { n_startup_trials: startup, n_warmup_steps: warmup, interval_steps: interval } = this.spec;
    const completed = trials.filter((t) => t.state === 'complete' && t.number !== trial.number);
    if (completed.length === 0 || completed.length < startup) return false;
    if (step < warmup) return false;
    if (!firstInInterval(step, trial.intermediate.map(([s]) => s), warmup, interval)) return false;
    const own = trial.intermediate.map(([, v]) => v).filter((v) => !Number.isNaN(v));
    if (own.length === 0) return true; // every value it reported is NaN
    const best = Math.min(...own);
    const atStep = completed.flatMap((t) => t.intermediate.filter(([s, v]) => s === step && !Number.isNaN(v)).slice(-1).map(([, v]) => v));
    if (atStep.length === 0) return false; // nobody to compare with at this step (Optuna's n_min_trials=1)
    return best > median(atStep);
  }
}
