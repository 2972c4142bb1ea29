// A sweeper is an ask/tell loop (Optuna's habit): it keeps no record of its own; each time it is
// asked it receives every finished trial and returns the next batch of jobs, or [] when done.
// A grid or a random search is a single batch; an adaptive sampler asks again with results.

/** A finished job of the sweep, as the sweeper sees it. */
export interface Trial {
  /** Job number in the sweep (0, 1, ... in launch order). */
  num: number;
  /** The job's overrides, as the sweeper returned them. */
  overrides: string[];
  status: 'completed' | 'failed' | 'skipped' | 'interrupted' | 'pruned';
  /** The last value logged under each metric name (NaN / ±Infinity as numbers). */
  metrics: Record<string, number>;
  /** The task's headline numbers (e.g. best_val_loss for train: the lowest val_loss), a natural objective. */
  results: Record<string, number>;
}

export interface Sweeper {
  /**
   * The next batch: each job's override list. `trials` are every job launched so far, in job order,
   * all finished. [] means the sweep is done. Jobs are numbered on from trials.length.
   * Throws SweepError for a mistake in the sweep itself.
   */
  ask(trials: readonly Trial[]): string[][];
}

/** A sweeper over a fixed job list, all in one batch (grid, random search). */
export class FixedSweeper implements Sweeper {
  constructor(readonly jobs: string[][]) {}

  ask(trials: readonly Trial[]): string[][] {
    return this.jobs.slice(trials.length);
  }
}
