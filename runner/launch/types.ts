import type { LauncherConfig } from '../../schemas/launcher.js';
import type { ConfigValue, RunStatus } from '../outputs/index.js';
import type { Progress } from '../tasks/index.js';
import type { Trial } from '../../sweeps/index.js';
import type { TrialLink } from '../../sweeps/pruners/types.js';
import type { StudySweeperConfig } from '../../schemas/sweeper.js';
import type { Study, TrialRecord } from '../../sweeps/study/index.js';

/** One composed, validated job, ready to launch. */
export interface PlannedJob {
  num: number;
  overrides: string[];
  config: ConfigValue;
  /** `config` as the run folder and the index keep it (values from the environment stay interpolations); default `config`. */
  stored?: ConfigValue;
  choices: Record<string, string>;
  /** The registered task it runs (config task.name). */
  task: string;
  /** A Hydra project's job: what its hydra node maps to (run folders, chdir, launcher), resolved. */
  hydra?: PlannedHydra;
  /** Set when the job is a trial of a study (sweeper=tpe|random): see TrialLink. */
  trial?: TrialLink;
}

/** The parts of a job's hydra node that Ladder acts on (see runner/compose's HydraMapping). */
export interface PlannedHydra {
  /** hydra.run.dir as an absolute folder (must lie inside the outputs dir), or null: the runDir pattern. */
  runDir: string | null;
  /** hydra.sweep.dir as an absolute folder (inside the outputs dir), or null: the sweepDir pattern. */
  sweepDir: string | null;
  /** hydra.sweep.subdir, relative to the sweep folder, or null: the job number. */
  sweepSubdir: string | null;
  /** hydra.job.chdir: the task runs with its run folder as the working directory. */
  chdir: boolean;
  /** Ladder's launcher for its hydra/launcher option, or null. */
  launcher: string | null;
  /** The config and stored config again, with `${hydra:runtime.output_dir}` (and run.dir) at the run folder. */
  atDir(dir: string): { config: ConfigValue; stored?: ConfigValue };
}

export interface Plan {
  multirun: boolean;
  /** The overrides as typed on the command line (recorded in multirun.yaml). */
  overrides: string[];
  preset: string | null;
  zip: string[][];
  /** The first batch, every job composed and validated (for a grid or random sweep: every job). */
  jobs: PlannedJob[];
  /**
   * The batch after those launched so far, asked with every finished trial (an adaptive sweep);
   * its jobs are numbered on from `nextNum`, all composed and validated before it returns;
   * [] when the sweep is done. Absent: the sweep is the one batch `jobs`.
   */
  next?: (trials: readonly Trial[], nextNum: number) => PlannedJob[];
  /** The `launcher` node every job shares (taken out of each job's config); absent: the local launcher. */
  launcher?: LauncherConfig;
  /**
   * sweeper=random|tpe: the studies (one per grid cell). `jobs` are trials already proposed; the sweep run
   * asks the driver for each further trial as a launcher slot frees up (`next` is not used).
   */
  study?: StudyPlan;
}

/** The studies of a sweeper=random|tpe sweep as the sweep run drives them (runner/launch/study-driver.ts). */
export interface StudyPlan {
  readonly studies: readonly Study[];
  readonly cfg: StudySweeperConfig;
  /** Trials that may run at once (sweeper.n_jobs). */
  readonly nJobs: number;
  /** Told of every change of a study or trial (the sweep run mirrors them into the index). */
  listener: ((study: Study, trial: TrialRecord | null) => void) | null;
  /** The sweep folder is known: the studies get their ids, folders and study.json. */
  open(sweepDir: string, sweepId: string): void;
  /** The next trial's composed job, numbered `num`, or null when every trial is proposed. */
  next(num: number): PlannedJob | null;
  /** A trial's job opened its run folder (`dir` relative to the sweep folder). */
  started(num: number, runId: string, dir: string): void;
  /** A trial's job ended. */
  ended(outcome: JobOutcome, metrics: Record<string, number>): void;
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
  /** The task's headline numbers that the run logged (see registerTask's `headline`), e.g. { n_params, best_val_loss, test_auc }. */
  results: Record<string, number>;
  /** The registered task the job ran. */
  task: string;
  /** Which start of the job this was (1: the first; see RunRecord.attempt). */
  attempt?: number;
  /** Set when the run folder could not be written (disk full, no permission): no later job can run. */
  cannotWrite?: true;
}

export interface LaunchResult {
  sweepId: string | null;
  /** The sweep root (multirun) or the run folder (single run). */
  dir: string;
  /** `submitted`: jobs were handed to a scheduler that runs them after this command (launcher=slurm, wait=false). */
  status: 'completed' | 'failed' | 'interrupted' | 'submitted';
  outcomes: JobOutcome[];
  /** Jobs handed to a scheduler and not waited for: their folders fill in as they run (`npx runs ls`). */
  submitted?: PlannedJob[];
  /** Jobs never started because the sweep was interrupted (or the outputs could no longer be written). */
  notStarted: PlannedJob[];
  /** Why the outputs could no longer be written (`disk full: ...`): the sweep stopped there, as failed. */
  cannotWrite?: string;
  /** Why no further job started after failures (`stopped after 1 failed job (--max-failures 1)`): the sweep failed. */
  stoppedBy?: string;
}

/** Receives launch events, e.g. to draw progress. All methods are called synchronously from the sweep run. */
export interface LaunchReporter {
  /** `plan.jobs` is the first batch. */
  start(plan: Plan, dir: string): void;
  /** The jobs of a later batch of an adaptive sweep, before any of them starts. */
  batch?(jobs: PlannedJob[]): void;
  jobStart(job: PlannedJob, dir: string): void;
  jobProgress(job: PlannedJob, progress: Progress): void;
  jobWarn(job: PlannedJob, message: string): void;
  jobEnd(outcome: JobOutcome): void;
  /** A line about the launch as a whole from the launcher (e.g. the SLURM job id), for stderr. */
  note?(message: string): void;
  /** A warning for the terminal that is not any one job's (e.g. the index could not be written). */
  warn(message: string): void;
  /** Resolves once the output is flushed. */
  end(result: LaunchResult): Promise<void>;
}
