// One array task as the driver follows it: the events its child writes to the task's log (live
// progress, the running record), and, once it has left the queue, how it ended — from its run.json
// (the final word), or from the scheduler for a task that never wrote one.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readMetrics, readRunRecord, writeRunRecord, type MetricRecord, type RunRecord } from '../../../outputs/index.js';
import { getTask, type Headline } from '../../../tasks/index.js';
import { forwardEvent, parseEvent } from '../../child-protocol.js';
import { endReport, trialStateOf } from '../../../../sweeps/pruners/reports.js';
import { JobRun, type JobPlacement } from '../../job.js';
import type { JobOutcome } from '../../types.js';
import type { JobTicket } from '../types.js';
import { settled, type TaskState } from './scheduler.js';

/** Reads the lines appended to a file since the last call (the task's stdout, appended across requeues). */
export class LogTail {
  private offset = 0;
  private partial = '';
  constructor(readonly path: string) {}

  lines(): string[] {
    if (!existsSync(this.path)) return [];
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      return lines;
    } finally {
      closeSync(fd);
    }
  }
}

export class ArrayTask {
  /** What the scheduler said last, e.g. 'PENDING (Resources)'. */
  state = 'SUBMITTED';
  /** The child reported `start` (the job runs; its own progress follows). */
  started = false;
  restarts = 0;
  done = false;
  private readonly tail: LogTail;
  private leftQueueAt: number | null = null;

  constructor(
    readonly index: number,
    readonly ticket: JobTicket,
    readonly jobId: string,
    readonly logs: string,
    private readonly placement: JobPlacement,
  ) {
    this.tail = new LogTail(join(logs, `${index}.out`));
  }

  get id(): string {
    return `${this.jobId}_${this.index}`;
  }

  /** Hands the child's new events to the job's hooks: its running record, progress and warnings (metrics come from the folder at the end). */
  follow(): void {
    for (const line of this.tail.lines()) {
      const event = parseEvent(line) as ReturnType<typeof parseEvent> | { type: 'slurm'; requeue?: number; restarts?: number };
      if (!event) continue;
      if (event.type === 'slurm') {
        if ('requeue' in event && event.requeue) {
          this.restarts = event.requeue;
          this.started = false;
          this.ticket.hooks.progress({ status: `REQUEUED (${event.requeue}) after the time-limit warning · ${this.id}` });
        }
        continue;
      }
      if (event.type === 'start') this.started = true;
      if (event.type === 'metric') continue;
      forwardEvent(event, this.ticket.hooks);
    }
  }

  /** Seconds since the task was first seen out of the queue (0 on the first call). */
  goneFor(now: Date): number {
    this.leftQueueAt ??= now.getTime();
    return (now.getTime() - this.leftQueueAt) / 1000;
  }

  /** The run recorded its own end (run.json says anything but running). */
  ended(): boolean {
    try {
      return readRunRecord(this.ticket.dir).status !== 'running';
    } catch {
      return false;
    }
  }

  /** Shows the scheduler's state until the job itself reports. */
  show(s: TaskState): void {
    this.leftQueueAt = null;
    const state = `${s.state}${s.reason ? ` (${s.reason})` : ''}`;
    if (state === this.state && (this.started || s.state !== 'RUNNING')) return;
    this.state = state;
    if (!this.started || s.state !== 'RUNNING') this.ticket.hooks.progress({ status: `${state} · ${this.id}` });
  }

  /**
   * The task left the queue: its outcome, with the run folder and the index brought up to date.
   * `acct` is what sacct recorded for it (undefined: accounting forgot it or is off).
   */
  finish(acct: TaskState | undefined, now: () => Date): JobOutcome {
    this.follow();
    this.done = true;
    const { ticket } = this;
    const dir = ticket.dir;
    // a record still unsettled when the wait ran out says only what accounting last heard
    const seen = acct ? (settled(acct) ? `${acct.state} ${acct.exitCode}`.trim() : `in an unknown state (accounting still says ${acct.state})`) : null;
    let record: RunRecord | null = null;
    try {
      record = readRunRecord(dir);
    } catch {
      record = null;
    }
    if (!record) {
      // never started (or died before writing anything): recorded here so the folder says what happened
      const run = new JobRun(ticket.job, dir, ticket, ticket.hooks, now, this.placement);
      run.record.info.slurm_job_id = this.id;
      if (acct?.state === 'CANCELLED') return run.finish('interrupted', `cancelled in SLURM before it started (${this.id} ${seen})`);
      // SLURM keeps no record of an array task cancelled while pending: it is simply gone
      if (seen) return run.finish('failed', `SLURM task ${this.id} ended ${seen} before the job started; see ${join(this.logs, `${this.index}.err`)}`);
      return run.finish('lost', `lost: SLURM task ${this.id} left the queue without starting its job (no run.json) and sacct has no record of it (cancelled while pending?)`);
    }
    if (record.status === 'running') {
      // the process was killed before it could record its end (time limit without the warning, node failure)
      const end = now();
      record.status = acct?.state === 'CANCELLED' ? 'interrupted' : 'failed';
      record.reason = seen ? `SLURM ended task ${this.id}: ${seen}` : `lost: SLURM task ${this.id} left the queue with the run still marked running`;
      record.finished_at = end.toISOString();
      record.duration_s = Math.round((end.getTime() - Date.parse(record.started_at)) / 10) / 100;
      writeRunRecord(dir, record);
      const state = ticket.job.trial ? trialStateOf(record.status) : null;
      if (state) endReport(ticket.job.trial!, state); // a study's trial: its reports say it ended
    }
    ticket.hooks.record(record);
    const metrics = uniqueMetrics(readMetrics(dir));
    for (const m of metrics) ticket.hooks.metric(record.id, m);
    const { job } = ticket;
    return {
      num: job.num,
      runId: record.id,
      dir,
      overrides: record.overrides,
      status: record.status,
      reason: record.reason,
      duration_s: record.duration_s ?? 0,
      results: headlineResults(job.task, metrics),
      task: job.task,
    };
  }
}

/** One record per (metric, step, epoch), the latest: a run resumed in its own folder logs its history again. */
export function uniqueMetrics(metrics: MetricRecord[]): MetricRecord[] {
  const byKey = new Map<string, MetricRecord>();
  for (const m of metrics) byKey.set(`${m.name}\u0000${m.step}\u0000${m.epoch}`, m);
  return [...byKey.values()];
}

/** The task's headline numbers (see registerTask's `headline`) over a run's metrics. */
function headlineResults(task: string, metrics: MetricRecord[]): Record<string, number> {
  let headline: Headline[] = [];
  try {
    headline = getTask(task).headline;
  } catch {
    return {};
  }
  const results: Record<string, number> = {};
  for (const m of metrics) {
    const value = Number(m.value);
    for (const h of headline) {
      if ((h.metric ?? h.name) !== m.name) continue;
      const current = results[h.name];
      const replace = current === undefined || h.reduce === 'last' || (h.reduce === 'min' ? !(value >= current) : !(value <= current));
      if (replace) results[h.name] = value;
    }
  }
  return results;
}
