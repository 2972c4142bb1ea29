// `runs export mlflow <dir>`: the index's runs in MLflow's file-store layout (mlflow.store.tracking.file_store),
// which `mlflow ui --backend-store-uri <dir>` reads:
//   <dir>/<experiment_id>/meta.yaml                       experiment: name, artifact_location, times
//   <dir>/<experiment_id>/<run_id>/meta.yaml              run: status, start/end time (ms), artifact_uri
//   <dir>/<experiment_id>/<run_id>/params/<key>           the value as text
//   <dir>/<experiment_id>/<run_id>/metrics/<name>         one "timestamp_ms value step" line per value
//   <dir>/<experiment_id>/<run_id>/tags/<name>            mlflow.runName, mlflow.source.git.commit, ladder.*
//   <dir>/<experiment_id>/<run_id>/artifacts/<entry>      a link to (or copy of) each entry of the run folder
// A name with '/' (sys/cpu_percent) is a nested path, as MLflow writes it.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { IndexError, type Db } from '../db.js';

/** MLflow's RunStatus enum as its meta.yaml stores it. */
// a pruned trial ended as its study meant it to: FINISHED, as Optuna's MLflow callback leaves it
const RUN_STATUS: Record<string, number> = { running: 1, completed: 3, failed: 4, interrupted: 5, skipped: 5, pruned: 3 };
/** SourceType.LOCAL */
const SOURCE_LOCAL = 4;
/** The experiment single runs go to: MLflow's own default experiment. */
export const SINGLE_RUNS_EXPERIMENT = { id: '0', name: 'Default' };

export interface MlflowExportOptions {
  /** Copy the run folders into artifacts/ instead of linking to them (a store that outlives outputs/). */
  copy?: boolean;
  /** Time of the export (ms), the experiments' creation time; defaults to now. */
  now?: number;
}

export interface MlflowExport {
  experiments: { id: string; name: string; runs: number }[];
  runs: number;
  metricValues: number;
}

interface RunRow {
  id: string; sweep_id: string | null; job: number | null; task: string; status: string; reason: string | null;
  dir: string; overrides: string; choices: string; config: string; hostname: string | null; git_commit: string | null;
  started_at: string; finished_at: string | null;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** A config value as MLflow's Python client logs it: str(value). */
function paramText(v: unknown): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

function flatten(v: unknown, prefix: string, out: [string, string][]): [string, string][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.push([prefix, paramText(v)]);
  return out;
}

/** MLflow's float text: Python's repr of nan/inf. */
const metricText = (v: number | null) => (v === null ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v));

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A metric, param or tag name as a path under its folder; MLflow refuses the same names (no '..', no leading '/'). */
function namePath(folder: string, name: string): string {
  if (name.startsWith('/') || name.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new IndexError(`'${name}' cannot be an MLflow metric/param/tag name (empty, '.' or '..' path part); rename it in the task`);
  }
  return join(folder, ...name.split('/'));
}

/**
 * Writes every run of the index `db` (outputs folder `outputsDir`) under `dest`, which must be absent or
 * empty. One experiment per sweep (ids 1, 2, … in the order the sweeps started; name = the sweep's folder
 * relative to outputs/), single runs in experiment 0, "Default". Run ids are Ladder's. Metric timestamps
 * are the index's times in ms; a metric without a step gets step 0 (MLflow's default). Throws IndexError
 * when `dest` holds files or cannot be written (its folder missing or read-only; never a hang under
 * /proc). The store is written beside `dest` and renamed into place, so a failed export leaves nothing behind.
 */
export function exportMlflow(db: Db, outputsDir: string, dest: string, opts: MlflowExportOptions = {}): MlflowExport {
  const root = resolve(dest);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new IndexError(`${dest} is a file; runs export mlflow writes a folder: give a new folder name, e.g. mlruns`);
  }
  if (existsSync(root) && readdirSync(root).length) {
    throw new IndexError(`${dest} is not empty; export into a new folder (an MLflow store mixes badly with old exports)`);
  }
  const partial = `${root}.partial-${process.pid}`;
  const cannotWrite = (e: unknown) => new IndexError(`cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check that its folder exists and is writable`);
  try {
    mkdirSync(partial); // not recursive: its folder must exist, and every mkdir below is inside this one
  } catch (e) {
    throw cannotWrite(e);
  }
  try {
    const result = writeStore(db, outputsDir, root, partial, opts);
    if (existsSync(root)) rmdirSync(root);
    renameSync(partial, root);
    return result;
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e instanceof IndexError || !(e as NodeJS.ErrnoException).code ? e : cannotWrite(e);
  }
}

