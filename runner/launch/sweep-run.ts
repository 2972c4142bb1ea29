// One launch of a plan: the sweep record (multirun.yaml), the index mirror and the reporter, around
// a launcher that runs each batch. Between batches it asks the plan for more (an adaptive sweep),
// telling it every finished trial. Keeps going after a failed job (retrying it up to `retries` times,
// stopping after `maxFailures`), stops on interrupt. With `resume` it goes on with a recorded sweep.
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OutputsError } from '../errors.js';
import {
  createRunDir,
  createUniqueDir,
  DEFAULT_PATTERNS,
  formatPattern,
  readMetrics,
  selfOwner,
  writeSweepRecord,
  type AttemptSummary,
  type DirPatterns,
  type MetricRecord,
  type SweepCommand,
  type SweepJob,
  type SweepRecord,
  writeFailure,
} from '../outputs/index.js';
import { relativeDir } from '../tracking/index.js';
import type { Trial } from '../../sweeps/index.js';
import { prepareAttempt } from './attempts.js';
import { IndexMirror } from './index-mirror.js';
import { LocalLauncher } from './launchers/local.js';
import type { JobStart, SweepResume } from './resume.js';
import type { JobTicket, LaunchContext, Launcher } from './launchers/types.js';
import { checkHydraDirs, checkWritable } from './output-checks.js';
import { newId, newSweepRecord, sweepJob } from './sweep-record.js';
import { openStudies, runTrials } from './study-run.js';
import type { JobOutcome, LaunchReporter, LaunchResult, Plan, PlannedJob } from './types.js';

export interface LaunchOptions {
  outputsDir: string;
  /** SQLite index to record into; null to record only the folders. */
  indexPath: string | null;
  patterns?: DirPatterns;
  /** Abort to interrupt: the running job becomes `interrupted` and no further job starts. */
  signal?: AbortSignal;
  reporter?: LaunchReporter;
  /** How and where the jobs run; default the local launcher (one after another in this process). */
  launcher?: Launcher;
  now?: () => Date;
  /** The command as typed, recorded in multirun.yaml for --resume (default: the plan's overrides and zips, config dir 'conf'). */
  command?: SweepCommand;
  /** Go on with a recorded sweep (resumeSweep): its folder and record, the jobs kept and how the others start. */
  resume?: SweepResume;
  /** Start no further job once this many jobs have failed for good (after their retries); the rest end not started. */
  maxFailures?: number;
  /** Run a failed job again up to this many times, in its folder, each attempt recorded; default 0. */
  retries?: number;
}

const decode = (v: number | string) => (typeof v === 'number' ? v : Number(v));

export class SweepRun {
  private readonly now: () => Date;
  private readonly launcher: Launcher;
  /** Told its first failure once at the end (unless the outputs' disk is full: that is said anyway). */
  private readonly index: IndexMirror;
  private sweep: { record: SweepRecord; dir: string } | null = null;
  private readonly outcomes: JobOutcome[] = [];
  /** Jobs handed to a scheduler and not waited for (LaunchContext.submitted). */
  private readonly submitted: PlannedJob[] = [];
  /** Why the outputs could no longer be written (disk full ...): the sweep stopped there. */
  private cannotWrite: string | null = null;
  /** The last value of each metric, by run id: what a trial reports to the sweeper. */
  private readonly lastMetrics = new Map<string, Record<string, number>>();
  /** Jobs to start in a folder they had before (a resumed sweep's, or a failed attempt's before its retry). */
  private readonly starts = new Map<number, JobStart>();
  /** Failed jobs waiting for their retry, and their failed outcome (final if the retry never starts). */
  private readonly retryQueue = new Map<number, { job: PlannedJob; outcome: JobOutcome }>();
  private readonly opened = new Map<number, PlannedJob>();
  private failures = 0;
  /** Why the sweep stopped starting jobs after --max-failures, or null. */
  private failedOut: string | null = null;
  private batchNo = 0;

  constructor(
    private readonly plan: Plan,
    private readonly opts: LaunchOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.launcher = opts.launcher ?? new LocalLauncher();
    this.index = new IndexMirror(opts.indexPath);
    for (const [num, start] of opts.resume?.starts ?? []) this.starts.set(num, start);
    for (const { outcome, metrics } of opts.resume?.kept ?? []) {
      this.outcomes.push(outcome);
      this.lastMetrics.set(outcome.runId, metrics);
    }
  }

