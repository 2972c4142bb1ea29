// Live progress with listr2: one line per job (with the task's sub-progress under it) and,
// for a multirun, a sweep line (done / failed / running / ETA). Non-TTY output (CI, pipes)
// falls back to listr2's plain line renderer, with sub-progress printed at most every few seconds.
import { Listr, ListrLogger, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import { relative } from 'node:path';
import type { JobOutcome, LaunchReporter, LaunchResult, Plan, PlannedJob } from '../launch/index.js';
import type { Progress } from '../tasks/index.js';
import { bar, eta, formatDuration } from './format.js';

export interface ReporterOptions {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Default: whether stdout is a TTY. */
  tty?: boolean;
  /** Minimum milliseconds between sub-progress updates (default 100 live, 1000 plain on a TTY, 5000 otherwise). */
  throttleMs?: number;
  /** Folders are shown relative to this (default: the current directory). */
  cwd?: string;
}

type Wrapper = ListrTaskWrapper<unknown, any, any>;
type TaskSpec = ListrTask<unknown, any, any>;

interface JobSlot {
  job: PlannedJob;
  task: Wrapper | null;
  dir: string | null;
  started: number;
  lastDraw: number;
  pending: Progress | null;
  /** A trailing redraw, so the last update inside a throttle window still shows. */
  flush: NodeJS.Timeout | null;
  warnings: string[];
  settle: (outcome: JobOutcome | null) => void;
  done: Promise<JobOutcome | null>;
}

const MAX_LIVE_JOBS = 24;

const label = (job: PlannedJob, multirun: boolean) => `${multirun ? `#${job.num} ` : ''}${job.overrides.join(' ') || '(defaults)'}`;

export class ListrReporter implements LaunchReporter {
  private slots = new Map<number, JobSlot>();
  private outcomes: JobOutcome[] = [];
  private sweepTask: Wrapper | null = null;
  private running: Promise<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private plan: Plan | null = null;
  /** Later batches of an adaptive sweep not yet drawn, and the wake-up of the task waiting for one. */
  private readonly batches: PlannedJob[][] = [];
  private batchReady: (() => void) | null = null;
  private ended = false;
  private startedAt = 0;
  private readonly isTTY: boolean;
  /** Live display (listr2's redrawing renderer); plain lines otherwise. */
  private tty = false;
  private throttleMs = 0;
  private readonly output: ProcessOutput;

  constructor(private readonly opts: ReporterOptions = {}) {
    const stdout = opts.stdout ?? process.stdout;
    this.isTTY = opts.tty ?? Boolean(stdout.isTTY);
    this.output = new ProcessOutput(stdout, opts.stderr ?? process.stderr);
  }

  start(plan: Plan, dir: string): void {
    this.plan = plan;
    this.startedAt = Date.now();
    // A live display redraws every job line; past a screenful that garbles the terminal, so big sweeps get plain lines.
    this.tty = this.isTTY && plan.jobs.length <= MAX_LIVE_JOBS;
    this.throttleMs = this.opts.throttleMs ?? (this.tty ? 100 : this.isTTY ? 1000 : 5000);
    this.addSlots(plan.jobs);
    const jobTasks = this.jobTasks(plan.jobs);
    const where = this.shortDir(dir);
    const tasks = plan.multirun
      ? [{
          title: this.sweepTitle(),
          task: (_ctx: unknown, task: Wrapper) => {
            this.sweepTask = task;
            return task.newListr(plan.next ? [...jobTasks, this.laterBatch(2)] : jobTasks, { concurrent: false, exitOnError: false });
          },
        }]
      : jobTasks;
    if (plan.multirun) this.output.toStdout(`sweep of ${plan.jobs.length} jobs → ${where}`); // before listr takes over the terminal
    const listr = new Listr(tasks as any, {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: this.tty ? 'default' : 'simple',
      fallbackRendererCondition: !this.tty,
      rendererOptions: { collapseSubtasks: false, collapseErrors: false, collapseSkips: false, showErrorMessage: true, processOutput: this.output },
      // Plain lines all on stdout, so a pipe keeps them in order.
      fallbackRendererOptions: { logger: new ListrLogger({ useIcons: true, toStderr: [], processOutput: this.output }) },
    } as any);
    this.running = listr.run().catch(() => undefined);
    if (plan.multirun && this.tty) {
      this.timer = setInterval(() => this.drawSweep(), 1000);
      this.timer.unref();
    }
  }

  batch(jobs: PlannedJob[]): void {
    this.addSlots(jobs);
    this.batches.push(jobs);
    this.batchReady?.();
  }

  jobStart(job: PlannedJob, dir: string): void {
    const slot = this.slots.get(job.num)!;
    slot.started = Date.now();
    slot.dir = dir;
    if (slot.task) slot.task.title = this.jobTitle(slot);
    this.drawSweep();
  }

  jobProgress(job: PlannedJob, p: Progress): void {
    const slot = this.slots.get(job.num);
    if (!slot) return;
    slot.pending = p;
    const now = Date.now();
    if (now - slot.lastDraw >= this.throttleMs) this.drawProgress(slot, now);
    else if (!slot.flush) {
      slot.flush = setTimeout(() => {
        slot.flush = null;
        this.drawProgress(slot, Date.now());
      }, this.throttleMs - (now - slot.lastDraw));
      slot.flush.unref();
    }
  }

  jobWarn(job: PlannedJob, message: string): void {
    const slot = this.slots.get(job.num);
    if (!slot) return;
    slot.warnings.push(message);
    if (!this.tty) this.output.toStdout(`⚠ ${label(job, this.plan!.multirun)}: ${message}`);
    else if (slot.task) slot.task.title = this.jobTitle(slot);
  }

  jobEnd(outcome: JobOutcome): void {
    this.outcomes.push(outcome);
    const slot = this.slots.get(outcome.num);
    if (slot?.flush) clearTimeout(slot.flush);
    slot?.settle(outcome);
    this.drawSweep();
  }

  warn(message: string): void {
    this.output.toStderr(`warning: ${message}`);
  }

  async end(result: LaunchResult): Promise<void> {
    this.ended = true;
    this.batchReady?.();
    for (const job of result.notStarted) this.slots.get(job.num)?.settle(null);
    if (this.timer) clearInterval(this.timer);
    this.drawSweep(result);
    await this.running;
  }

  /** A slot per job, ready before the job starts. */
  private addSlots(jobs: PlannedJob[]): void {
    for (const job of jobs) {
      let settle!: JobSlot['settle'];
      const done = new Promise<JobOutcome | null>((resolve) => (settle = resolve));
      this.slots.set(job.num, { job, task: null, dir: null, started: 0, lastDraw: 0, pending: null, flush: null, warnings: [], settle, done });
    }
  }

  /** A listr task per job, in job order. */
  private jobTasks(jobs: PlannedJob[]): TaskSpec[] {
    return jobs.map((job) => ({
      title: label(job, this.plan!.multirun),
      task: async (_ctx: unknown, task: Wrapper) => this.runSlot(this.slots.get(job.num)!, task),
    }));
  }

  /** An adaptive sweep's batch `n`, once the sweeper returns it: its jobs nested under one line, then the next. */
  private laterBatch(n: number): TaskSpec {
    return {
      title: `batch ${n}: waiting for the sweeper`,
      task: async (_ctx: unknown, task: Wrapper) => {
        while (!this.batches.length && !this.ended) await new Promise<void>((resolve) => (this.batchReady = resolve));
        this.batchReady = null;
        const jobs = this.batches.shift();
        if (!jobs) {
          task.title = `no batch ${n}: the sweep is done`;
          return undefined;
        }
        task.title = `batch ${n}: ${jobs.length} job${jobs.length === 1 ? '' : 's'}`;
        return task.newListr([...this.jobTasks(jobs), this.laterBatch(n + 1)], { concurrent: false, exitOnError: false });
      },
    };
  }

  private async runSlot(slot: JobSlot, task: Wrapper): Promise<void> {
    slot.task = task;
    if (slot.dir) task.title = this.jobTitle(slot);
    this.drawProgress(slot, Date.now()); // updates that came before listr started this task
    const outcome = await slot.done;
    if (!outcome) return task.skip('not started: the sweep was interrupted');
    const took = formatDuration(outcome.duration_s);
    const base = this.jobTitle(slot);
    if (outcome.status === 'completed') {
      task.title = `${base} · ${took}`;
      return;
    }
    task.title = base;
    // The reason is printed once, in the summary below the results table.
    if (outcome.status === 'skipped') return task.skip('reason below');
    throw new Error(`${outcome.status} after ${took}, reason below`);
  }

  /** Label, folder and (on a TTY, where a printed line would break the live display) the warnings. */
  private jobTitle(slot: JobSlot): string {
    const warnings = this.tty ? slot.warnings.map((w) => ` ⚠ ${w}`).join('') : '';
    return `${label(slot.job, this.plan!.multirun)} → ${this.shortDir(slot.dir!)}${warnings}`;
  }

  private drawProgress(slot: JobSlot, now: number): void {
    const p = slot.pending;
    if (!p || !slot.task) return;
    slot.lastDraw = now;
    const parts: string[] = [];
    if (p.current !== undefined && p.total) {
      parts.push(`${bar(p.current, p.total)} ${p.current}/${p.total}`);
      const left = eta((now - slot.started) / 1000, p.current, p.total);
      if (left !== null) parts.push(`ETA ${formatDuration(left)}`);
    }
    if (p.status) parts.push(p.status);
    slot.task.output = parts.join(' · ');
  }

  private sweepTitle(result?: LaunchResult): string {
    const total = this.slots.size;
    const count = (s: string) => this.outcomes.filter((o) => o.status === s).length;
    const finished = this.outcomes.length;
    const running = result ? 0 : finished < total && this.slots.get(this.outcomes.length)?.started ? 1 : 0;
    const parts = [`sweep ${finished}/${total}`, `${count('completed')} done`, `${count('failed')} failed`];
    if (count('skipped')) parts.push(`${count('skipped')} skipped`);
    if (count('interrupted')) parts.push(`${count('interrupted')} interrupted`);
    parts.push(`${running} running`);
    if (result) parts.push(`${result.status} in ${formatDuration((Date.now() - this.startedAt) / 1000)}`);
    else {
      const left = finished ? ((Date.now() - this.startedAt) / 1000 / finished) * (total - finished) : null;
      if (left !== null) parts.push(`ETA ${formatDuration(left)}`);
    }
    return parts.join(' · ');
  }

  private drawSweep(result?: LaunchResult): void {
    if (this.sweepTask) this.sweepTask.title = this.sweepTitle(result);
  }

  private shortDir(dir: string): string {
    const rel = relative(this.opts.cwd ?? process.cwd(), dir);
    return rel.startsWith('..') ? dir : rel;
  }
}
