// `runs export` and `runs compare` against an index written by real launches: MLflow's file-store layout
// (mlflow.store.tracking.file_store: meta.yaml fields, "timestamp value step" metric lines, params/tags as
// files, nested names for '/'), CSV and Parquet that read back with their types, and the side-by-side diff.
// MLflow itself cannot be installed here, so the layout is checked against its documented format.
import { lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTask } from '../../../../runner/tasks/index.js';
import '../../../../runner/tasks/builtin.js';
import { launchedIndex } from '../../fixtures/launched-index.js';
import { tempOutputs } from '../../helpers.js';

const { outputsDir, runs, launch } = launchedIndex('t_export');

interface Ids { sweep: { id: string; dir: string; git_commit: string }[]; single: { id: string; dir: string } }
let ids: Ids;

beforeAll(async () => {
  registerTask('t_export', async (spec: any, ctx) => {
    for (let step = 1; step <= 3; step++) ctx.logMetric({ name: 'train_loss', value: spec.trainer.lr * 100 / step, step, epoch: 1 });
    ctx.logMetric({ name: 'sys/cpu_percent', value: 42.5, step: 3 });
    ctx.logMetric({ name: 'val_loss', value: NaN, epoch: 1 });
    ctx.logMetric({ name: 'val_loss', value: 0.5 + spec.trainer.lr, epoch: 2 });
  });
  expect(await launch(['task=t_export', 'trainer.lr=0.001,0.003'], true)).toBe(0);
  expect(await launch(['task=t_export', 'trainer.lr=0.002'], false)).toBe(0);
  const r = await runs('sql', 'SELECT id, dir, sweep_id, git_commit FROM runs ORDER BY started_at, job', '--json');
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  ids = { sweep: rows.filter((x) => x.sweep_id), single: rows.find((x) => !x.sweep_id) };
  expect(ids.sweep).toHaveLength(2);
});