  /** Runs every batch; resolves with how the launch ended. Re-throws a runner failure after recording it. */
  async run(): Promise<LaunchResult> {
    const { plan, opts } = this;
    const signal = opts.signal ?? new AbortController().signal;
    const patterns = opts.patterns ?? DEFAULT_PATTERNS;
    const started = this.now();
    Object.values(patterns).forEach((p) => formatPattern(p, started)); // a bad pattern fails before anything starts
    plan.jobs.forEach((job) => checkHydraDirs(job, opts.outputsDir));
    checkWritable(opts.outputsDir);
    this.index.open();
    const root = plan.multirun ? (opts.resume ? this.reopenSweep() : this.openSweep(started)) : null;
    if (plan.study && root) {
      const unrecorded = openStudies(plan.study, root, this.sweep!.record, plan.jobs, this.index);
      if (unrecorded.length) this.addBatch(unrecorded);
    }
    opts.reporter?.start(plan, root ?? opts.outputsDir);
    let firstDir: string | null = null;
    const stop = new AbortController(); // the outputs cannot be written, or too many jobs failed: start no further job
    const jobSignal = AbortSignal.any([signal, stop.signal]);
    const ctx: LaunchContext = {
      signal: jobSignal,
      now: this.now,
      note: (message) => opts.reporter?.note?.(message),
      submitted: (job) => void this.submitted.push(job),
      open: (job) => {
        const hydra = job.hydra;
        const start = this.starts.get(job.num);
        this.starts.delete(job.num);
        const dir =
          start?.dir ??
          (root
            ? createUniqueDir(join(root, hydra?.sweepSubdir ?? String(job.num)))
            : hydra?.runDir
              ? createUniqueDir(hydra.runDir)
              : createRunDir(opts.outputsDir, patterns.run, this.now()));
        if (hydra) Object.assign(job, hydra.atDir(dir)); // ${hydra:runtime.output_dir} is this folder
        firstDir ??= dir;
        this.opened.set(job.num, job);
        opts.reporter?.jobStart(job, dir);
        const ticket = this.ticket(job, dir, start);
        if (root) plan.study?.started(job.num, ticket.runId, relative(root, dir));
        return ticket;
      },
      close: (outcome) => {
        const job = this.opened.get(outcome.num)!;
        this.noteJob(outcome.num, { status: outcome.status });
        const retry = outcome.status === 'failed' && !outcome.cannotWrite && !jobSignal.aborted && (outcome.attempt ?? 1) <= (opts.retries ?? 0);
        if (retry) {
          this.retryQueue.set(outcome.num, { job, outcome });
          this.starts.set(outcome.num, { dir: outcome.dir, runId: outcome.runId, attempt: outcome.attempt ?? 1, resuming: false });
          opts.reporter?.jobWarn(job, `attempt ${outcome.attempt ?? 1} failed (${outcome.reason ?? 'no reason'}); retrying, ${(opts.retries ?? 0) - (outcome.attempt ?? 1) + 1} left`);
          return;
        }
        this.outcomes.push(outcome);
        plan.study?.ended(outcome, this.lastMetrics.get(outcome.runId) ?? {});
        opts.reporter?.jobEnd(outcome);
        if (outcome.cannotWrite && !this.cannotWrite) {
          this.cannotWrite = outcome.reason;
          stop.abort(outcome.reason);
        }
        if ((outcome.status === 'failed' || outcome.status === 'lost') && ++this.failures === opts.maxFailures && !this.failedOut) {
          this.failedOut = `stopped after ${this.failures} failed job${this.failures === 1 ? '' : 's'} (--max-failures ${opts.maxFailures})`;
          stop.abort(this.failedOut);
        }
      },
    };
    let batch = plan.jobs;
    let launched = opts.resume ? opts.resume.record.jobs.length - plan.jobs.length : 0;
    try {
      if (plan.study) {
        const retry = (num: number) => {
          const queued = this.retryQueue.get(num);
          this.retryQueue.delete(num);
          return queued?.job;
        };
        await runTrials({ driver: plan.study, first: batch, recorded: this.sweep?.record.jobs ?? [], launcher: this.launcher, ctx, added: (job) => this.addBatch([job]), retry });
      }
      while (!plan.study && batch.length && !jobSignal.aborted) {
        await this.launcher.launch(batch, ctx);
        while (this.retryQueue.size && !jobSignal.aborted) {
          const retries = [...this.retryQueue.values()].map((r) => r.job);
          this.retryQueue.clear();
          await this.launcher.launch(retries, ctx);
        }
        launched += batch.length;
        if (jobSignal.aborted || !plan.next) break;
        batch = plan.next(this.trials(), launched);
        if (batch.length) this.addBatch(batch);
      }
      this.giveUpRetries();
    } catch (e) {
      // the runner itself failed: record what is known, release the display; a full disk or a folder that
      // cannot be written ends the sweep as failed with that reason, anything else is re-thrown
      const cannotWrite = writeFailure(e);
      this.cannotWrite ??= cannotWrite;
      this.outcomes.push(...this.launcher.abandon('failed', cannotWrite ?? `runner error: ${(e as Error)?.message ?? String(e)}`));
      this.giveUpRetries();
      const result = this.finish(this.unstarted(batch), root ?? firstDir ?? opts.outputsDir, true);
      await opts.reporter?.end(result);
      if (cannotWrite) return result;
      throw e;
    }
    const result = this.finish(this.unstarted(batch), root ?? firstDir ?? opts.outputsDir);
    await opts.reporter?.end(result);
    return result;
  }

