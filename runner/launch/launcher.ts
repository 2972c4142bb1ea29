// Launches a plan's jobs one after another (the `local` launcher): creates the run folders,
// mirrors every record into the index, keeps going after a failed job, stops on interrupt.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  createRunDir,
  createUniqueDir,
  DEFAULT_PATTERNS,
  environment,
  formatPattern,
  writeSweepRecord,
  type MetricRecord,
  type SweepRecord,
} from '../outputs/index.js';
import { IndexWriter, openIndex, relativeDir, type Db } from '../tracking/index.js';
import { JobRun } from './job.js';
import type { JobOutcome, LaunchOptions, LaunchResult, Plan } from './types.js';

export const newId = () => randomBytes(4).toString('hex');

export class Launcher {
  private readonly now: () => Date;
  private db: Db | null = null;
  private writer: IndexWriter | null = null;
  private indexWarned = false;
  private current: JobRun | null = null;
  private sweep: { record: SweepRecord; dir: string } | null = null;

  constructor(
    private readonly plan: Plan,
    private readonly opts: LaunchOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  async run(): Promise<LaunchResult> {
    const { plan, opts } = this;
    const signal = opts.signal ?? new AbortController().signal;
    const patterns = opts.patterns ?? DEFAULT_PATTERNS;
    const started = this.now();
    Object.values(patterns).forEach((p) => formatPattern(p, started)); // a bad pattern fails before anything starts
    this.openIndex();
    const root = plan.multirun ? createRunDir(opts.outputsDir, patterns.sweep, started) : null;
    if (root) {
      const record: SweepRecord = {
        id: newId(),
        status: 'running',
        started_at: started.toISOString(),
        finished_at: null,
        overrides: plan.overrides,
        preset: plan.preset,
        zip: plan.zip,
        jobs: plan.jobs.map((j) => ({ num: j.num, overrides: j.overrides })),
        hostname: environment().host.hostname,
        pid: process.pid,
      };
      this.sweep = { record, dir: root };
      this.saveSweep();
    }
    opts.reporter?.start(plan, root ?? opts.outputsDir);
    const outcomes: JobOutcome[] = [];
    let firstDir: string | null = null;
    let next = 0;
    try {
      for (; next < plan.jobs.length && !signal.aborted; next++) {
        const job = plan.jobs[next];
        const dir = root ? createUniqueDir(join(root, String(job.num))) : createRunDir(opts.outputsDir, patterns.run, this.now());
        firstDir ??= dir;
        opts.reporter?.jobStart(job, dir);
        this.current = new JobRun(job, dir, { runId: newId(), sweepId: this.sweep?.record.id ?? null }, {
          progress: (p) => opts.reporter?.jobProgress(job, p),
          warn: (message) => opts.reporter?.jobWarn(job, message),
          record: (r) => this.index((w) => w.run(r, relativeDir(opts.outputsDir, dir), job.config)),
          metric: (id, m: MetricRecord) => this.index((w) => w.metric(id, m)),
        }, this.now);
        const outcome = await this.current.execute(signal);
        this.current = null;
        outcomes.push(outcome);
        opts.reporter?.jobEnd(outcome);
      }
    } catch (e) {
      // the runner itself failed (e.g. the disk is full): record what is known, release the display, re-throw
      const reason = `runner error: ${(e as Error)?.message ?? String(e)}`;
      if (this.current) outcomes.push(this.current.finish('failed', reason));
      const result = this.finish(outcomes, plan.jobs.slice(next + (this.current ? 1 : 0)), root ?? firstDir ?? opts.outputsDir);
      await opts.reporter?.end(result);
      throw e;
    }
    const result = this.finish(outcomes, plan.jobs.slice(next), root ?? firstDir ?? opts.outputsDir);
    await opts.reporter?.end(result);
    return result;
  }

  /**
   * Hard stop (a second Ctrl-C): records the running job as interrupted without waiting for its
   * task, and the sweep as interrupted. Synchronous, so the caller may exit right after.
   */
  stopNow(reason: string): void {
    this.current?.finish('interrupted', reason);
    if (this.sweep && this.sweep.record.status === 'running') {
      this.sweep.record.status = 'interrupted';
      this.sweep.record.finished_at = this.now().toISOString();
      this.saveSweep();
    }
    this.db?.close();
    this.db = null;
    this.writer = null;
  }

  private finish(outcomes: JobOutcome[], notStarted: Plan['jobs'], dir: string): LaunchResult {
    const status = outcomes.some((o) => o.status === 'interrupted') || notStarted.length
      ? 'interrupted'
      : outcomes.some((o) => o.status === 'failed')
        ? 'failed'
        : 'completed';
    if (this.sweep) {
      this.sweep.record.status = status;
      this.sweep.record.finished_at = this.now().toISOString();
      this.saveSweep();
    }
    this.db?.close();
    this.db = null;
    this.writer = null;
    return { sweepId: this.sweep?.record.id ?? null, dir, status, outcomes, notStarted };
  }

  private saveSweep(): void {
    const { record, dir } = this.sweep!;
    writeSweepRecord(dir, record);
    this.index((w) => w.sweep(record, relativeDir(this.opts.outputsDir, dir)));
  }

  private openIndex(): void {
    if (!this.opts.indexPath) return;
    try {
      this.db = openIndex(this.opts.indexPath);
      this.writer = new IndexWriter(this.db);
    } catch (e) {
      this.indexFailed(e);
    }
  }

  /** Index writes never fail a run: the folders hold everything, and `runs reindex` catches up. */
  private index(write: (w: IndexWriter) => void): void {
    if (!this.writer) return;
    try {
      write(this.writer);
    } catch (e) {
      this.indexFailed(e);
    }
  }

  private indexFailed(e: unknown): void {
    if (this.indexWarned) return;
    this.indexWarned = true;
    this.opts.reporter?.warn(
      `index ${this.opts.indexPath} not updated (${(e as Error).message.split('\n')[0]}); the run folders are complete: run \`runs reindex\` later`,
    );
  }
}

export const launch = (plan: Plan, opts: LaunchOptions): Promise<LaunchResult> => new Launcher(plan, opts).run();