describe('runs export mlflow', () => {
  let store: string;
  let out: string;
  beforeAll(async () => {
    store = path.join(tempOutputs(), 'mlruns');
    const r = await runs('export', 'mlflow', store);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    out = r.stdout;
  });

  it('writes one experiment per sweep and the single runs in experiment 0, with MLflow\'s experiment meta.yaml', () => {
    expect(out).toMatch(/^exported 3 runs \(\d+ metric values\) in 2 experiment\(s\) to /);
    expect(out).toContain(`mlflow ui --backend-store-uri ${store}`);
    expect(readdirSync(store).sort()).toEqual(['.trash', '0', '1']);
    const exp0 = parse(readFileSync(path.join(store, '0', 'meta.yaml'), 'utf8'));
    expect(exp0).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: `file://${store}/0` });
    const exp1 = parse(readFileSync(path.join(store, '1', 'meta.yaml'), 'utf8'));
    expect(Object.keys(exp1).sort()).toEqual(['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name']);
    expect(exp1.experiment_id).toBe('1'); // a string in YAML, as FileStore writes it
    expect(readFileSync(path.join(store, '1', 'meta.yaml'), 'utf8')).toContain("experiment_id: \"1\"");
    expect(typeof exp1.creation_time).toBe('number');
    expect(readdirSync(path.join(store, '1')).filter((f) => f !== 'meta.yaml').sort()).toEqual(ids.sweep.map((s) => s.id).sort());
    expect(readdirSync(path.join(store, '0'))).toContain(ids.single.id);
  });

  it('gives each run FileStore\'s meta.yaml: ids, status enum, times in ms, artifact_uri', () => {
    const run = ids.sweep[0]!;
    const meta = parse(readFileSync(path.join(store, '1', run.id, 'meta.yaml'), 'utf8'));
    expect(Object.keys(meta).sort()).toEqual(['artifact_uri', 'end_time', 'entry_point_name', 'experiment_id', 'lifecycle_stage', 'run_id', 'run_name',
      'run_uuid', 'source_name', 'source_type', 'source_version', 'start_time', 'status', 'tags', 'user_id']);
    expect(meta).toMatchObject({ run_id: run.id, run_uuid: run.id, experiment_id: '1', status: 3, lifecycle_stage: 'active', source_type: 4, tags: [] });
    expect(meta.artifact_uri).toBe(`file://${store}/1/${run.id}/artifacts`);
    expect(meta.start_time).toBeGreaterThan(1.7e12); // milliseconds since the epoch
    expect(meta.end_time).toBeGreaterThanOrEqual(meta.start_time);
  });

  it('writes metrics as "timestamp value step" lines, nan for NaN, and a name with / as a nested path', () => {
    const dir = path.join(store, '1', ids.sweep[0]!.id, 'metrics');
    const lines = readFileSync(path.join(dir, 'train_loss'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(lines.map(([, value, step]) => [Number(value), Number(step)])).toEqual([[0.1, 1], [0.05, 2], [0.1 / 3, 3]]);
    for (const [timestamp] of lines) expect(timestamp).toMatch(/^\d{13}$/);
    expect(readFileSync(path.join(dir, 'sys', 'cpu_percent'), 'utf8')).toMatch(/^\d{13} 42\.5 3\n$/);
    expect(readFileSync(path.join(dir, 'val_loss'), 'utf8')).toMatch(/^\d{13} nan 0\n\d{13} 0\.501 0\n$/);
  });

  it('writes the config as params, the run name, git commit and run folder as tags, and links the run folder in artifacts/', () => {
    const run = ids.sweep[1]!;
    const dir = path.join(store, '1', run.id);
    expect(readFileSync(path.join(dir, 'params', 'trainer.lr'), 'utf8')).toBe('0.003');
    expect(readFileSync(path.join(dir, 'params', 'task.name'), 'utf8')).toBe('t_export');
    expect(readFileSync(path.join(dir, 'params', 'budget.name'), 'utf8')).toBe('2m');
    expect(readFileSync(path.join(dir, 'tags', 'mlflow.runName'), 'utf8')).toBe('#1 task=t_export trainer.lr=0.003');
    expect(readFileSync(path.join(dir, 'tags', 'ladder.run_dir'), 'utf8')).toBe(path.join(outputsDir, run.dir));
    expect(readFileSync(path.join(dir, 'tags', 'ladder.status'), 'utf8')).toBe('completed');
    expect(readFileSync(path.join(dir, 'tags', 'mlflow.source.git.commit'), 'utf8')).toBe(run.git_commit);
    const runJson = path.join(dir, 'artifacts', 'run.json');
    expect(lstatSync(runJson).isSymbolicLink()).toBe(true);
    expect(readlinkSync(runJson)).toBe(path.join(outputsDir, run.dir, 'run.json'));
  });

  it('refuses a folder that holds files, and --copy copies the run folders', async () => {
    const r = await runs('export', 'mlflow', store);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*mlruns is not empty; export into a new folder/);
    const file = path.join(tempOutputs(), 'runs.csv');
    writeFileSync(file, 'x\n');
    const f = await runs('export', 'mlflow', file);
    expect([f.code, f.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(f.stderr).toMatch(/^Error: .*runs\.csv is a file; runs export mlflow writes a folder/);
    const copied = path.join(tempOutputs(), 'copied');
    expect((await runs('export', 'mlflow', copied, '--copy')).code).toBe(0);
    const runJson = path.join(copied, '0', ids.single.id, 'artifacts', 'run.json');
    expect(lstatSync(runJson).isFile()).toBe(true);
    expect(readdirSync(path.dirname(copied)).some((f) => f.includes('.partial'))).toBe(false);
  });

  it('a folder that cannot be made gets one line and the fix, as csv/parquet, and leaves nothing', async () => {
    const dir = tempOutputs();
    const missing = await runs('export', 'mlflow', path.join(dir, 'no', 'mlruns'));
    expect([missing.code, missing.stderr]).toEqual([1, `Error: cannot write ${path.join(dir, 'no', 'mlruns')}: ENOENT; check that its folder exists and is writable\n`]);
    const notDir = await runs('export', 'mlflow', '/dev/null/x');
    expect([notDir.code, notDir.stderr]).toEqual([1, 'Error: cannot write /dev/null/x: ENOTDIR; check that its folder exists and is writable\n']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('runs export csv|parquet', () => {
  it('writes run_summary as CSV that a CSV reader reads back, NULL as an empty field', async () => {
    const file = path.join(tempOutputs(), 'runs.csv');
    const r = await runs('export', 'csv', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 3 rows × 27 columns to ${file}\n`);
    const rows = parseCsv(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.id)).toEqual([...ids.sweep.map((s) => s.id), ids.single.id]);
    expect(rows[0]!.best_val_loss).toBe('0.501');
    expect(rows[0]!.reason).toBe('');
    expect(JSON.parse(rows[0]!.last_metrics!)).toMatchObject({ 'sys/cpu_percent': 42.5 });
  });

  it('writes any query as Parquet: numbers stay numbers, integers INT64, nulls stay null', async () => {
    const file = path.join(tempOutputs(), 'runs.parquet');
    const sql = "SELECT id, job, best_val_loss, reason, sweep_id IS NOT NULL AS in_sweep, CASE WHEN sweep_id IS NULL THEN NULL ELSE 'sweep' END AS kind FROM run_summary ORDER BY started_at, job";
    expect((await runs('export', 'parquet', file, '--sql', sql)).code).toBe(0);
    const bytes = readFileSync(file);
    const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    expect(rows).toEqual([
      { id: ids.sweep[0]!.id, job: 0n, best_val_loss: 0.501, reason: null, in_sweep: 1n, kind: 'sweep' },
      { id: ids.sweep[1]!.id, job: 1n, best_val_loss: 0.503, reason: null, in_sweep: 1n, kind: 'sweep' },
      { id: ids.single.id, job: 0n, best_val_loss: 0.502, reason: null, in_sweep: 0n, kind: null },
    ]);
  });

  it('an SQL error or a write leaves no file, with one line and the fix', async () => {
    const dir = tempOutputs();
    const r = await runs('export', 'csv', path.join(dir, 'x.csv'), '--sql', 'DELETE FROM runs');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: the index is opened read-only: only queries (SELECT, WITH, read-only PRAGMA) are allowed\n');
    const bad = await runs('export', 'parquet', path.join(dir, 'no', 'such', 'x.parquet'));
    expect(bad.stderr).toMatch(/^Error: cannot write .*x\.parquet: ENOENT; check that its folder exists and is writable\n$/);
    expect(readdirSync(dir)).toEqual([]);
    expect((await runs('export', 'xlsx', 'x')).stderr).toBe("Error: unknown export format 'xlsx': use mlflow, csv or parquet\n");
  });
});

describe('runs compare', () => {
  it('shows only the config keys that differ, and the final metrics, one column per run', async () => {
    const [a, b] = ids.sweep;
    const r = await runs('compare', a!.id, b!.id.slice(0, 5));
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual([a!.id, b!.id]);
    expect(lines).toContainEqual(['config: 1 key(s) differ']);
    expect(lines).toContainEqual(['trainer.lr', '0.001', '0.003']);
    expect(lines).toContainEqual(['best_val_loss', '0.501', '0.503']);
    expect(lines).toContainEqual(['sys/cpu_percent', '42.5', '42.5']);
    expect(lines).toContainEqual(['train_loss', '0.0333333', '0.1']);
  });

  it('--json gives the same comparison; a run folder works as an id, an unknown id is named', async () => {
    const r = await runs('compare', ids.sweep[0]!.id, path.join(outputsDir, ids.single.dir), '--json');
    const c = JSON.parse(r.stdout);
    expect(c.config).toEqual([{ key: 'trainer.lr', values: [0.001, 0.002] }]);
    expect(c.metrics.find((m: any) => m.key === 'val_loss').values).toEqual([0.501, 0.502]);
    const bad = await runs('compare', ids.sweep[0]!.id, 'zzzz');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("Error: no run 'zzzz' in the index; list them with `runs ls`\n");
    expect((await runs('compare', ids.sweep[0]!.id)).stderr).toMatch(/takes two or more run ids/);
  });
});