  /** Creates the sweep folder and its `running` record; on a full disk removes them again and says so. */
  private openSweep(started: Date): string {
    const { plan, opts } = this;
    const command = opts.command ?? { overrides: plan.overrides, zip: plan.zip, config_dir: 'conf', config_name: 'config' };
    const record = newSweepRecord(plan, command, started);
    let root: string | null = null;
    try {
      const hydraRoot = plan.jobs[0]?.hydra?.sweepDir;
      root = hydraRoot ? createUniqueDir(hydraRoot) : createRunDir(opts.outputsDir, (opts.patterns ?? DEFAULT_PATTERNS).sweep, started);
      writeSweepRecord(root, record);
    } catch (e) {
      const cannotWrite = writeFailure(e);
      if (!cannotWrite) throw e;
      if (root) rmSync(root, { recursive: true, force: true }); // the folder this call just made, still empty
      this.index.close();
      throw new OutputsError(`${cannotWrite} (the outputs dir ${opts.outputsDir}); nothing was run`);
    }
    this.sweep = { record, dir: root };
    this.index.write((w) => w.sweep(record, relativeDir(opts.outputsDir, root)));
    return root;
  }

  /** A recorded sweep goes on in its folder: `running` again, owned by this process. */
  private reopenSweep(): string {
    const { dir, record } = this.opts.resume!;
    const owner = selfOwner();
    Object.assign(record, { status: 'running', finished_at: null, hostname: owner.hostname, pid: owner.pid, pid_started: owner.started });
    this.batchNo = Math.max(0, ...record.jobs.map((j) => j.batch));
    this.sweep = { record, dir };
    this.saveSweep();
    return dir;
  }

  /** Updates a job's line in multirun.yaml (written at once: a killed driver leaves it as it was). */
  private noteJob(num: number, fields: Partial<SweepJob>): void {
    const entry = this.sweep?.record.jobs.find((j) => j.num === num);
    if (!entry) return;
    Object.assign(entry, fields);
    this.saveSweep();
  }

  /** Failed jobs whose retry never started (the sweep stopped first) end with their failed attempt. */
  private giveUpRetries(): void {
    for (const { outcome } of this.retryQueue.values()) {
      this.outcomes.push(outcome);
      this.opts.reporter?.jobEnd(outcome);
    }
    this.retryQueue.clear();
  }

  /**
   * Hard stop (a second Ctrl-C): records the running jobs as interrupted without waiting for their
   * tasks, and the sweep as interrupted. Synchronous, so the caller may exit right after.
   */
  stopNow(reason: string): void {
    this.launcher.abandon('interrupted', reason);
    if (this.sweep && this.sweep.record.status === 'running') {
      this.sweep.record.status = 'interrupted';
      this.sweep.record.finished_at = this.now().toISOString();
      this.saveSweep();
    }
    this.index.close();
  }

