// Live progress with listr2: one line per job (with the task's sub-progress under it) and,
// for a multirun, a sweep line (done / failed / running / ETA). Non-TTY output (CI, pipes)
// falls back to plain lines, with sub-progress printed at most every few seconds. Each job and
// sweep line ends with its state's mark (see marks.ts) and word: `◼ #0 … · interrupted after 3.1s`.
import { Listr, ListrLogger, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import { relative } from 'node:path';
import type { JobOutcome, LaunchReporter, LaunchResult, Plan, PlannedJob } from '../launch/index.js';
import type { Progress } from '../tasks/index.js';
import { bar, eta, formatDuration } from './format.js';
import { paintState, type FinalState } from './marks.js';
import { MarkedRenderer, PlainRenderer, type FinalStates } from './renderers.js';

export interface ReporterOptions {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Default: whether stdout is a TTY. */
  tty?: boolean;
  /** Minimum milliseconds between sub-progress updates (default 100 live, 1000 plain on a TTY, 5000 otherwise). */
  throttleMs?: number;
  /** Folders are shown relative to this (default: the current directory). */
  cwd?: string;
  /** Jobs the launcher runs at once (Launcher.slots): that many job lines may be running; default 1. */
  concurrency?: number;
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
  /** When `pending` came. */
  pendingAt: number;
  /**
   * The ETA's clock: when the task's first update carrying `current` came, and that `current` (train's
   * `first step` update, sent once start-up is done: 0, or the steps a resumed run already took).
   */
  clock: { at: number; current: number } | null;
  /** A trailing redraw, so the last update inside a throttle window still shows. */
  flush: NodeJS.Timeout | null;
  warnings: string[];
  /** The job's latest Progress.note, kept under its line in a live display. */
  note: readonly string[];
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
  private result: LaunchResult | null = null;
  private endedAt = 0;
  /** Resolved by end(): the sweep line waits for it, so it ends with the sweep's status. */
  private endedSignal!: () => void;
  private readonly endedPromise = new Promise<void>((resolve) => (this.endedSignal = resolve));
  private readonly finalStates: FinalStates = new Map();
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
    const trials = plan.study ? plan.study.studies.reduce((n, s) => n + s.spec.n_trials, 0) : 0;
    this.tty = this.isTTY && Math.max(plan.jobs.length, trials) <= MAX_LIVE_JOBS;
    this.throttleMs = this.opts.throttleMs ?? (this.tty ? 100 : this.isTTY ? 1000 : 5000);
    this.addSlots(plan.jobs);
    const jobTasks = this.jobTasks(plan.jobs);
    const where = this.shortDir(dir);
    const tasks = plan.multirun
      ? [{
          title: this.sweepTitle(),
          task: (_ctx: unknown, task: Wrapper) => {
            this.sweepTask = task;
            // untitled, so it shows nothing: holds the sweep line open until end() gives its status
            const untilEnd = {
              task: async () => {
                await this.endedPromise;
                task.title = this.sweepTitle(this.result!);
                this.finalStates.set(task.task.id, this.result!.status);
              },
            };
            return task.newListr([...jobTasks, ...(plan.next || plan.study ? [this.laterBatch(2)] : []), untilEnd], { concurrent: this.concurrent(), exitOnError: false });
          },
        }]
      : jobTasks;
    const studies = plan.study?.studies.length ?? 0;
    const what = plan.study
      ? `${studies} stud${studies === 1 ? 'y' : 'ies'} of ${plan.study.cfg.n_trials} trials (sweeper=${plan.study.cfg.name})`
      : `${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'}`;
    if (plan.multirun) this.output.toStdout(`sweep of ${what} → ${where}`); // before listr takes over the terminal
    const listr = new Listr(tasks as any, {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: this.tty ? MarkedRenderer : PlainRenderer,
      fallbackRenderer: PlainRenderer,
      // the live display draws on our stdout too (listr2's own logger would take process.stdout)
      rendererOptions: { collapseSubtasks: false, logger: new ListrLogger({ processOutput: this.output }), processOutput: this.output, finalStates: this.finalStates, announce: () => !this.ended },
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
    if (p.note?.length) this.jobNote(slot, p.note);
    const now = Date.now();
    if (p.current !== undefined && !slot.clock) slot.clock = { at: now, current: p.current };
    slot.pending = p;
    slot.pendingAt = now;
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

  /** A note is printed at once as plain lines, or kept under the job's title in a live display. */
  private jobNote(slot: JobSlot, note: readonly string[]): void {
    slot.note = note;
    if (!this.tty) note.forEach((line) => this.output.toStdout(`  ${line}`));
    else if (slot.task && slot.dir) slot.task.title = this.jobTitle(slot);
  }

  jobEnd(outcome: JobOutcome): void {
    this.outcomes.push(outcome);
    const slot = this.slots.get(outcome.num);
    if (slot?.flush) clearTimeout(slot.flush);
    slot?.settle(outcome);
    this.drawSweep();
  }

  note(message: string): void {
    this.output.toStderr(message);
  }

  warn(message: string): void {
    this.output.toStderr(`warning: ${message}`);
  }

  async end(result: LaunchResult): Promise<void> {
    this.ended = true;
    this.endedAt = Date.now();
    this.result = result;
    this.batchReady?.();
    for (const job of [...result.notStarted, ...(result.submitted ?? [])]) this.slots.get(job.num)?.settle(null);
    if (this.timer) clearInterval(this.timer);
    this.endedSignal();
    await this.running;
  }

  /** A slot per job, ready before the job starts. */
  private addSlots(jobs: PlannedJob[]): void {
    for (const job of jobs) {
      let settle!: JobSlot['settle'];
      const done = new Promise<JobOutcome | null>((resolve) => (settle = resolve));
      this.slots.set(job.num, { job, task: null, dir: null, started: 0, lastDraw: 0, pending: null, pendingAt: 0, clock: null, flush: null, warnings: [], note: [], settle, done });
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
    const study = Boolean(this.plan?.study);
    return {
      title: study ? 'next trial: waiting for a free slot' : `batch ${n}: waiting for the sweeper`,
      task: async (_ctx: unknown, task: Wrapper) => {
        while (!this.batches.length && !this.ended) await new Promise<void>((resolve) => (this.batchReady = resolve));
        this.batchReady = null;
        const jobs = this.batches.shift();
        if (!jobs) {
          if (this.result?.status === 'completed') task.title = study ? 'no further trial: every study is done' : `no batch ${n}: the sweep is done`;
          else this.finish(task, 'not started', `batch ${n}`, ` ${this.whyNotStarted()}`);
          return undefined;
        }
        task.title = study ? `trial of job #${jobs[0]?.num}` : `batch ${n}: ${jobs.length} job${jobs.length === 1 ? '' : 's'}`;
        // untitled: once the batch's jobs ended, marks its line as the sweep's would be for them alone
        const mark = { task: () => void this.finalStates.set(task.task.id, this.batchState(jobs)) };
        return task.newListr([...this.jobTasks(jobs), mark, this.laterBatch(n + 1)], { concurrent: this.concurrent(), exitOnError: false });
      },
    };
  }

  private async runSlot(slot: JobSlot, task: Wrapper): Promise<void> {
    slot.task = task;
    if (slot.dir) task.title = this.jobTitle(slot);
    this.drawProgress(slot, Date.now()); // updates that came before listr started this task
    const outcome = await slot.done;
    if (!outcome && this.result?.submitted?.includes(slot.job)) return this.finish(task, 'submitted', this.jobTitle(slot), slot.pending?.status ? ` · ${slot.pending.status}` : '');
    if (!outcome) return this.finish(task, 'not started', label(slot.job, this.plan!.multirun), ` ${this.whyNotStarted()}`);
    const took = formatDuration(outcome.duration_s);
    const status = outcome.status as Exclude<typeof outcome.status, 'running'>;
    // The reason is printed once, in the summary below the results table.
    const detail = status === 'completed' ? ` in ${took}` : status === 'skipped' ? ', reason below' : ` after ${took}, reason below`;
    this.finish(task, status, this.jobTitle(slot, false), detail);
    if (this.tty && slot.note.length) task.title += this.noteText(slot);
  }

  /** listr2's `concurrent` for a list of jobs: as many running lines as the launcher runs jobs at once. */
  private concurrent(): number | false {
    const n = this.opts.concurrency ?? 1;
    return n > 1 ? n : false;
  }

  private whyNotStarted(): string {
    return `(the sweep ${this.result?.status === 'interrupted' ? 'was interrupted' : 'stopped'})`;
  }

  /** A batch's state, by the sweep's rule: interrupted if a job was (or never started), else failed if one failed. */
  private batchState(jobs: PlannedJob[]): FinalState {
    const states = jobs.map((j) => this.outcomes.find((o) => o.num === j.num)?.status ?? 'interrupted');
    return states.includes('interrupted') ? 'interrupted' : states.includes('failed') ? 'failed' : 'completed';
  }

  /** Ends a job's line as `<title> · <state><detail>`, the state's word in its colour; the renderer draws its mark. */
  private finish(task: Wrapper, state: FinalState, title: string, detail: string): void {
    task.title = `${title} · ${paintState(state, `${state}${detail}`)}`;
    this.finalStates.set(task.task.id, state);
  }

  /** Label, folder and (on a TTY, where a printed line would break the live display) the warnings and the note. */
  private jobTitle(slot: JobSlot, withNote = true): string {
    const warnings = this.tty ? slot.warnings.map((w) => ` ⚠ ${w}`).join('') : '';
    const note = this.tty && withNote ? this.noteText(slot) : '';
    return `${label(slot.job, this.plan!.multirun)} → ${this.shortDir(slot.dir!)}${warnings}${note}`;
  }

  /** The job's note as lines under its title. */
  private noteText(slot: JobSlot): string {
    return slot.note.map((line) => `\n  ${line}`).join('');
  }

  private drawProgress(slot: JobSlot, now: number): void {
    const p = slot.pending;
    if (!p || !slot.task) return;
    slot.lastDraw = now;
    const parts: string[] = [];
    if (p.current !== undefined && p.total) {
      parts.push(`${bar(p.current, p.total)} ${p.current}/${p.total}`);
      // the step rate since the task's first update: start-up (graph, session, data) is not a step
      const clock = slot.clock;
      const left = clock ? eta((slot.pendingAt - clock.at) / 1000, p.current, p.total, clock.current) : null;
      if (left !== null) parts.push(`ETA ${formatDuration(left)}`);
    }
    if (p.status) parts.push(p.status);
    slot.task.output = parts.join(' · ');
  }

  private sweepTitle(result?: LaunchResult): string {
    const total = this.slots.size;
    const count = (s: string) => this.outcomes.filter((o) => o.status === s).length;
    const finished = this.outcomes.length;
    const ended = new Set(this.outcomes.map((o) => o.num));
    const running = result ? 0 : [...this.slots.values()].filter((s) => s.started && !ended.has(s.job.num)).length;
    const parts = [`sweep ${finished}/${total}`, `${count('completed')} done`, `${count('failed')} failed`];
    if (count('pruned')) parts.push(`${count('pruned')} pruned`);
    if (count('skipped')) parts.push(`${count('skipped')} skipped`);
    if (count('interrupted')) parts.push(`${count('interrupted')} interrupted`);
    parts.push(`${running} running`);
    if (result) parts.push(paintState(result.status, `${result.status} in ${formatDuration((this.endedAt - this.startedAt) / 1000)}`));
    else {
      const left = finished ? ((Date.now() - this.startedAt) / 1000 / finished) * (total - finished) : null;
      if (left !== null) parts.push(`ETA ${formatDuration(left)}`);
    }
    return parts.join(' · ');
  }

  private drawSweep(): void {
    if (this.sweepTask) this.sweepTask.title = this.sweepTitle();
  }

  private shortDir(dir: string): string {
    const rel = relative(this.opts.cwd ?? process.cwd(), dir);
    return rel.startsWith('..') ? dir : rel;
  }
}
