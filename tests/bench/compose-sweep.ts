// A 1,000-job sweep is expanded, composed and validated (every job, as `run -m` does before
// launching any) in about a second. Run: npx tsx tests/bench/compose-sweep.ts
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compose, clearConfigCache } from '../../runner/compose/index.js';
import { planJobs } from '../../runner/launch/plan.js';
import '../../runner/tasks/builtin.js';

const SWEEP = ['budget=2m,20m,200m,2b', 'horizon=h1,h3', 'seed=range(0,125)', 'task=echo'];

export function benchComposeSweep(): { jobs: number; totalMs: number; perJobMs: number } {
  clearConfigCache();
  const start = performance.now();
  const plan = planJobs(SWEEP, { multirun: true, configDir: path.resolve('conf'), configName: 'config', compose });
  const totalMs = performance.now() - start;
  return { jobs: plan.jobs.length, totalMs, perJobMs: totalMs / plan.jobs.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchComposeSweep();
  console.log(`compose-sweep: ${r.jobs} jobs expanded + composed + validated in ${r.totalMs.toFixed(0)} ms (${r.perJobMs.toFixed(3)} ms/job)`);
}
