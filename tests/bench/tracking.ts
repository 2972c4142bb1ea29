// The index at scale: 10,000 runs with 50 epochs of train/val loss each (plus n_params and test
// metrics), written through IndexWriter as runs write them; then the summary query the scaling study
// makes, in-process and through `runs sql`. "v1 view" times the same query against the views of schema
// v1 (correlated subqueries per run) over the same rows, for comparison.
// Run: npm run bench -- index   (or npx tsx tests/bench/tracking.ts; `runs sql` times need `npm run build`)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { RunRecord } from '../../runner/outputs/index.js';
import { IndexWriter, MIGRATIONS, openIndex } from '../../runner/tracking/index.js';

export const SUMMARY_QUERY = 'SELECT budget, horizon, n_params, best_val_loss, test_auc FROM run_summary';

export interface IndexBench {
  runs: number;
  epochs: number;
  metrics: number;
  build_s: number;
  file_mb: number;
  in_process_ms: number;
  cli_ms: number | null;
  v1_view_in_process_ms: number;
  v1_view_cli_ms: number | null;
}

export function buildIndex(path: string, runs: number, epochs: number): number {
  const db = openIndex(path);
  const writer = new IndexWriter(db);
  const budgets = ['2m', '20m', '200m', '2b'];
  const horizons = ['h1', 'h3', 'h5', 'h10', 'h20'];
  let metrics = 0;
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
  db.transaction(() => {
    for (let i = 0; i < runs; i++) {
      const id = i.toString(16).padStart(8, '0');
      const choices = { model: 'patchtst', budget: budgets[i % 4], horizon: horizons[(i >> 2) % 5], target: 'threshold_1pct', split: 'contiguous', trainer: 'default', data: 'sp500' };
      const record: RunRecord = {
        id, sweep_id: null, job: i, task: 'train', status: 'running', reason: null, overrides: [`budget=${choices.budget}`, `horizon=${choices.horizon}`],
        choices, started_at: t(i * 60), finished_at: null, duration_s: null, info: {},
        host: { hostname: 'bench', platform: 'linux', arch: 'x64', cpus: 2, memory_gb: 8 }, versions: {}, git: null, pid: 1, argv: [],
      };
      const config = { seed: i, budget: { name: choices.budget }, horizon: { name: choices.horizon }, trainer: { lr: 0.001, batch_size: 64 } };
      writer.run(record, `multirun/bench/${i}`, config);
      const metric = (name: string, value: number, epoch: number | null) => {
        writer.metric(id, { name, value, step: epoch === null ? null : epoch * 100, epoch, time: t(i * 60 + (epoch ?? epochs)) });
        metrics++;
      };
      metric('n_params', 2e6 * (1 + (i % 4)), null);
      for (let e = 0; e < epochs; e++) {
        metric('train_loss', 0.7 - e * 0.002 + (i % 7) * 1e-3, e);
        metric('val_loss', 0.69 - e * 0.001 + ((e * 31 + i) % 11) * 1e-3, e);
      }
      metric('test_loss', 0.66, null);
      metric('test_auc', 0.5 + (i % 100) / 1000, null);
      writer.run({ ...record, status: 'completed', finished_at: t(i * 60 + 59), duration_s: 59 }, `multirun/bench/${i}`, config);
    }
  })();
  db.close();
  return metrics;
}

/** A copy of the index whose summaries are the v1 views again (the CLI reads it as any index). */
export function withV1Views(path: string, copy: string): void {
  copyFileSync(path, copy);
  const db = new Database(copy);
  db.exec('DROP TABLE run_summary; DROP TABLE metric_summary;');
  for (const name of ['metric_summary', 'run_summary']) db.exec(new RegExp(`CREATE VIEW ${name} AS[\\s\\S]*?;`).exec(MIGRATIONS[0])![0]);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Median of `n` timings of `fn`, in ms. */
function median(n: number, fn: () => void): number {
  const times = Array.from({ length: n }, () => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  });
  return times.sort((a, b) => a - b)[n >> 1];
}

const inProcess = (path: string) => {
  const db = new Database(path, { readonly: true });
  db.prepare(SUMMARY_QUERY).all(); // warm the page cache
  const ms = median(7, () => db.prepare(SUMMARY_QUERY).all());
  db.close();
  return ms;
};

const RUNS_BIN = resolve('bin', 'runs.js');
const viaCli = (path: string): number | null => {
  if (!existsSync(resolve('dist', 'runner', 'cli', 'runs.js'))) return null;
  return median(5, () => {
    const r = spawnSync(process.execPath, [RUNS_BIN, 'sql', SUMMARY_QUERY, '--index', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`runs sql failed: ${r.stderr}`);
  });
};

export function benchIndex({ runs = 10_000, epochs = 50, log = (_: string) => {} } = {}): IndexBench {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-bench-index-'));
  try {
    const path = join(dir, 'index.sqlite');
    const t0 = performance.now();
    const metrics = buildIndex(path, runs, epochs);
    const build_s = (performance.now() - t0) / 1000;
    log(`index: ${runs} runs, ${metrics} metrics written in ${build_s.toFixed(1)} s`);
    const v1 = join(dir, 'v1.sqlite');
    withV1Views(path, v1);
    const file_mb = Math.round(((new Database(path, { readonly: true }).pragma('page_count', { simple: true }) as number) * 4096) / 2 ** 20);
    return {
      runs, epochs, metrics, build_s, file_mb,
      in_process_ms: inProcess(path),
      cli_ms: viaCli(path),
      v1_view_in_process_ms: inProcess(v1),
      v1_view_cli_ms: viaCli(v1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchIndex({ log: console.error }));
