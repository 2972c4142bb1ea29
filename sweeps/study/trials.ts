// A study's trials as the driver keeps them: a proposal's values as the user reads them, finished jobs
// into trial states and oriented values (lower is better, as every sampler and pruner reads them), the best.
import type { ParamValue, StudyTrial } from '../samplers/types.js';

/** The value of a proposed parameter as the user reads it: a number, or the choice's value text. */
export function shownValue(key: string, value: ParamValue): string {
  if (typeof value === 'number') return String(value);
  return value.startsWith(`${key}=`) ? value.slice(key.length + 1) : value;
}

/** What a finished job says about its trial. */
export interface TrialEnd {
  /** The run's status (completed, pruned, failed, interrupted, lost, skipped, ...). */
  status: string;
  /** The task's headline numbers, e.g. best_val_loss. */
  results: Record<string, number>;
  /** The last value of each metric the run logged. */
  metrics: Record<string, number>;
}

/**
 * The objective of a finished run, as the user reads it (not oriented): `best_<objective>` from its
 * headline numbers when the task keeps one (val_loss → best_val_loss), else the objective itself, else
 * the metric's last value; null when the run never logged it.
 */
export function objectiveValue(objective: string, end: Pick<TrialEnd, 'results' | 'metrics'>): number | null {
  const v = end.results[`best_${objective}`] ?? end.results[objective] ?? end.metrics[objective];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Lower is better: a maximized objective is negated. */
export const orient = (value: number, direction: 'minimize' | 'maximize') => (direction === 'maximize' ? -value : value);

/**
 * The trial state a job's end gives (issue 14's contract): completed → complete with its objective
 * (failed if it never logged one), pruned → pruned with its last value, interrupted → still running (a
 * resume runs it again), anything else → failed. Values oriented lower-is-better.
 */
export function trialEnd(end: TrialEnd, objective: string, direction: 'minimize' | 'maximize'): Pick<StudyTrial, 'state' | 'value'> {
  if (end.status === 'interrupted') return { state: 'running', value: null };
  if (end.status === 'pruned') {
    const last = end.metrics[objective];
    return { state: 'pruned', value: Number.isFinite(last) ? orient(last, direction) : null };
  }
  if (end.status !== 'completed') return { state: 'failed', value: null };
  const value = objectiveValue(objective, end);
  return value === null ? { state: 'failed', value: null } : { state: 'complete', value: orient(value, direction) };
}

/** The complete trial with the lowest oriented value (the first on a tie), or null. */
export function bestTrial<T extends Pick<StudyTrial, 'state' | 'value' | 'number'>>(trials: readonly T[]): T | null {
  let best: T | null = null;
  for (const t of trials) if (t.state === 'complete' && t.value !== null && (best === null || t.value < best.value!)) best = t;
  return best;
}
