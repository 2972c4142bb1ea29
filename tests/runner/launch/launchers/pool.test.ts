// launcher=pool: jobs in child processes, n_jobs at a time, the same run folders and index rows as
// local, threads shared out and recorded, the engine's malloc settings set, a dead child recorded failed,
// Ctrl-C forwarded once.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV } from '../../../../engine/index.js';
import { compose } from '../../../../runner/compose/index.js';
import { launch, LocalLauncher, planJobs, PoolLauncher, type Launcher } from '../../../../runner/launch/index.js';
import { poolShape } from '../../../../runner/launch/launchers/index.js';
import '../../../../runner/tasks/builtin.js';
import { sweepPlan, tempOutputs } from '../../helpers.js';

const CONF = resolve('conf');
const FIXTURE_TASKS = resolve('tests/runner/fixtures/child-tasks.ts');
const pool = (n_jobs: number, threads: number | null = null) => new PoolLauncher({ name: 'pool', n_jobs, threads, retries: 0 }, { imports: [FIXTURE_TASKS] });
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

async function sweep(launcher: Launcher, overrides: string[]) {
  const outputsDir = tempOutputs();
  const plan = planJobs(overrides, { multirun: true, configDir: CONF, configName: 'config', compose });
  const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher });
  return { result, outputsDir };
}

/** What a run folder and its index row say, less what differs between any two runs (ids, times, pids, the launcher's own facts). */
function comparable(outputsDir: string, dir: string) {
  const { id: _id, sweep_id: _s, started_at: _a, finished_at: _b, duration_s: _d, pid: _p, pid_started: _ps, argv: _v, allocator: _m, info, ...record } = runJson(dir);
  const { launcher: _l, threads: _t, ...taskInfo } = info;
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), time: null }));
  const db = new Database(join(outputsDir, 'index.sqlite'), { readonly: true });
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runJson(dir).id) as Record<string, unknown>;
  const params = db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(runJson(dir).id);
  const metricRows = db.prepare('SELECT name, step, epoch, value FROM metrics WHERE run_id = ? ORDER BY rowid').all(runJson(dir).id);
  db.close();
  const { id: _i, sweep_id: _w, started_at: _c, finished_at: _f, duration_s: _e, pid: _ip, pid_started: _ips, dir: rel, info: rowInfo, ...indexRow } = row;
  expect(JSON.parse(rowInfo as string)).toEqual(info);
  return {
    record, taskInfo, metrics, indexRow, params, metricRows, rel: String(rel).split('/').at(-1),
    files: readdirSync(dir).sort(), config: readFileSync(join(dir, 'config.yaml'), 'utf8'), overrides: readFileSync(join(dir, 'overrides.yaml'), 'utf8'),
  };
}

