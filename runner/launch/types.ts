import type { ConfigValue, DirPatterns, RunStatus } from '../outputs/index.js';
import type { Progress } from '../tasks/index.js';

/** One composed, validated job, ready to launch. */
export interface PlannedJob {
  num: number;
  overrides: string[];
  config: ConfigValue;
  choices: Record<string, string>;
  /** The registered task it runs (config task.name). */
  task: string;
}

export interface Plan {
  multirun: boolean;
  /** The overrides as typed on the command line (recorded in multirun.yaml). */
  overrides: string[];
  preset: string | null;
  zip: string[][];
  jobs: PlannedJob[];
}

export interface JobOutcome {
  num: number;
  runId: string;
  /** Absolute run folder. */
  dir: string;
  overrides: string[];
  status: RunStatus;
  reason: string | null;
  duration_s: number;
  /** The run's headline numbers when its task logged them (n_params, lowest val_loss, last test_auc), for the summary table. */
  results: JobResults;
}

export interface JobResults {
  n_params?: number;
  best_val_loss?: number;
  test_auc?: number;
}

export interface LaunchResult {
  sweepId: string | null;
  /** The sweep root (multirun) or the run folder (single run). */
  dir: string;
  status: 'completed' | 'failed' | 'interrupted';
  outcomes: JobOutcome[];
  /** Jobs never started because the sweep was interrupted. */
  notStarted: PlannedJob[];
}

/** Receives launch events, e.g. to draw progress. All methods are called synchronously from the launcher. */
export interface LaunchReporter {
  start(plan: Plan, dir: string): void;
  jobStart(job: PlannedJob, dir: string): void;
  jobProgress(job: PlannedJob, progress: Progress): void;
  jobWarn(job: PlannedJob, message: string): void;
  jobEnd(outcome: JobOutcome): void;
  /** A warning for the terminal that is not any one job's (e.g. the index could not be written). */
  warn(message: string): void;
  /** Resolves once the output is flushed. */
  end(result: LaunchResult): Promise<void>;
}

export interface LaunchOptions {
  outputsDir: string;
  /** SQLite index to record into; null to record only the folders. */
  indexPath: string | null;
  patterns?: DirPatterns;
  /** Abort to interrupt: the running job becomes `interrupted` and no further job starts. */
  signal?: AbortSignal;
  reporter?: LaunchReporter;
  now?: () => Date;
}
