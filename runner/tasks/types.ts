// The task interface: what a job function receives and may return. The runner knows nothing
// about what a task does (training, evaluation, ...); it only records what the task reports.
import type { PreflightLine } from '../monitor/index.js';
import type { ConfigValue } from '../outputs/index.js';
import type { TrialLink } from '../../sweeps/pruners/types.js';

export interface Metric {
  name: string;
  value: number;
  step?: number;
  epoch?: number;
}

export interface Progress {
  /** Units done so far, e.g. the step or epoch. */
  current?: number;
  /**
   * Units in all; with current it gives a bar and an ETA. The ETA is the rate since the first update that
   * carries `current`: send one as the work starts (0, or the units a resumed run already did), so that
   * start-up is not taken for work; without one, the ETA shows from the second such update.
   */
  total?: number;
  /** A short status line, e.g. 'epoch 3/50 · loss 0.31'. */
  status?: string;
  /**
   * Lines to show once and keep, e.g. a small table: printed at once (never dropped by the throttle) as
   * plain lines, kept under the job's line in a live display. A later note replaces it there.
   */
  note?: readonly string[];
}

export interface RunContext {
  /** The job's run folder (absolute); artifacts go here. */
  readonly dir: string;
  readonly runId: string;
  readonly sweepId: string | null;
  /** Job number within the sweep (0 for a single run). */
  readonly job: number;
  readonly overrides: readonly string[];
  /** Group → chosen option, e.g. { budget: '2m', horizon: 'h3' }. */
  readonly choices: Readonly<Record<string, string>>;
  /**
   * Intra-op threads the launcher grants this job (local: every core; pool: cores / n_jobs), recorded in
   * run.json `info.threads`; undefined when no launcher placed the job (the engine then uses every core).
   */
  readonly threads?: number;
  /** Aborted on Ctrl-C: stop soon, save what should survive, then return (the job becomes `interrupted`). */
  readonly signal: AbortSignal;
  /** A line in the run's log file (run.log). */
  log(message: string): void;
  /** A warning: in run.log and shown under the job's progress line, e.g. a parameter count off budget. */
  warn(message: string): void;
  /** Appends to metrics.jsonl and the index. */
  logMetric(metric: Metric): void;
  /** Several metrics at the same step/epoch, e.g. logMetrics({ train_loss: 0.4, lr: 1e-3 }, { epoch: 2 }). */
  logMetrics(values: Record<string, number>, at?: { step?: number; epoch?: number }): void;
  /** Live progress for the terminal (throttled by the renderer; call as often as you like). */
  progress(p: Progress): void;
  /** Writes a file in the run folder (subfolders allowed, e.g. 'checkpoints/best.safetensors'); returns its path. */
  writeArtifact(name: string, data: string | Uint8Array): string;
  /** Absolute path for an artifact a library writes itself (its folder is created). */
  artifactPath(name: string): string;
  /** Records facts about the run in run.json `info` and the index, e.g. { n_params: 1998720 }. */
  setInfo(fields: Record<string, ConfigValue>): void;
  /**
   * True when the config value at dotted `key` was written as a float with a whole-number value
   * (`1.0`, `1e3`) rather than an int (`1`): the spec holds plain numbers, where 1.0 === 1. For a
   * setting whose meaning depends on it, e.g. Lightning's limit_train_batches (1.0 all, 1 one batch).
   */
  isFloat(key: string): boolean;
  /**
   * True when this run continues in its own folder (a sweep's `--resume`): the task's resume point
   * (TaskOptions.resumePoint) is there, and the folder holds the earlier attempt's files and metrics.
   */
  readonly resuming: boolean;
  /** Metric rows in this run's metrics.jsonl so far, earlier attempts' included: a mark to save with a resume point. */
  metricCount(): number;
  /**
   * Keeps only the first `count` metric rows (file and index): a resuming task rewinds to the mark it
   * saved with its resume point, so rows logged after it by the killed attempt are neither kept nor doubled.
   */
  rewindMetrics(count: number): void;
  /**
   * Set when the run is a trial of a study (PlannedJob.trial, under every launcher): where it reports its
   * objective after each evaluation and which pruner judges it. A task that can stop early calls
   * `reportAndShouldPrune(ctx.trial, step, value)` (sweeps/pruners) and, on true, returns
   * `{ status: 'pruned', reason }`. The run's end writes the trial's end line in its report file.
   */
  readonly trial?: TrialLink;
}