describe('launcher=pool', () => {
  it('shares the cores out: n_jobs workers (default every core), floor(cores / n_jobs) threads each, at least 1', () => {
    expect(poolShape({ n_jobs: null, threads: null }, 8)).toEqual({ workers: 8, threads: 1 });
    expect(poolShape({ n_jobs: 3, threads: null }, 8)).toEqual({ workers: 3, threads: 2 });
    expect(poolShape({ n_jobs: 4, threads: null }, 2)).toEqual({ workers: 4, threads: 1 });
    expect(poolShape({ n_jobs: 2, threads: 3 }, 8)).toEqual({ workers: 2, threads: 3 });
  });

  it('writes the same run folders and index rows as local, and records the launcher and threads of each job', async () => {
    const overrides = ['task=echo', 'budget=2m,20m,200m'];
    const local = await sweep(new LocalLauncher({ name: 'local', retries: 0, threads: 2 }), overrides);
    const pooled = await sweep(pool(2), overrides);
    expect(pooled.result.status).toBe('completed');
    expect(pooled.result.outcomes.map((o) => o.num).sort()).toEqual([0, 1, 2]);
    for (const num of [0, 1, 2]) {
      const a = local.result.outcomes.find((o) => o.num === num)!;
      const b = pooled.result.outcomes.find((o) => o.num === num)!;
      expect(comparable(pooled.outputsDir, b.dir)).toEqual(comparable(local.outputsDir, a.dir));
      expect(runJson(a.dir).info).toEqual({ launcher: 'local', threads: 2 });
      expect(runJson(b.dir).info).toEqual({ launcher: 'pool', threads: 1 });
      expect(runJson(b.dir).pid).not.toBe(process.pid); // ran in a child
      expect(runJson(b.dir).allocator).toEqual(ALLOCATOR_ENV); // the engine's malloc settings, set when the child started
    }
  }, 120_000);

  it('trains bitwise the same weights and metrics as local given the same threads', async () => {
    // monitor=disabled: its sys/* samples measure the machine, which differs from run to run by design
    const overrides = ['trainer=smoke', 'trainer.max_steps=4', 'model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', 'monitor=disabled', 'seed=1,2'];
    const local = await sweep(new LocalLauncher({ name: 'local', retries: 0, threads: 1 }), overrides);
    const pooled = await sweep(pool(2, 1), overrides);
    const numbers = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      .filter((m) => !/per_sec|_s$/.test(m.name)).map((m) => [m.name, m.step, m.epoch, m.value]);
    for (const num of [0, 1]) {
      const a = local.result.outcomes.find((o) => o.num === num)!;
      const b = pooled.result.outcomes.find((o) => o.num === num)!;
      expect([a.status, b.status]).toEqual(['completed', 'completed']);
      expect(numbers(b.dir)).toEqual(numbers(a.dir));
      for (const file of ['checkpoints/best.safetensors', 'checkpoints/last.safetensors', 'model.onnx']) {
        expect(readFileSync(join(b.dir, file)).equals(readFileSync(join(a.dir, file))), file).toBe(true);
      }
    }
  }, 240_000);

  it("keeps a malloc variable of the launcher's own environment over the engine's", async () => {
    process.env.MALLOC_ARENA_MAX = '4';
    try {
      const { result } = await sweep(pool(1), ['task=echo', 'budget=2m']);
      expect(runJson(result.outcomes[0]!.dir).allocator).toEqual({ ...ALLOCATOR_ENV, MALLOC_ARENA_MAX: '4' });
    } finally {
      delete process.env.MALLOC_ARENA_MAX;
    }
  }, 60_000);

  it('hands each job its threads (RunContext.threads)', async () => {
    const outputsDir = tempOutputs();
    const result = await launch(sweepPlan('t_threads', [{ budget: '2m' }]), { outputsDir, indexPath: null, launcher: pool(1, 3) });
    const metrics = readFileSync(join(result.outcomes[0].dir, 'metrics.jsonl'), 'utf8');
    expect(JSON.parse(metrics.trim()).value).toBe(3);
  }, 60_000);

  it('records a job whose process dies without its end line as failed, with why, and goes on', async () => {
    const outputsDir = tempOutputs();
    const plan = sweepPlan('t_crash', [{ budget: '2m' }, { budget: '20m' }, { budget: '200m' }]);
    const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher: pool(2) });
    const byNum = Object.fromEntries(result.outcomes.map((o) => [o.num, o]));
    expect(byNum[0].status).toBe('completed');
    expect(byNum[2].status).toBe('completed');
    expect(byNum[1]).toMatchObject({ status: 'failed', reason: "the job's process was killed by SIGKILL (out of memory?) before it recorded its end: about to be killed" });
    expect(runJson(byNum[1].dir)).toMatchObject({ status: 'failed', reason: byNum[1].reason, info: { launcher: 'pool', threads: 1 } });
    expect(runJson(byNum[1].dir).finished_at).not.toBeNull();
    expect(readFileSync(join(byNum[1].dir, 'metrics.jsonl'), 'utf8')).toContain('val_loss'); // what it logged before it died stays
    const db = new Database(join(outputsDir, 'index.sqlite'), { readonly: true });
    expect(db.prepare('SELECT status, reason FROM runs WHERE id = ?').get(byNum[1].runId)).toEqual({ status: 'failed', reason: byNum[1].reason });
    expect(db.prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'running'").get()).toEqual({ n: 0 });
    db.close();
    expect(result.status).toBe('failed');
  }, 120_000);

  it('on Ctrl-C starts no new job; each running child saves its last checkpoint and ends interrupted', async () => {
    const outputsDir = tempOutputs();
    const controller = new AbortController();
    const plan = sweepPlan('t_wait', [{ budget: 'a' }, { budget: 'b' }, { budget: 'c' }, { budget: 'd' }]);
    let progressed = 0;
    const reporter = {
      start() {}, jobStart() {}, jobWarn() {}, jobEnd() {}, warn() {}, async end() {},
      jobProgress: (_job: unknown, p: { current?: number }) => {
        if (p.current === 2 && ++progressed === 2) controller.abort('interrupted by SIGINT');
      },
    };
    const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher: pool(2), signal: controller.signal, reporter });
    expect(result.status).toBe('interrupted');
    expect(result.outcomes.map((o) => [o.num, o.status, o.reason]).sort()).toEqual([[0, 'interrupted', 'interrupted by SIGINT'], [1, 'interrupted', 'interrupted by SIGINT']]);
    expect(result.notStarted.map((j) => j.num)).toEqual([2, 3]);
    for (const o of result.outcomes) {
      expect(readFileSync(join(o.dir, 'checkpoints', 'last.txt'), 'utf8')).toBe('saved on abort');
      expect(runJson(o.dir).status).toBe('interrupted');
    }
  }, 120_000);

  it('a job stopped while its process is still starting up ends interrupted, not failed', async () => {
    const outputsDir = tempOutputs();
    const controller = new AbortController();
    const reporter = {
      start() {}, jobProgress() {}, jobWarn() {}, jobEnd() {}, warn() {}, async end() {},
      jobStart: () => controller.abort('interrupted by SIGINT'),
    };
    const result = await launch(sweepPlan('t_wait', [{ budget: 'a' }, { budget: 'b' }]), { outputsDir, indexPath: null, launcher: pool(1), signal: controller.signal, reporter });
    expect(result.outcomes.map((o) => [o.num, o.status, o.reason])).toEqual([[0, 'interrupted', 'interrupted by SIGINT']]);
    expect(runJson(result.outcomes[0].dir).status).toBe('interrupted');
  }, 60_000);

  it('a second stop records the running jobs interrupted at once (abandon) and stops their processes', async () => {
    const outputsDir = tempOutputs();
    const launcher = pool(2);
    const plan = sweepPlan('t_stubborn', [{ budget: 'a' }, { budget: 'b' }]);
    const pids: number[] = [];
    const running = launch(plan, { outputsDir, indexPath: null, launcher });
    for (let i = 0; i < 600 && pids.length < 2; i++) {
      await sleep(100);
      pids.splice(0, pids.length, ...runDirs(outputsDir).flatMap((d) => (existsSync(join(d, 'run.json')) ? [runJson(d).pid as number] : [])).filter((p) => p !== process.pid));
    }
    expect(pids).toHaveLength(2);
    const outcomes = launcher.abandon('interrupted', 'interrupted by a second SIGINT: stopped without waiting for the task');
    expect(outcomes.map((o) => o.status)).toEqual(['interrupted', 'interrupted']);
    for (const o of outcomes) expect(runJson(o.dir).status).toBe('interrupted');
    await waitGone(pids);
    await running;
  }, 120_000);

  it('leaves no orphan when the driver is killed with -9: each child saves its state and ends interrupted', async () => {
    const outputsDir = tempOutputs();
    const driver = spawn(process.execPath, ['--import', 'tsx', resolve('tests/runner/fixtures/pool-driver.ts'), outputsDir, '4'], { stdio: 'ignore' });
    let pids: number[] = [];
    for (let i = 0; i < 600 && pids.length < 2; i++) {
      await sleep(100);
      pids = runDirs(outputsDir).flatMap((d) => (existsSync(join(d, 'run.json')) && existsSync(join(d, 'metrics.jsonl')) && readFileSync(join(d, 'metrics.jsonl'), 'utf8') ? [runJson(d).pid as number] : []));
    }
    expect(pids).toHaveLength(2);
    driver.kill('SIGKILL');
    await waitGone(pids);
    const dirs = runDirs(outputsDir);
    expect(dirs).toHaveLength(2); // no job started after the driver died
    for (const d of dirs) {
      expect(runJson(d)).toMatchObject({ status: 'interrupted', reason: 'interrupted: the launcher is gone (its pipe closed)' });
      expect(readFileSync(join(d, 'checkpoints', 'last.txt'), 'utf8')).toBe('saved on abort');
    }
  }, 120_000);
});

function runDirs(outputsDir: string): string[] {
  const root = join(outputsDir, 'multirun');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => e.isDirectory() && (/^\d+$/.test(e.name) ? out.push(join(d, e.name)) : walk(join(d, e.name))));
  walk(root);
  return out.sort();
}

/** Alive: the process exists and is no zombie (PID 1 here may not reap the children of a dead driver). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms = 30_000): Promise<void> {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(100)) if (!pids.some(alive)) return;
  throw new Error(`still running after ${ms} ms: ${pids.filter(alive).join(', ')}`);
}
