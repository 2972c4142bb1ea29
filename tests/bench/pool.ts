/**
 * `npm run bench -- pool`: the same sweep of tiny train jobs (trainer=smoke, d_model 8, one layer; one job per
 * seed) on `local` (one after another, every core each) and on `pool` (n_jobs children, cores / n_jobs
 * threads each), in jobs per minute, and the pool's speed-up. Each job starts its own child on `pool`: from
 * sources that is Node with tsx, as `npx run` from dist/ is plain Node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../runner/tasks/builtin.js';
import { compose } from '../../runner/compose/index.js';
import { createLauncher, launch, planJobs } from '../../runner/launch/index.js';

export interface PoolBenchOptions {
  jobs: number;
  /** launcher.n_jobs of the pool; null: every core. */
  workers: number | null;
  log: (m: string) => void;
}

export interface PoolBenchRow {
  launcher: string;
  n_jobs: number;
  threads: number;
  completed: number;
  wall_s: number;
  jobs_per_min: number;
}

export interface PoolBenchResult {
  overrides: string[];
  cores: number;
  /** 1-minute load average before the runs: other work on the machine slows both. */
  load_before: number;
  rows: PoolBenchRow[];
  speedup: number;
}

export async function benchPool(opts: PoolBenchOptions): Promise<PoolBenchResult> {
  const seeds = Array.from({ length: opts.jobs }, (_, i) => i + 1).join(',');
  const overrides = ['trainer=smoke', 'model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', `seed=${seeds}`];
  const configDir = join(import.meta.dirname, '..', '..', 'conf');
  const load = loadavg()[0]!;
  const rows: PoolBenchRow[] = [];
  for (const choice of [['launcher=local'], ['launcher=pool', ...(opts.workers ? [`launcher.n_jobs=${opts.workers}`] : [])]]) {
    const plan = planJobs([...choice, ...overrides], { multirun: true, configDir, configName: 'config', compose });
    const launcher = createLauncher(plan.launcher);
    const outputsDir = mkdtempSync(join(tmpdir(), 'ladder-bench-pool-'));
    opts.log(`${choice.join(' ')}: ${plan.jobs.length} jobs`);
    const t0 = performance.now();
    try {
      const result = await launch(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite'), launcher });
      const wall = (performance.now() - t0) / 1000;
      const threads = (launcher as { threads?: number }).threads ?? availableParallelism();
      rows.push({
        launcher: launcher.name, n_jobs: launcher.slots ?? 1, threads, completed: result.outcomes.filter((o) => o.status === 'completed').length,
        wall_s: Math.round(wall * 10) / 10, jobs_per_min: Math.round((plan.jobs.length / wall) * 60 * 10) / 10,
      });
      opts.log(`${launcher.name}: ${wall.toFixed(1)} s`);
    } finally {
      rmSync(outputsDir, { recursive: true, force: true });
    }
  }
  return { overrides, cores: availableParallelism(), load_before: Math.round(load * 10) / 10, rows, speedup: Math.round((rows[1]!.jobs_per_min / rows[0]!.jobs_per_min) * 100) / 100 };
}