/** What a task's warm-up (TaskOptions.warm) hands the launch: how to release it when no job used it. */
export interface Warmup {
  /** Releases what the warm-up started, unless its job took it (then nothing happens); never throws. */
  close(): Promise<void>;
}

/** Where the jobs a preflight checks will run. */
export interface PreflightEnv {
  outputsDir: string;
  /** Jobs the launcher runs at once on this machine (pool: n_jobs); 0 when they run elsewhere (SLURM). */
  concurrent: number;
}

/**
 * What a task may return: nothing (completed), or why it failed, was skipped or stopped unfinished; `pruned`
 * when it is a study's trial that its pruner stopped (see RunContext.trial).
 */
export type TaskResult = void | { status: 'failed' | 'skipped' | 'interrupted' | 'pruned'; reason: string };

export type Task<Spec = unknown> = (spec: Spec, ctx: RunContext) => Promise<TaskResult>;

/**
 * A headline number of a task, shown in the end-of-run table and kept in each job's outcome
 * (`results`), e.g. the lowest val_loss. It reduces every value logged under `metric`.
 */
export interface Headline {
  /** The key in a job outcome's `results`, e.g. 'best_val_loss'. */
  name: string;
  /** The metric it reduces; default `name`. */
  metric?: string;
  /** last: the latest value; min / max: the lowest / highest so far (a NaN is replaced by the next value). */
  reduce: 'last' | 'min' | 'max';
  /** The table's column title; default `name`. */
  column?: string;
  /** How the table shows a value; default String(value). */
  format?: (value: number) => string;
}

export interface TaskOptions<Spec = unknown> {
  /** One line for listings. */
  description?: string;
  /** The numbers that sum up a run of this task, in table column order. */
  headline?: Headline[];
  /**
   * JSON Schema of the spec this task needs (e.g. schemas/spec's specSchema for `train`). Every config
   * that selects the task is checked against it when composed: a missing, unknown or mistyped key is a
   * config error naming the key. Without one the task takes whatever tree the config dir composes.
   */
  spec?: object;
  /**
   * Checks that span fields of one job's spec (d_model vs n_heads, a data file that must exist, ...),
   * called for every job of a plan before any job starts. Throw an Error whose message is one line
   * naming the field, the values and the fix: it is reported as a config error (exit 2, nothing
   * written). Must be synchronous and read nothing large.
   */
  check?: (spec: Spec) => void;
  /** An interrupted run of this task continues with `npx run --resume <run folder>` (the summary says so). */
  resumable?: boolean;
  /**
   * Lines `npx run --dry-run` prints under a job of this task: what the job would do that its overrides
   * do not show (the train task: the candidates of trainer.batch_size=auto and their memory estimates).
   * Must not train or write; may read the machine (free memory) and caches.
   */
  describe?: (spec: Spec) => string[] | Promise<string[]>;
  /**
   * The file, relative to the run folder, whose presence means a stopped run can continue where it left
   * off (train: checkpoints/last.safetensors). Recorded in run.json: a run whose process died is closed as
   * interrupted when it is there and as lost when not, and a sweep's `--resume` continues the job in its
   * folder (RunContext.resuming) when it is there and starts it afresh when not.
   */
  resumePoint?: string;
  /**
   * Machine checks of the jobs about to start (backend, sensors, memory, disk), run once per launch
   * before the first job; `npx run` prints the lines as one block. A line that `refuses` stops the
   * launch (nothing is run); a fail that concerns single jobs is theirs to act on when they start.
   */
  preflight?: (jobs: { num: number; spec: Spec }[], env: PreflightEnv) => Promise<PreflightLine[]>;
  /**
   * Starts, ahead of a job that runs in this process, what its first moments need (train: the engine's
   * worker, opening the train session from the start-up cache), so that it runs alongside the launch
   * preflight and the run records. Called with the job's spec and the threads its launcher grants it; the
   * job takes it when it runs with that spec. The launch close()s it when it ends (a job refused, or run
   * without it). Must not throw, print or write; null when there is nothing to start.
   */
  warm?: (spec: Spec, env: { threads?: number }) => Promise<Warmup | null>;
}
