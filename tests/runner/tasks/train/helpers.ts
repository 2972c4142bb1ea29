// Runs real train jobs in-process on the project's conf/, into a temporary outputs folder and index.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import '../../../../runner/tasks/builtin.js';
import { compose } from '../../../../runner/compose/index.js';
import { LocalLauncher, SweepRun, planJobs, type LaunchReporter, type LaunchResult } from '../../../../runner/launch/index.js';
import type { Progress, Warmup } from '../../../../runner/tasks/index.js';

export const CONF = join(import.meta.dirname, '..', '..', '..', '..', 'conf');

/** A model small enough for a few-second run: ~2k parameters. */
export const TINY = ['model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', 'model.n_heads=2'];

export interface TrainRun extends LaunchResult {
  /** The first job's warm-up, when RunOptions.warm asked for one (null when the task started none). */
  warm?: Warmup | null;
  outputsDir: string;
  indexPath: string;
}

export interface RunOptions {
  multirun?: boolean;
  /** Called with each progress report and the run's index; abort `controller` from it to simulate Ctrl-C. */
  onProgress?: (p: Progress, controller: AbortController, run: { indexPath: string }) => void;
  /** Warm the first job up on the local launcher before the run, as `npx run` does (closed after the run). */
  warm?: boolean;
}

export async function train(overrides: string[], opts: RunOptions = {}): Promise<TrainRun> {
  const outputsDir = mkdtempSync(join(tmpdir(), 'ladder-train-'));
  const indexPath = join(outputsDir, 'index.sqlite');
  const plan = planJobs(overrides, { multirun: opts.multirun ?? false, zip: [], configDir: CONF, configName: 'config', compose });
  const controller = new AbortController();
  const reporter: LaunchReporter = {
    start: () => {},
    jobStart: () => {},
    jobProgress: (_job, p) => opts.onProgress?.(p, controller, { indexPath }),
    jobWarn: () => {},
    jobEnd: () => {},
    warn: () => {},
    end: async () => {},
  };
  const launcher = opts.warm ? new LocalLauncher() : undefined;
  const warm = launcher && plan.jobs[0] ? await launcher.warm(plan.jobs[0]) : undefined;
  try {
    const result = await new SweepRun(plan, { outputsDir, indexPath, signal: controller.signal, reporter, launcher }).run();
    return { ...result, outputsDir, indexPath, ...(opts.warm ? { warm } : {}) };
  } finally {
    await warm?.close();
  }
}

export function query<T>(run: TrainRun, sql: string, ...params: unknown[]): T[] {
  const db = new Database(run.indexPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface MetricLine {
  name: string;
  value: number | string;
  step: number | null;
  epoch: number | null;
}

export const metricsOf = (dir: string): MetricLine[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricLine);

export const lastMetric = (dir: string, name: string) => metricsOf(dir).filter((m) => m.name === name).at(-1)?.value;

export const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
