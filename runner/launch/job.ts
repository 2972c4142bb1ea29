// Runs one job: its folder files, the RunContext handed to the task, and the final status.
// Everything that finalises a run is synchronous, so a hard stop can still record it.
import { existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import {
  environment,
  FILES,
  LineFile,
  readMetrics,
  readRunRecord,
  writeFileAtomic,
  writeFailure,
  writeJobInputs,
  writeRunRecord,
  type AttemptSummary,
  type MetricRecord,
  type RunRecord,
  type RunStatus,
} from '../outputs/index.js';
import { isFloatAt } from '../overrides/index.js';
import { endReport, trialStateOf } from '../../sweeps/pruners/reports.js';
import { getTask, type Headline, type Metric, type RunContext, type TaskResult } from '../tasks/index.js';
import type { JobOutcome, PlannedJob } from './types.js';

const RESERVED = new Set<string>(Object.values(FILES));

export interface JobHooks {
  progress: RunContext['progress'];
  warn: RunContext['warn'];
  /** Called with every change of the run record (start, info, end) and each metric: the index mirror. */
  record(record: RunRecord): void;
  metric(runId: string, metric: MetricRecord): void;
  /** The run's metric rows were cut back to `metrics` (RunContext.rewindMetrics): the index replaces its own. */
  rewind(runId: string, metrics: MetricRecord[]): void;
}

/** Who a job's run is and which start of it this is (JobTicket and job.json carry them). */
export interface RunIds {
  runId: string;
  sweepId: string | null;
  /** 1 for the first start; default 1. */
  attempt?: number;
  /** How the earlier attempts in the same folder ended. */
  attempts?: AttemptSummary[];
  /** Continue in the folder from the task's resume point (RunContext.resuming). */
  resuming?: boolean;
}

const encodeValue = (v: number) => (Number.isFinite(v) ? v : String(v));

function checkMetric(m: Metric): void {
  if (typeof m?.name !== 'string' || m.name === '') throw new TypeError('logMetric: name must be a non-empty string');
  if (typeof m.value !== 'number') throw new TypeError(`logMetric(${m.name}): value must be a number, got ${typeof m.value}`);
  for (const k of ['step', 'epoch'] as const) {
    if (m[k] !== undefined && !Number.isInteger(m[k])) throw new TypeError(`logMetric(${m.name}): ${k} must be an integer`);
  }
}

/** How a launcher runs a job: recorded in run.json `info` (and so the index) as `launcher` and `threads`. */
export interface JobPlacement {
  /** The launcher's name, e.g. 'pool'. */
  launcher: string;
  /** Intra-op threads the job may use (RunContext.threads). */
  threads: number;
}

export class JobRun {
  readonly record: RunRecord;
  private log: LineFile | null = null;
  private metrics: LineFile | null = null;
  private finished = false;
  private readonly results: Record<string, number> = {};
  private headline: Headline[] = [];
  /** Rows in metrics.jsonl, earlier attempts' included. */
  private metricRows = 0;
  private readonly resuming: boolean;

  constructor(
    readonly job: PlannedJob,
    readonly dir: string,
    ids: RunIds,
    private readonly hooks: JobHooks,
    private readonly now: () => Date,
    readonly placement?: JobPlacement,
  ) {
    this.resuming = ids.resuming ?? false;
    this.record = {
      id: ids.runId,
      sweep_id: ids.sweepId,
      job: job.num,
      task: job.task,
      status: 'running',
      reason: null,
      overrides: job.overrides,
      choices: job.choices,
      started_at: now().toISOString(),
      finished_at: null,
      duration_s: null,
      info: placement ? { launcher: placement.launcher, threads: placement.threads } : {},
      ...environment(),
      attempt: ids.attempt ?? 1,
      ...(ids.attempts?.length ? { attempts: ids.attempts } : {}),
    };
  }

  /**
   * Writes the job's `running` record, then its inputs (called by execute, so a failure here ends the job
   * as failed). The record comes first: on a full disk it is the file that must be there to say so.
   */
  private start(): void {
    const task = getTask(this.job.task);
    this.headline = task.headline;
    this.record.resume_point = task.resumePoint;
    // a continuation is the same run: what its task recorded so far (e.g. the batch size it chose) stays
    if (this.resuming) this.record.info = { ...continuedInfo(this.dir), ...this.record.info };
    writeRunRecord(this.dir, this.record);
    this.hooks.record(this.record);
    writeJobInputs(this.dir, this.job.stored ?? this.job.config, this.job.overrides);
    this.log = new LineFile(join(this.dir, FILES.log));
    const metricsFile = join(this.dir, FILES.metrics);
    if (this.resuming) this.metricRows = keepWholeLines(metricsFile);
    this.metrics = new LineFile(metricsFile);
    const attempt = this.record.attempt! > 1 ? `attempt ${this.record.attempt}${this.resuming ? ', continuing from the resume point' : ''}, ` : '';
    this.writeLog(`${attempt}task ${this.job.task}, overrides: ${this.job.overrides.join(' ') || '(none)'}`);
  }

  /** RunContext.rewindMetrics: the first `count` rows stay, in the file and (through the hooks) the index. */
  private rewindMetrics(count: number): void {
    if (this.finished) return;
    const file = join(this.dir, FILES.metrics);
    const kept = readMetrics(this.dir).slice(0, Math.max(0, count));
    this.metrics?.close();
    writeFileAtomic(file, kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    this.metrics = new LineFile(file);
    this.metricRows = kept.length;
    for (const h of this.headline) delete this.results[h.name];
    kept.forEach((m) => this.noteResult({ name: m.name, value: Number(m.value) }));
    this.hooks.rewind(this.record.id, kept);
  }

  writeLog(message: string): void {
    this.log?.append(`[${this.now().toISOString()}] ${message}`);
  }

  context(signal: AbortSignal): RunContext {
    const artifactPath = (name: string) => {
      const path = resolve(this.dir, name);
      if (!path.startsWith(this.dir + sep)) throw new Error(`artifact '${name}' must stay inside the run folder`);
      if (RESERVED.has(name)) throw new Error(`artifact '${name}' would overwrite a file the runner keeps`);
      mkdirSync(dirname(path), { recursive: true });
      return path;
    };
    const logMetric = (m: Metric) => {
      checkMetric(m);
      if (this.finished) return; // a task still running after a hard stop: its run is already recorded
      const rec: MetricRecord = { name: m.name, value: encodeValue(m.value), step: m.step ?? null, epoch: m.epoch ?? null, time: this.now().toISOString() };
      this.metrics!.append(JSON.stringify(rec));
      this.metricRows++;
      this.noteResult(m);
      this.hooks.metric(this.record.id, rec);
    };
    return {
      dir: this.dir,
      runId: this.record.id,
      sweepId: this.record.sweep_id,
      job: this.job.num,
      overrides: this.job.overrides,
      choices: this.job.choices,
      threads: this.placement?.threads,
      signal,
      log: (message) => this.writeLog(message),
      warn: (message) => {
        this.writeLog(`warning: ${message}`);
        this.hooks.warn(message);
      },
      logMetric,
      logMetrics: (values, at = {}) => Object.entries(values).forEach(([name, value]) => logMetric({ name, value, ...at })),
      progress: (p) => this.hooks.progress(p),
      writeArtifact: (name, data) => {
        const path = artifactPath(name);
        writeFileAtomic(path, data);
        return path;
      },
      artifactPath,
      isFloat: (key) => isFloatAt(this.job.stored ?? this.job.config, key),
      setInfo: (fields) => {
        Object.assign(this.record.info, fields);
        writeRunRecord(this.dir, this.record);
        this.hooks.record(this.record);
      },
      resuming: this.resuming,
      metricCount: () => this.metricRows,
      rewindMetrics: (count) => this.rewindMetrics(count),
      ...(this.job.trial ? { trial: this.job.trial } : {}),
    };
  }

  /** Runs the task and records how it ended. */
  async execute(signal: AbortSignal): Promise<JobOutcome> {
    let result: TaskResult;
    try {
      this.start();
      result = await getTask(this.job.task).run(this.job.config, this.context(signal));
    } catch (e) {
      const cannotWrite = writeFailure(e);
      if (!this.finished && !cannotWrite) this.writeLog(`error: ${(e as Error)?.stack ?? String(e)}`);
      const reason = cannotWrite ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
      if (cannotWrite) return { ...this.finish('failed', reason), cannotWrite: true };
      return this.finish(signal.aborted ? 'interrupted' : 'failed', signal.aborted ? interruptReason(signal) : reason);
    }
    if (signal.aborted) return this.finish('interrupted', interruptReason(signal));
    if (result) return this.finish(result.status, result.reason);
    return this.finish('completed', null);
  }

  /**
   * Records the final status once; later calls (e.g. a task finishing after a hard stop) change nothing.
   * Each place is written on its own, so that a full disk that refuses the log still lets run.json and
   * the index say how the job ended.
   */
  finish(status: Exclude<RunStatus, 'running'>, reason: string | null): JobOutcome {
    if (!this.finished) {
      this.finished = true;
      const end = this.now();
      this.record.status = status;
      this.record.reason = reason;
      this.record.finished_at = end.toISOString();
      this.record.duration_s = Math.round((end.getTime() - Date.parse(this.record.started_at)) / 10) / 100;
      bestEffort(() => this.writeLog(`${status}${reason ? `: ${reason}` : ''}`));
      bestEffort(() => writeRunRecord(this.dir, this.record));
      bestEffort(() => this.endTrial(status));
      this.hooks.record(this.record);
      bestEffort(() => this.log?.close());
      bestEffort(() => this.metrics?.close());
    }
    return this.outcome();
  }

  /** A study's trial: its end line in the study's reports (none when interrupted: it may continue). */
  private endTrial(status: Exclude<RunStatus, 'running'>): void {
    const state = this.job.trial ? trialStateOf(status) : null;
    if (state) endReport(this.job.trial!, state);
  }

  outcome(): JobOutcome {
    const r = this.record;
    const results = Object.fromEntries(this.headline.filter((h) => h.name in this.results).map((h) => [h.name, this.results[h.name]]));
    return {
      num: r.job ?? 0, runId: r.id, dir: this.dir, overrides: r.overrides, status: r.status, reason: r.reason, duration_s: r.duration_s ?? 0, results,
      task: this.job.task, attempt: r.attempt ?? 1,
    };
  }

  private noteResult(m: Metric): void {
    foldHeadline(this.results, this.headline, m);
  }
}

/** Folds a metric into a task's headline numbers `results` (NaN never sticks as a min or max). */
export function foldHeadline(results: Record<string, number>, headline: readonly Headline[], m: Pick<Metric, 'name' | 'value'>): void {
  for (const h of headline) {
    if ((h.metric ?? h.name) !== m.name) continue;
    const current = results[h.name];
    const replace = current === undefined || h.reduce === 'last'
      || (h.reduce === 'min' ? !(m.value >= current) : !(m.value <= current));
    if (replace) results[h.name] = m.value;
  }
}

/**
 * Cuts a torn last line (a kill in mid-write) off a metrics file, so that appending goes on at a line
 * start; returns the whole lines it holds. 0 when there is no file.
 */
function keepWholeLines(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  return text.slice(0, end).split('\n').filter((line) => line.trim() !== '').length;
}

/** A write on the way out that may fail (a full disk): the other places still get theirs. */
function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // recorded wherever else it could be
  }
}

function interruptReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (typeof r === 'string') return r;
  if (r instanceof Error && r.name !== 'AbortError') return r.message;
  return 'interrupted';
}

/** The `info` of the run record a continuation finds in its folder ({} when there is none to read). */
function continuedInfo(dir: string): RunRecord['info'] {
  try {
    return readRunRecord(dir).info ?? {};
  } catch {
    return {};
  }
}
