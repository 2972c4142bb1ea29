// The launcher strategy (Hydra's habit): a sweep run hands a launcher each batch; the launcher only
// decides where and in which order its jobs run — one after another here (local), or in other
// processes or hosts (pool, slurm: each child runs `runner/launch/child.ts` on a job.json).
import type { JobHooks, RunIds } from '../job.js';
import type { Warmup } from '../../tasks/index.js';
import type { JobOutcome, PlannedJob } from '../types.js';

/**
 * A job handed to a launcher: its run folder (created; empty unless the job continues there), its ids and
 * attempt (RunIds: pass them all to JobRun, or to the child through jobFileOf), and where its events go.
 */
export interface JobTicket extends RunIds {
  job: PlannedJob;
  dir: string;
  hooks: JobHooks;
}

/** What the sweep run lends a launcher for one batch. */
export interface LaunchContext {
  /** Aborted on Ctrl-C: start no further job; running ones stop after saving their state. */
  readonly signal: AbortSignal;
  readonly now: () => Date;
  /** Creates the job's run folder and ids and announces its start; call it right before the job runs. */
  open(job: PlannedJob): JobTicket;
  /** Records how an opened job ended (outcome list, reporter); once per opened job. */
  close(outcome: JobOutcome): void;
  /** An opened job handed to a scheduler that this command does not wait for: it is not closed, and not `not started`. */
  submitted?(job: PlannedJob): void;
  /** A line for the user about the launch as a whole, e.g. the scheduler's job id. */
  note?(message: string): void;
}

export interface Launcher {
  /** The `launcher.name` that selects it, e.g. 'local'. */
  readonly name: string;
  /** How many jobs it may run at once (the progress display shows that many job lines running); default 1. */
  readonly slots?: number;
  /**
   * Checks, before anything is written, that the launcher can take these jobs as configured (SLURM: the
   * request is one the cluster accepts). Throws a ConfigError naming the launcher.* key to fix.
   */
  check?(jobs: readonly PlannedJob[]): Promise<void>;
  /**
   * Starts `job`'s warm-up (TaskOptions.warm) when the launcher will run it in this process with what it
   * knows now (its threads); the launch calls it once plans are made, before the preflight, and closes it
   * when it ends. Launchers whose jobs run in other processes leave it out.
   */
  warm?(job: PlannedJob): Promise<Warmup | null>;
  /** True when its jobs run on other machines (SLURM nodes): this machine's memory says nothing of theirs. */
  readonly remote?: boolean;
  /**
   * Runs a batch: opens, runs and closes each job, in an order of its choosing, starting none once
   * `ctx.signal` is aborted. Resolves when every job it started has ended. A rejection is a runner
   * failure (the disk is full, a child died unreported): the sweep run records it and re-throws.
   */
  launch(jobs: readonly PlannedJob[], ctx: LaunchContext): Promise<void>;
  /**
   * Hard stop (a second Ctrl-C, a runner failure): records every running job with `status` and
   * `reason` without waiting for it, synchronously, and returns their outcomes.
   */
  abandon(status: 'failed' | 'interrupted', reason: string): JobOutcome[];
}
