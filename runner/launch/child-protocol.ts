// What a launcher that runs jobs elsewhere (pool, slurm) and the child entry (child.ts) say to each
// other. The parent writes a job.json and starts `node child.js <job.json>`; the child reports
// events as JSON lines on its stdout, one object per line with a `type` (anything the task itself
// prints to stdout goes to stderr instead). Plain lines work through srun and ssh as well as a pipe.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../../engine/index.js';
import type { MetricRecord, RunRecord } from '../outputs/index.js';
import { keepFloats } from '../overrides/index.js';
import type { Progress } from '../tasks/index.js';
import type { JobHooks, JobPlacement, RunIds } from './job.js';
import type { JobOutcome, PlannedJob } from './types.js';

/** job.json: the composed job, its run folder (created by the parent), ids and which attempt it is (RunIds). */
export interface JobFile extends RunIds {
  job: PlannedJob;
  /** Absolute run folder. */
  dir: string;
  /** Modules the child imports before it runs the job, e.g. ones that register tasks (absolute paths or package names). */
  imports?: string[];
  /** The launcher and the intra-op threads the job may use (RunContext.threads), recorded in run.json info. */
  placement?: JobPlacement;
  /**
   * The parent holds the child's stdin open while it lives: when stdin closes (the parent was killed, even
   * with -9), the job stops as on a signal, saving its state, so no child runs on as an orphan. Leave it
   * unset where stdin is not the parent's pipe (srun, sbatch).
   */
  stopWhenStdinCloses?: boolean;
}

/**
 * One line of the child's stdout. `start` comes first (the job.json was read), then any number of
 * record / metric / progress / warn, and `end` last with the outcome; `error` instead of `end` when the
 * runner itself failed before the job could be recorded.
 */
export type ChildEvent =
  | { type: 'start'; num: number; runId: string; dir: string; pid: number }
  | { type: 'record'; record: RunRecord }
  | { type: 'metric'; runId: string; metric: MetricRecord }
  | { type: 'rewind'; runId: string; metrics: MetricRecord[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'warn'; message: string }
  | { type: 'end'; outcome: JobOutcome }
  | { type: 'error'; message: string };

/** Exit codes of the child: 0 the job ended and `end` was sent (its status is in the outcome); 1 the runner failed; 2 bad usage or job.json; 130 a second signal. */
export const CHILD_EXIT = { ended: 0, runnerError: 1, usage: 2, hardStop: 130 } as const;

/** The job.json of a launcher's ticket: every field the child needs to be the same run and attempt. */
export function jobFileOf(t: { job: PlannedJob; dir: string } & RunIds, imports?: string[]): JobFile {
  const { job, dir, runId, sweepId, attempt, attempts, resuming } = t;
  return { job, dir, runId, sweepId, attempt, attempts, resuming, ...(imports ? { imports } : {}) };
}

export function writeJobFile(path: string, file: JobFile): void {
  writeFileSync(path, `${JSON.stringify(file, keepFloats, 2)}\n`); // a stored 1.0 stays a float for config.yaml
}

/** The event on a line of child stdout, or null for a line that is not one. */
export function parseEvent(line: string): ChildEvent | null {
  if (!line.startsWith('{')) return null;
  try {
    const event = JSON.parse(line) as ChildEvent;
    return typeof event?.type === 'string' ? event : null;
  } catch {
    return null;
  }
}

/** Hands a child's event to the parent's job hooks (start, end and error are the launcher's to handle). */
export function forwardEvent(event: ChildEvent, hooks: JobHooks): void {
  if (event.type === 'record') hooks.record(event.record);
  else if (event.type === 'metric') hooks.metric(event.runId, event.metric);
  else if (event.type === 'rewind') hooks.rewind(event.runId, event.metrics);
  else if (event.type === 'progress') hooks.progress(event.progress);
  else if (event.type === 'warn') hooks.warn(event.message);
}

/**
 * How to start the child on `jobFile`: node on dist/runner/launch/child.js in a built package, or
 * through tsx on child.ts when ladder runs from source (vitest, tsx), as the engine worker does; `env`
 * is the engine's malloc settings (ALLOCATOR_ENV) for the child, under any the launcher's own environment sets.
 */
export function childCommand(jobFile: string): { command: string; args: string[]; env: Readonly<Record<string, string>> } {
  const env = ALLOCATOR_ENV;
  if (!import.meta.url.endsWith('.ts')) return { command: process.execPath, args: [fileURLToPath(new URL('./child.js', import.meta.url)), jobFile], env };
  return { command: process.execPath, args: ['--import', 'tsx', fileURLToPath(new URL('./child.ts', import.meta.url)), jobFile], env };
}
