// The files of a run folder and their formats. The folders are the source of truth:
// the SQLite index can always be rebuilt from them (`runs reindex`).
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ConfigValue } from '../overrides/index.js';
import { parseConfigYaml, stringifyConfig } from '../yaml/index.js';
import type { Environment } from './environment.js';

export type { ConfigValue };
/**
 * `lost`: its process ended without recording an end and left nothing to continue from (see owner.ts).
 * `pruned`: a study's trial that its pruner stopped early (sweeps/pruners); finished, like completed.
 */
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted' | 'skipped' | 'lost' | 'pruned';
export type SweepStatus = 'running' | 'completed' | 'failed' | 'interrupted';

export const FILES = {
  config: 'config.yaml',
  overrides: 'overrides.yaml',
  run: 'run.json',
  metrics: 'metrics.jsonl',
  log: 'run.log',
  multirun: 'multirun.yaml',
} as const;

/** run.json */
export interface RunRecord extends Environment {
  id: string;
  sweep_id: string | null;
  job: number | null;
  task: string;
  status: RunStatus;
  /** Why the run ended other than `completed` (the task's failure reason, the error, 'interrupted by SIGINT'). */
  reason: string | null;
  overrides: string[];
  choices: Record<string, string>;
  started_at: string;
  finished_at: string | null;
  duration_s: number | null;
  /** Facts the task records with ctx.setInfo, e.g. { n_params: 1998720 }. */
  info: Record<string, ConfigValue>;
  /** 1 for a job's first start; each rerun or continuation of the job in this folder adds one. */
  attempt?: number;
  /** How each earlier attempt in this folder ended, oldest first. */
  attempts?: AttemptSummary[];
  /** The file (relative to the run folder) whose presence means the run can continue, as its task declares; null: none. */
  resume_point?: string | null;
}

/** An earlier attempt of a job, kept in run.json `attempts` (its record and log are under attempts/). */
export interface AttemptSummary {
  attempt: number;
  status: RunStatus;
  reason: string | null;
  started_at: string;
  finished_at: string | null;
}

/** One line of metrics.jsonl */
export interface MetricRecord {
  name: string;
  /** A number; non-finite values are written as the strings 'NaN', 'Infinity', '-Infinity'. */
  value: number | string;
  step: number | null;
  epoch: number | null;
  time: string;
}

/** A job of a sweep as multirun.yaml keeps it: enough to find its folder and rebuild the plan on --resume. */
export interface SweepJob {
  num: number;
  overrides: string[];
  /** Which ask of the sweeper proposed it (0: the first batch). */
  batch: number;
  /** Its run folder, relative to the sweep folder; null until it first starts. */
  dir: string | null;
  run_id: string | null;
  /** How it last ended as the driver saw it (run.json has the final word); 'not started' until it starts. */
  status: RunStatus | 'not started';
  /** Starts so far (0: never started). */
  attempt: number;
}

/** The command a sweep came from: what `--resume` re-plans it with. */
export interface SweepCommand {
  /** The overrides as typed. */
  overrides: string[];
  /** --zip flags as typed (the preset's own zips are not repeated here). */
  zip: string[][];
  config_dir: string;
  config_name: string;
}

/** multirun.yaml at a sweep's root */
export interface SweepRecord {
  id: string;
  status: SweepStatus;
  started_at: string;
  finished_at: string | null;
  /** The command-line overrides as typed, e.g. ['sweep=scaling', 'trainer=smoke']. */
  overrides: string[];
  preset: string | null;
  zip: string[][];
  jobs: SweepJob[];
  /** Where the sweep ran, to tell a crashed sweep from a running one (see owner.ts). */
  hostname: string;
  pid: number;
  pid_started?: string | null;
  /** What identifies its jobs (sweepKey): a second run of the same command finds this sweep by it. */
  key?: string;
  command?: SweepCommand;
}

/**
 * Why a write failed when the cause is the outputs' file system, not Ladder (`disk full: ...`,
 * `cannot write: ...`), or null for any other error. Such a failure ends the sweep: no later job could write.
 */
export function writeFailure(e: unknown): string | null {
  const { code, message } = (e ?? {}) as NodeJS.ErrnoException;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return `disk full: ${message}; free space on that disk, or set "outputsDir" in the ladder settings to a larger one`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `cannot write: ${message}`;
  return null;
}

/**
 * Writes via a temporary file and rename, so a reader never sees half a file; the temporary file never
 * outlives a failed write. `inPlace`: on a full disk, overwrite `path` itself instead (a record that
 * must not go on saying `running` where a whole new copy no longer fits; it rarely needs more room).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, { inPlace = false } = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code && !err.message.includes(path)) err.message = `${err.message.replace(` '${tmp}'`, '')} '${path}'`; // write(2)'s error names no file
    if (!inPlace || !writeFailure(e)?.startsWith('disk full') || !existsSync(path)) throw e;
    overwrite(path, typeof data === 'string' ? Buffer.from(data) : data);
  }
}

/** Overwrites a file in its own blocks; if the new content does not fit, puts the old content back. */
function overwrite(path: string, data: Uint8Array): void {
  const old = readFileSync(path);
  const fd = openSync(path, 'r+');
  try {
    writeFrom0(fd, data);
    ftruncateSync(fd, data.length);
  } catch (e) {
    writeFrom0(fd, old);
    ftruncateSync(fd, old.length);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `data` from offset 0: one write(2) may write only part of it on a filling disk, the next then fails. */
function writeFrom0(fd: number, data: Uint8Array): void {
  for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at, at);
}

export const writeRunRecord = (dir: string, r: RunRecord) => writeFileAtomic(join(dir, FILES.run), `${JSON.stringify(r, null, 2)}\n`, { inPlace: true });
/** A run folder's run.json; a damaged file throws naming it (`run.json is not valid JSON (...)`). */
export function readRunRecord(dir: string): RunRecord {
  const text = readFileSync(join(dir, FILES.run), 'utf8');
  try {
    return JSON.parse(text) as RunRecord;
  } catch (e) {
    throw new Error(`${FILES.run} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

export const writeSweepRecord = (dir: string, s: SweepRecord) => writeFileAtomic(join(dir, FILES.multirun), stringify(s), { inPlace: true });
export const readSweepRecord = (dir: string) => parse(readFileSync(join(dir, FILES.multirun), 'utf8')) as SweepRecord;

/** config.yaml (YAML 1.1 as OmegaConf writes it: `1.0` stays `1.0`, `'yes'` stays quoted) and overrides.yaml. */
export function writeJobInputs(dir: string, config: unknown, overrides: string[]): void {
  writeFileAtomic(join(dir, FILES.config), stringifyConfig(config));
  writeFileAtomic(join(dir, FILES.overrides), stringify(overrides));
}

/** A run folder's config.yaml, read as config files are (whole-number floats are Floats). */
export function readConfig(dir: string): ConfigValue {
  const file = join(dir, FILES.config);
  return parseConfigYaml(readFileSync(file, 'utf8'), file) as ConfigValue;
}

export function readMetrics(dir: string): MetricRecord[] {
  const file = join(dir, FILES.metrics);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as MetricRecord];
      } catch {
        return []; // a line cut short by a hard kill
      }
    });
}

/** An append-only line file kept open for the run (metrics.jsonl, run.log). */
export class LineFile {
  private fd: number | null;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }
  append(line: string): void {
    if (this.fd !== null) writeFileSync(this.fd, `${line}\n`); // all of it, or ENOSPC: one write(2) may write part
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
