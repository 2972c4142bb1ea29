import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../../../runner/launch/index.js';
import type { Plan } from '../../../runner/launch/types.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { sweepPlan, tempOutputs } from '../helpers.js';

const grid = [
  { budget: '2m', horizon: 'h1' },
  { budget: '2m', horizon: 'h3' },
  { budget: '20m', horizon: 'h1' },
];

beforeAll(() => {
  registerTask('t-metrics', async (spec: any, ctx) => {
    for (let epoch = 0; epoch < 3; epoch++) {
      ctx.progress({ current: epoch + 1, total: 3, status: `epoch ${epoch + 1}/3` });
      ctx.logMetrics({ train_loss: 1 / (epoch + 1), val_loss: [0.9, 0.5, 0.7][epoch] }, { epoch });
    }
    ctx.logMetric({ name: 'test_auc', value: 0.61 });
    ctx.setInfo({ n_params: 1234, budget: spec.budget.name });
    ctx.writeArtifact('checkpoints/last.bin', new Uint8Array([1, 2, 3]));
    ctx.log('done here');
    ctx.warn('n_params off budget');
  });
  registerTask('t-fail-20m', async (spec: any, ctx) => {
    ctx.logMetric({ name: 'train_loss', value: Number.NaN, step: 7 });
    if (spec.budget.name === '20m') return { status: 'failed', reason: 'loss is NaN at step 7' };
    if (spec.horizon.name === 'h3') throw new Error('boom in h3\nsecond line');
  });
});
afterAll(() => ['t-metrics', 't-fail-20m'].forEach(unregisterTask));

describe('launching a sweep', () => {
  const outputs = tempOutputs();
  const index = join(outputs, 'index.sqlite');
  let result: Awaited<ReturnType<typeof launch>>;
  beforeAll(async () => {
    result = await launch(sweepPlan('t-metrics', grid), { outputsDir: outputs, indexPath: index, now: () => new Date(2026, 0, 2, 3, 4, 5) });
  });

  it('writes outputs/multirun/<date>/<time>/<job#>/ with multirun.yaml at the root', () => {
    expect(result.dir).toBe(join(outputs, 'multirun', '2026-01-02', '03-04-05'));
    expect(readdirSync(result.dir).sort()).toEqual(['0', '1', '2', 'multirun.yaml']);
    const sweep = parse(readFileSync(join(result.dir, 'multirun.yaml'), 'utf8'));
    expect(sweep).toMatchObject({ id: result.sweepId, status: 'completed', overrides: ['budget=2m,20m'] });
    expect(sweep.jobs[2]).toMatchObject({ num: 2, overrides: ['budget=20m', 'horizon=h1'] });
  });

  it('fills each job folder: config, overrides, run.json, metrics, log, artifacts', () => {
    const dir = join(result.dir, '1');
    expect(readdirSync(dir).sort()).toEqual(['checkpoints', 'config.yaml', 'metrics.jsonl', 'overrides.yaml', 'run.json', 'run.log']);
    expect(parse(readFileSync(join(dir, 'config.yaml'), 'utf8'))).toMatchObject({ budget: { name: '2m' }, horizon: { name: 'h3' } });
    expect(parse(readFileSync(join(dir, 'overrides.yaml'), 'utf8'))).toEqual(['budget=2m', 'horizon=h3']);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'completed', reason: null, job: 1, sweep_id: result.sweepId, task: 't-metrics', info: { n_params: 1234 } });
    expect(run.versions.node).toBe(process.versions.node);
    expect(run.versions['onnxruntime-node']).toMatch(/^1\.30/);
    expect(run.versions['onnxruntime-web']).toMatch(/^1\.30/);
    expect(run.host.hostname).toBeTruthy();
    expect(Date.parse(run.finished_at)).toBeGreaterThanOrEqual(Date.parse(run.started_at));
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics).toHaveLength(7);
    expect(metrics[3]).toMatchObject({ name: 'val_loss', value: 0.5, epoch: 1, step: null });
    expect(readFileSync(join(dir, 'checkpoints', 'last.bin'))).toEqual(Buffer.from([1, 2, 3]));
    expect(readFileSync(join(dir, 'run.log'), 'utf8')).toMatch(/done here\n.*warning: n_params off budget\n[\s\S]*completed/);
  });

  it('indexes sweeps, runs, params and metrics, and run_summary has one row per run', () => {
    const db = new Database(index, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT id, status, n_jobs FROM sweeps').all()).toEqual([{ id: result.sweepId, status: 'completed', n_jobs: 3 }]);
    expect(db.prepare("SELECT value FROM params WHERE key = 'budget.name' ORDER BY value").pluck().all()).toEqual(['20m', '2m', '2m']);
    expect(db.prepare("SELECT value FROM params WHERE key = 'trainer.betas' LIMIT 1").pluck().get()).toBe('[0.9,0.999]');
    expect(db.prepare("SELECT value FROM params WHERE key = 'trainer.revin' LIMIT 1").pluck().get()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(21);
    const rows = db.prepare('SELECT * FROM run_summary ORDER BY job').all() as any[];
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ job: 2, status: 'completed', budget: '20m', horizon: 'h1', task: 't-metrics', seed: 42,
      train_loss: 1 / 3, val_loss: 0.7, best_val_loss: 0.5, best_epoch: 1, test_auc: 0.61, dir: 'multirun/2026-01-02/03-04-05/2' });
    expect(JSON.parse(rows[0].last_metrics)).toEqual({ test_auc: 0.61, train_loss: 1 / 3, val_loss: 0.7 });
    db.close();
  });

  it('gives a second sweep started in the same second its own folder', async () => {
    const again = await launch(sweepPlan('t-metrics', grid.slice(0, 1)), { outputsDir: outputs, indexPath: index, now: () => new Date(2026, 0, 2, 3, 4, 5) });
    expect(again.dir).toBe(`${result.dir}_1`);
    expect(existsSync(join(again.dir, '0', 'run.json'))).toBe(true);
  });
});

