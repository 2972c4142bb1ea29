import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/runs.js';
import { launch } from '../../../runner/launch/index.js';
import { LOST_REASON, ORPHAN_REASON, processStart } from '../../../runner/outputs/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { APPLICATION_ID, MIGRATIONS, openIndex, reindex, schemaVersion } from '../../../runner/tracking/index.js';
import { job, sweepPlan, tempOutputs } from '../helpers.js';

const outputs = tempOutputs();
const index = join(outputs, 'index.sqlite');

function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: outputs };
  return main([...argv, '--outputs', outputs], io).then((code) => ({ code, stdout, stderr }));
}

/** Every table's rows in a stable order, for comparing two indexes. */
function dump(path: string) {
  const db = new Database(path, { readonly: true });
  const out = {
    sweeps: db.prepare('SELECT * FROM sweeps ORDER BY id').all(),
    runs: db.prepare('SELECT * FROM runs ORDER BY id').all(),
    params: db.prepare('SELECT * FROM params ORDER BY run_id, key').all(),
    metrics: db.prepare('SELECT * FROM metrics ORDER BY run_id, rowid').all(),
    summary: db.prepare('SELECT * FROM run_summary ORDER BY id').all(),
  };
  db.close();
  return out;
}

beforeAll(async () => {
  registerTask('t-curve', async (spec: any, ctx) => {
    const losses = spec.budget.name === '2m' ? [0.8, 0.6, 0.65] : [0.9, 0.7, 0.5];
    losses.forEach((v, epoch) => ctx.logMetrics({ val_loss: v, train_loss: v + 0.1 }, { epoch }));
    ctx.logMetric({ name: 'n_params', value: spec.budget.name === '2m' ? 2e6 : 2e7 });
    ctx.setInfo({ n_params: spec.budget.name === '2m' ? 2e6 : 2e7 });
    if (spec.horizon.name === 'h3') return { status: 'failed', reason: 'diverged' };
  });
  const grid = [
    { budget: '2m', horizon: 'h1' },
    { budget: '2m', horizon: 'h3' },
    { budget: '20m', horizon: 'h1' },
    { budget: '20m', horizon: 'h3' },
  ];
  await launch(sweepPlan('t-curve', grid), { outputsDir: outputs, indexPath: index });
  const single = { multirun: false, overrides: ['budget=20m'], preset: null, zip: [], jobs: [job(0, 't-curve', { budget: '20m', horizon: 'h5' })] };
  await launch(single, { outputsDir: outputs, indexPath: index });
});
afterAll(() => unregisterTask('t-curve'));

describe('the index', () => {
  it('is versioned by user_version', () => {
    const db = openIndex(index);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses an index written by a newer schema instead of guessing', () => {
    const path = join(tempOutputs(), 'newer.sqlite');
    const db = new Database(path);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openIndex(path)).toThrow(`index schema v99 is newer than this ladder knows (v${MIGRATIONS.length}); upgrade ladder`);
  });

  it('run_summary gives best and last metrics per run', () => {
    const db = new Database(index, { readonly: true });
    const rows = db.prepare("SELECT budget, horizon, status, reason, n_params, best_val_loss, best_epoch, val_loss FROM run_summary ORDER BY started_at, job").all();
    db.close();
    expect(rows).toEqual([
      { budget: '2m', horizon: 'h1', status: 'completed', reason: null, n_params: 2e6, best_val_loss: 0.6, best_epoch: 1, val_loss: 0.65 },
      { budget: '2m', horizon: 'h3', status: 'failed', reason: 'diverged', n_params: 2e6, best_val_loss: 0.6, best_epoch: 1, val_loss: 0.65 },
      { budget: '20m', horizon: 'h1', status: 'completed', reason: null, n_params: 2e7, best_val_loss: 0.5, best_epoch: 2, val_loss: 0.5 },
      { budget: '20m', horizon: 'h3', status: 'failed', reason: 'diverged', n_params: 2e7, best_val_loss: 0.5, best_epoch: 2, val_loss: 0.5 },
      { budget: '20m', horizon: 'h5', status: 'completed', reason: null, n_params: 2e7, best_val_loss: 0.5, best_epoch: 2, val_loss: 0.5 },
    ]);
  });

  it('runs reindex rebuilds exactly the same index from the run folders', async () => {
    const before = dump(index);
    expect(before.runs).toHaveLength(5);
    rmSync(index);
    rmSync(`${index}-wal`, { force: true });
    rmSync(`${index}-shm`, { force: true });
    const { code, stdout } = await cli('reindex');
    expect(code).toBe(0);
    expect(stdout).toContain('1 sweeps, 5 runs, 35 metrics');
    expect(dump(index)).toEqual(before);
    expect(reindex(outputs, index).runs).toBe(5); // idempotent over an existing index
    expect(dump(index)).toEqual(before);
  });
});