  /**
   * The job's ids and hooks. `start`: it starts again in a folder it had (its next attempt): a rerun's
   * folder is cleared (the earlier attempt kept under attempts/) and its index rows dropped; a continuation
   * keeps both, its index metrics re-read from the folder once its run row is written.
   */
  private ticket(job: PlannedJob, dir: string, start?: JobStart): JobTicket {
    const runId = start?.runId || newId();
    const attempt = (start?.attempt ?? 0) + 1;
    const resuming = start?.resuming ?? false;
    let attempts: AttemptSummary[] = [];
    let carried: MetricRecord[] | null = null;
    if (start) {
      attempts = prepareAttempt(dir, resuming);
      if (resuming) carried = readMetrics(dir);
      else this.index.write((w) => w.forgetRun(runId));
    }
    const last: Record<string, number> = {};
    const fold = (ms: MetricRecord[]) => ms.forEach((m) => (last[m.name] = decode(m.value)));
    fold(carried ?? []);
    this.lastMetrics.set(runId, last);
    this.noteJob(job.num, { dir: this.sweep ? relative(this.sweep.dir, dir) : null, run_id: runId, status: 'running', attempt });
    return {
      job,
      dir,
      runId,
      sweepId: this.sweep?.record.id ?? null,
      attempt,
      attempts,
      resuming,
      hooks: {
        progress: (p) => this.opts.reporter?.jobProgress(job, p),
        warn: (message) => this.opts.reporter?.jobWarn(job, message),
        record: (r) => {
          this.index.write((w) => w.run(r, relativeDir(this.opts.outputsDir, dir), job.stored ?? job.config));
          if (carried) this.index.write((w) => w.replaceMetrics(runId, carried!));
          carried = null;
        },
        metric: (id, m: MetricRecord) => {
          last[m.name] = decode(m.value);
          this.index.write((w) => w.metric(id, m));
        },
        rewind: (id, kept) => {
          for (const name of Object.keys(last)) delete last[name];
          fold(kept);
          this.index.write((w) => w.replaceMetrics(id, kept));
        },
      },
    };
  }

  /** Every finished job so far, in job order, as the sweeper reads them. */
  private trials(): Trial[] {
    return [...this.outcomes]
      .sort((a, b) => a.num - b.num)
      .map((o) => ({
        num: o.num,
        overrides: o.overrides,
        status: o.status as Trial['status'],
        metrics: { ...this.lastMetrics.get(o.runId) },
        results: { ...o.results },
      }));
  }

  /** Records jobs the sweeper added (refusing a hydra dir outside the outputs dir) in multirun.yaml, and tells the reporter. */
  private addBatch(batch: PlannedJob[]): void {
    batch.forEach((job) => checkHydraDirs(job, this.opts.outputsDir));
    if (this.sweep) {
      this.batchNo++;
      this.sweep.record.jobs.push(...batch.map((j) => sweepJob(j, this.batchNo)));
      this.saveSweep();
    }
    this.opts.reporter?.batch?.(batch);
  }

  private unstarted(batch: PlannedJob[]): PlannedJob[] {
    return batch.filter((j) => !this.outcomes.some((o) => o.num === j.num) && !this.submitted.includes(j));
  }

  /**
   * Records the sweep's end; `runnerFailed`: the runner or the sweeper threw, so it did not complete.
   * Jobs left unstarted make it interrupted, unless the outputs could no longer be written: then it failed.
   */
  private finish(notStarted: PlannedJob[], dir: string, runnerFailed = false): LaunchResult {
    const { outcomes, cannotWrite } = this;
    const status = outcomes.some((o) => o.status === 'interrupted') || (notStarted.length && !cannotWrite && !this.failedOut)
      ? 'interrupted'
      : runnerFailed || cannotWrite || outcomes.some((o) => o.status === 'failed')
        ? 'failed'
        : this.submitted.length
          ? 'submitted'
          : 'completed';
    if (this.sweep) {
      // a submitted sweep runs on in the scheduler
      this.sweep.record.status = status === 'submitted' ? 'running' : status;
      this.sweep.record.finished_at = this.now().toISOString();
      try {
        this.saveSweep();
      } catch {
        // a full disk refused even the in-place rewrite: the index (if it could be written) still says how it ended
      }
    }
    this.index.close();
    if (this.index.problem && !cannotWrite) this.opts.reporter?.warn(this.index.problem);
    const submitted = this.submitted.length ? { submitted: [...this.submitted] } : {};
    return {
      sweepId: this.sweep?.record.id ?? null, dir, status, outcomes: [...outcomes], notStarted, ...submitted,
      ...(cannotWrite ? { cannotWrite } : {}), ...(this.failedOut ? { stoppedBy: this.failedOut } : {}),
    };
  }

  /** multirun.yaml, then the index (which is written even when the file could not be). */
  private saveSweep(): void {
    const { record, dir } = this.sweep!;
    try {
      writeSweepRecord(dir, record);
    } finally {
      this.index.write((w) => w.sweep(record, relativeDir(this.opts.outputsDir, dir)));
    }
  }

}

/** Runs a plan to its end: `new SweepRun(plan, opts).run()`. */
export const launch = (plan: Plan, opts: LaunchOptions): Promise<LaunchResult> => new SweepRun(plan, opts).run();