describe('failures', () => {
  it('marks throwing and failing jobs failed with the reason, carries on, and reports the sweep failed', async () => {
    const outputs = tempOutputs();
    const index = join(outputs, 'index.sqlite');
    const plan: Plan = sweepPlan('t-fail-20m', grid);
    const result = await launch(plan, { outputsDir: outputs, indexPath: index });
    expect(result.status).toBe('failed');
    expect(result.outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['completed', null],
      ['failed', 'boom in h3'],
      ['failed', 'loss is NaN at step 7'],
    ]);
    const run = JSON.parse(readFileSync(join(result.dir, '1', 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'failed', reason: 'boom in h3' });
    expect(readFileSync(join(result.dir, '1', 'run.log'), 'utf8')).toContain('second line');
    expect(readFileSync(join(result.dir, '2', 'metrics.jsonl'), 'utf8')).toContain('"value":"NaN"');
    const db = new Database(index, { readonly: true });
    expect(db.prepare('SELECT job, status, reason FROM runs ORDER BY job').all()).toEqual([
      { job: 0, status: 'completed', reason: null },
      { job: 1, status: 'failed', reason: 'boom in h3' },
      { job: 2, status: 'failed', reason: 'loss is NaN at step 7' },
    ]);
    expect(db.prepare("SELECT value FROM metrics WHERE run_id = (SELECT id FROM runs WHERE job = 2)").pluck().get()).toBeNull();
    db.close();
  });

  it('refuses artifact names outside the run folder or over runner files', async () => {
    const outputs = tempOutputs();
    const errors: string[] = [];
    registerTask('t-bad-artifacts', async (_spec, ctx) => {
      for (const name of ['../escape.txt', 'run.json']) {
        try {
          ctx.writeArtifact(name, 'x');
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    });
    const result = await launch(sweepPlan('t-bad-artifacts', grid.slice(0, 1)), { outputsDir: outputs, indexPath: null });
    unregisterTask('t-bad-artifacts');
    expect(errors).toEqual([expect.stringMatching(/inside the run folder/), expect.stringMatching(/overwrite a file the runner keeps/)]);
    expect(existsSync(join(result.dir, 'escape.txt'))).toBe(false);
    expect(result.status).toBe('completed');
  });

  it('finishes the runs when the index cannot be written, warning once to run reindex', async () => {
    const outputs = tempOutputs();
    const warnings: string[] = [];
    const reporter = { start() {}, jobStart() {}, jobProgress() {}, jobWarn() {}, jobEnd() {}, warn: (m: string) => warnings.push(m), end: async () => {} };
    const result = await launch(sweepPlan('t-metrics', grid.slice(0, 2)), { outputsDir: outputs, indexPath: outputs, reporter });
    expect(result.outcomes.map((o) => o.status)).toEqual(['completed', 'completed']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not updated .*`runs reindex` rebuilds it from the run folders/);
  });

  it('on a runner error, records the sweep as stopped and releases the display before re-throwing', async () => {
    const outputs = tempOutputs();
    let ended: string | null = null;
    const reporter = {
      start() {}, jobProgress() {}, jobWarn() {}, jobEnd() {}, warn() {},
      jobStart(job: { num: number }) {
        if (job.num === 1) throw new Error('display broke');
      },
      end: async (r: { status: string }) => void (ended = r.status),
    };
    await expect(launch(sweepPlan('t-metrics', grid), { outputsDir: outputs, indexPath: null, reporter })).rejects.toThrow('display broke');
    expect(ended).toBe('interrupted');
    const root = join(outputs, 'multirun', readdirSync(join(outputs, 'multirun'))[0]);
    const sweepDir = join(root, readdirSync(root)[0]);
    expect(parse(readFileSync(join(sweepDir, 'multirun.yaml'), 'utf8')).status).toBe('interrupted');
    expect(JSON.parse(readFileSync(join(sweepDir, '0', 'run.json'), 'utf8')).status).toBe('completed');
  });
});