describe('reindex of damaged folders', () => {
  it('indexes what it can and names each folder it had to leave out', () => {
    const copy = tempOutputs();
    cpSync(outputs, copy, { recursive: true });
    rmSync(join(copy, 'index.sqlite'), { force: true });
    const single = dump(index).runs.find((r: any) => r.sweep_id === null) as { dir: string };
    writeFileSync(join(copy, single.dir, 'run.json'), '{ "id": "cut sho');
    const result = reindex(copy, join(copy, 'index.sqlite'));
    expect(result.runs).toBe(4);
    expect(result.skipped).toEqual([{ dir: single.dir, reason: expect.stringMatching(/^run\.json is not valid JSON \(/) }]);
  });
});

describe('reindex closes orphaned runs', () => {
  it('records a dead process\'s run as interrupted with a resume point and lost without; leaves a live one running', async () => {
    const copy = tempOutputs();
    cpSync(outputs, copy, { recursive: true });
    const runs = dump(index).runs as { dir: string; job: number | null }[];
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const set = (dir: string, fields: object) => {
      const file = join(copy, dir, 'run.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), status: 'running', reason: null, ...fields }));
    };
    set(runs[0].dir, { pid: deadPid, resume_point: 'last.txt' });
    writeFileSync(join(copy, runs[0].dir, 'last.txt'), 'a checkpoint');
    set(runs[1].dir, { pid: process.pid, pid_started: processStart(process.pid) });
    set(runs[2].dir, { pid: deadPid, resume_point: null });
    // this process's pid, but a process that started at another time: the pid was reused, the owner is gone
    set(runs[3].dir, { pid: process.pid, pid_started: 'another-boot/1', resume_point: 'missing.txt' });
    const result = reindex(copy, join(copy, 'index.sqlite'));
    expect(result.closed.sort()).toEqual([runs[0].dir, runs[2].dir, runs[3].dir].sort());
    const record = (dir: string) => JSON.parse(readFileSync(join(copy, dir, 'run.json'), 'utf8'));
    expect(record(runs[0].dir)).toMatchObject({ status: 'interrupted', reason: ORPHAN_REASON });
    expect(record(runs[2].dir)).toMatchObject({ status: 'lost', reason: LOST_REASON });
    expect(record(runs[3].dir)).toMatchObject({ status: 'lost', reason: LOST_REASON });
    const db = new Database(join(copy, 'index.sqlite'), { readonly: true });
    const status = (dir: string) => db.prepare('SELECT status FROM runs WHERE dir = ?').pluck().get(dir);
    expect(runs.slice(0, 4).map((r) => status(r.dir))).toEqual(['interrupted', 'running', 'lost', 'lost']);
    db.close();
  });
});

describe('reindex closes orphaned sweeps', () => {
  it('ends a sweep whose process died at its last job\'s end, not when multirun.yaml was last written', () => {
    const copy = tempOutputs();
    cpSync(outputs, copy, { recursive: true });
    const { sweeps, runs } = dump(index) as { sweeps: { dir: string }[]; runs: { sweep_id: string | null; finished_at: string }[] };
    const file = join(copy, sweeps[0].dir, 'multirun.yaml');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(file, stringify({ ...parse(readFileSync(file, 'utf8')), status: 'running', finished_at: null, pid: deadPid }));
    utimesSync(file, new Date('2030-01-01'), new Date('2030-01-01')); // its mtime says nothing of the jobs
    const result = reindex(copy, join(copy, 'index.sqlite'));
    expect(result.closed).toEqual([sweeps[0].dir]);
    const lastEnd = runs.filter((r) => r.sweep_id !== null).map((r) => r.finished_at).sort().at(-1);
    expect(parse(readFileSync(file, 'utf8'))).toMatchObject({ status: 'interrupted', finished_at: lastEnd });
  });
});

describe('runs CLI', () => {
  it('ls filters by summary columns and config keys', async () => {
    const failed = await cli('ls', 'budget=2m', 'status=failed');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/failed\s+t-curve\s+2m/);
    expect(failed.stdout).toContain('1 run(s)');
    const json = JSON.parse((await cli('ls', 'horizon.name=h1', '--json')).stdout);
    expect(json.map((r: any) => r.budget)).toEqual(['2m', '20m']);
    const bad = await cli('ls', 'colour=red');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown key 'colour'/);
    const status = await cli('ls', 'status=bogus');
    expect([status.code, status.stdout]).toEqual([1, '']);
    expect(status.stderr).toBe("Error: filter 'status=bogus': unknown status 'bogus'; use one of running, completed, failed, interrupted, skipped, lost, pruned\n");
  });

  it('show finds a run by id prefix and by folder', async () => {
    const db = new Database(index, { readonly: true });
    const { id, dir } = db.prepare("SELECT id, dir FROM runs WHERE job = 1").get() as { id: string; dir: string };
    db.close();
    const byId = await cli('show', id.slice(0, 6));
    expect(byId.stdout).toContain(`run ${id}  failed: diverged`);
    expect(byId.stdout).toMatch(/val_loss\s+3\s+0\.8\s+0\.65\s+0\.6\s+0\.8/);
    const byDir = JSON.parse((await cli('show', join(outputs, dir), '--json')).stdout);
    expect(byDir).toMatchObject({ id, status: 'failed', info: { n_params: 2e6 }, overrides: ['budget=2m', 'horizon=h3'] });
    expect((await cli('show', 'nope')).code).toBe(1);
  });

  it('sql answers queries as a table or JSON lines', async () => {
    const table = await cli('sql', "SELECT budget, COUNT(*) AS n FROM run_summary WHERE status = 'completed' GROUP BY budget ORDER BY budget");
    expect(table.stdout.split('\n').slice(0, 4)).toEqual(['budget  n', '------  -', '20m     2', '2m      1']);
    const lines = (await cli('sql', 'SELECT key, value FROM params WHERE key = \'seed\' LIMIT 2', '--json')).stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ key: 'seed', value: 42 }, { key: 'seed', value: 42 }]);
  });

  it('sql prints each column as the query names it: repeated names keep their own values in the table', async () => {
    const table = await cli('sql', "SELECT 1 AS a, 2 AS a, 'two\nlines' AS b");
    expect(table.stdout).toBe('a  a  b\n-  -  -----\n1  2  two …\n');
    expect((await cli('sql', "SELECT 1 AS a, 2 AS a, 'two\nlines' AS b", '--json')).stdout).toBe('{"a":2,"b":"two\\nlines"}\n');
  });

  it('sql prints a large result whole and aligned, and nothing of one that fails half-way', async () => {
    const rows = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i, i * 0.5 AS half FROM n';
    const lines = Array.from({ length: 20000 }, (_, k) => `${String(k + 1).padEnd(5)}  ${(k + 1) * 0.5}`);
    expect((await cli('sql', rows)).stdout).toBe(['i      half', '-----  ------', ...lines, ''].join('\n'));
    const failing = await cli('sql', `${rows.replace('SELECT i, i * 0.5 AS half', "SELECT i, CASE WHEN i < 15000 THEN i ELSE json('x') END AS half")}`);
    expect(failing).toMatchObject({ code: 1, stdout: '', stderr: 'Error: SQL error: malformed JSON\n' });
  });

  it('sql refuses anything that writes, and the index is unchanged', async () => {
    const before = dump(index);
    for (const statement of ["DELETE FROM runs", "UPDATE runs SET status = 'completed'", 'DROP TABLE metrics', "INSERT INTO sweeps (id) VALUES ('x')", 'PRAGMA user_version = 0']) {
      const r = await cli('sql', statement);
      expect(r.code, statement).toBe(1);
      expect(r.stderr, statement).toMatch(/read-only|readonly/);
    }
    const syntax = await cli('sql', 'SELEC nonsense');
    expect(syntax.stderr).toMatch(/^Error: SQL error: near "SELEC"/);
    expect(dump(index)).toEqual(before);
  });
});
