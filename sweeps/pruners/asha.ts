// Asynchronous successive halving (Li et al. 2018, "A System for Massively Parallel Hyperparameter Tuning"),
// as Optuna's SuccessiveHalvingPruner does it. Rung r is reached at step min_resource · η^(s + r)
// (η = reduction_factor, s = min_early_stopping_rate). A trial that reaches a rung records there the value it
// reports at that moment and goes on only if that value is within the best 1/η of every value recorded at the
// rung so far, its own included; else it is pruned. Values are lower-is-better.
//
// Optuna keeps each trial's rung values as trial attributes. Here they are rebuilt from the intermediate values
// (every report was judged, so a trial that went on past a rung was promoted there): a trial records at rung r
// its first reported value at a step ≥ the rung's step. A pruned trial's last report counts only at the lowest
// rung it had not passed (where it was stopped), since a report that crosses several rungs at once stops at the
// first one it fails and the reports do not say which.
import type { StudyTrial } from '../samplers/types.js';
import type { Pruner, PrunerSpec } from './types.js';

export type AshaSpec = Extract<PrunerSpec, { name: 'asha' }>;

/** Optuna's defaults (min_resource has no numeric default there: 'auto'); one step is the smallest resource. */
export const ASHA_DEFAULTS: Omit<AshaSpec, 'name'> = { min_resource: 1, reduction_factor: 3, min_early_stopping_rate: 0 };

export class AshaPruner implements Pruner {
  constructor(readonly spec: Omit<AshaSpec, 'name'> = ASHA_DEFAULTS) {
    const { min_resource, reduction_factor, min_early_stopping_rate } = spec;
    if (!(Number.isFinite(min_resource) && min_resource > 0)) throw new RangeError(`sweeper.asha.min_resource: must be above 0, got ${min_resource}`);
    if (!(Number.isInteger(reduction_factor) && reduction_factor >= 2)) throw new RangeError(`sweeper.asha.reduction_factor: must be an integer ≥ 2, got ${reduction_factor}`);
    if (!(Number.isInteger(min_early_stopping_rate) && min_early_stopping_rate >= 0)) {
      throw new RangeError(`sweeper.asha.min_early_stopping_rate: must be an integer ≥ 0, got ${min_early_stopping_rate}`);
    }
  }

  /** The step at which rung `rung` is reached. */
  rungStep(rung: number): number {
    const { min_resource, reduction_factor, min_early_stopping_rate } = this.spec;
    return min_resource * reduction_factor ** (min_early_stopping_rate + rung);
  }

  /** The rungs a trial has passed when its latest report is at `step`: those reached by its earlier reports. */
  private rungsPassed(steps: readonly number[], step: number): number {
    const earlier = steps.reduce((m, s) => (s < step && s > m ? s : m), -Infinity);
    let rung = 0;
    while (earlier >= this.rungStep(rung)) rung++;
    return rung;
  }

  /** The value `t` recorded at `rung`, or undefined when it never reached it (see the file's note). */
  rungValue(t: StudyTrial, rung: number): number | undefined {
    const at = this.rungStep(rung);
    const i = t.intermediate.findIndex(([s]) => s >= at);
    if (i < 0) return undefined;
    const [step, value] = t.intermediate[i];
    if (Number.isNaN(value)) return undefined; // a NaN report is pruned before it is recorded
    const last = i === t.intermediate.length - 1;
    if (t.state === 'pruned' && last && this.rungsPassed(t.intermediate.map(([s]) => s), step) !== rung) return undefined;
    return value;
  }

  prune(trial: StudyTrial, step: number, trials: readonly StudyTrial[]): boolean {
    const report = trial.intermediate.filter(([s]) => s === step).at(-1);
    if (!report) return false;
    const value = report[1];
    const others = trials.filter((t) => t.number !== trial.number);
    for (let rung = this.rungsPassed(trial.intermediate.map(([s]) => s), step); ; rung++) {
      if (step < this.rungStep(rung)) return false;
      if (Number.isNaN(value)) return true;
      const competing = others.flatMap((t) => {
        const v = this.rungValue(t, rung);
        return v === undefined ? [] : [v];
      });
      competing.push(value);
      if (!promotable(value, competing, this.spec.reduction_factor)) return true;
    }
  }
}

/**
 * Optuna's `_is_trial_promotable_to_next_rung` (lower is better): within the best ⌊n/η⌋ of the n competing values;
 * while fewer than η have been recorded, only the best one goes on (Optuna cannot pause a trial to wait for more).
 */
export function promotable(value: number, competing: readonly number[], reductionFactor: number): boolean {
  const idx = Math.max(Math.floor(competing.length / reductionFactor) - 1, 0);
  const sorted = [...competing].sort((a, b) => a - b);
  return value <= sorted[idx];
}