/** The store for final location `root`, written at `at`. */
function writeStore(db: Db, outputsDir: string, root: string, at: string, opts: MlflowExportOptions): MlflowExport {
  const now = opts.now ?? Date.now();
  const sweeps = db.prepare('SELECT id, dir, started_at FROM sweeps ORDER BY started_at, id').all() as { id: string; dir: string; started_at: string }[];
  const runs = db.prepare('SELECT * FROM runs ORDER BY started_at, job, id').all() as RunRow[];
  const metricsOf = db.prepare('SELECT name, step, value, time FROM metrics WHERE run_id = ? ORDER BY rowid');

  const experimentOf = new Map<string | null, { id: string; name: string; runs: number }>();
  experimentOf.set(null, { ...SINGLE_RUNS_EXPERIMENT, runs: 0 });
  sweeps.forEach((s, i) => experimentOf.set(s.id, { id: String(i + 1), name: s.dir, runs: 0 }));
  mkdirSync(join(at, '.trash'), { recursive: true }); // FileStore keeps deleted experiments there
  const artifactRoot = (id: string) => pathToFileURL(join(root, id)).href;
  for (const e of experimentOf.values()) {
    writeFile(join(at, e.id, 'meta.yaml'), stringify({
      artifact_location: artifactRoot(e.id), creation_time: now, experiment_id: e.id,
      last_update_time: now, lifecycle_stage: 'active', name: e.name,
    }, { lineWidth: 0 }));
  }

  let metricValues = 0;
  for (const run of runs) {
    const experiment = experimentOf.get(run.sweep_id) ?? experimentOf.get(null)!;
    experiment.runs += 1;
    const runDir = join(at, experiment.id, run.id);
    const runFolder = join(outputsDir, run.dir);
    const runName = run.sweep_id === null ? run.dir : `#${run.job} ${(JSON.parse(run.overrides) as string[]).join(' ')}`.trim();
    writeFile(join(runDir, 'meta.yaml'), stringify({
      artifact_uri: `${artifactRoot(experiment.id)}/${run.id}/artifacts`, end_time: ms(run.finished_at), entry_point_name: '',
      experiment_id: experiment.id, lifecycle_stage: 'active', run_id: run.id, run_name: runName, run_uuid: run.id,
      source_name: '', source_type: SOURCE_LOCAL, source_version: run.git_commit ?? '', start_time: ms(run.started_at),
      status: RUN_STATUS[run.status] ?? RUN_STATUS.failed, tags: [], user_id: 'ladder',
    }, { lineWidth: 0 }));
    for (const [key, value] of flatten(JSON.parse(run.config), '', [])) writeFile(namePath(join(runDir, 'params'), key), value);
    const tags: Record<string, string | null> = {
      'mlflow.runName': runName,
      'mlflow.source.git.commit': run.git_commit,
      'mlflow.source.type': 'LOCAL',
      'mlflow.user': 'ladder',
      'ladder.run_dir': runFolder,
      'ladder.task': run.task,
      'ladder.status': run.status,
      'ladder.reason': run.reason,
      'ladder.overrides': (JSON.parse(run.overrides) as string[]).join(' '),
      'ladder.sweep_id': run.sweep_id,
      'ladder.job': run.job === null ? null : String(run.job),
      'ladder.hostname': run.hostname,
    };
    for (const [group, option] of Object.entries(JSON.parse(run.choices) as Record<string, unknown>)) tags[`ladder.choice.${group}`] = paramText(option);
    for (const [name, value] of Object.entries(tags)) if (value !== null) writeFile(namePath(join(runDir, 'tags'), name), value);
    const lines = new Map<string, string[]>();
    for (const m of metricsOf.iterate(run.id) as Iterable<{ name: string; step: number | null; value: number | null; time: string }>) {
      if (!lines.has(m.name)) lines.set(m.name, []);
      lines.get(m.name)!.push(`${Date.parse(m.time)} ${metricText(m.value)} ${m.step ?? 0}\n`);
      metricValues += 1;
    }
    for (const [name, text] of lines) writeFile(namePath(join(runDir, 'metrics'), name), text.join(''));
    linkArtifacts(runFolder, join(runDir, 'artifacts'), opts.copy ?? false);
  }
  return { experiments: [...experimentOf.values()], runs: runs.length, metricValues };
}

/** artifacts/ holds each entry of the run folder, linked (absolute) or copied; a missing run folder leaves it empty. */
function linkArtifacts(runFolder: string, artifacts: string, copy: boolean): void {
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(runFolder)) return;
  for (const entry of readdirSync(runFolder)) {
    const from = join(runFolder, entry);
    if (copy) cpSync(from, join(artifacts, entry), { recursive: true });
    else symlinkSync(resolve(from), join(artifacts, entry));
  }
}
