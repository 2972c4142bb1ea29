// Composition speed: a 1,000-job sweep composes every job from the same config dir.
// Run: npx tsx tests/bench/compose.ts
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compose } from '../../runner/compose/index.js';

export function benchCompose(jobs = 1000): { jobs: number; firstMs: number; totalMs: number; perJobMs: number } {
  const configDir = path.resolve('conf');
  const budgets = ['2m', '20m', '200m', '2b'];
  const horizons = ['h1', 'h2', 'h3', 'h5'];
  const t0 = performance.now();
  compose({ configDir, configName: 'config' });
  const firstMs = performance.now() - t0;
  const start = performance.now();
  for (let i = 0; i < jobs; i += 1) {
    compose({
      configDir,
      configName: 'config',
      overrides: [`budget=${budgets[i % 4]}`, `horizon=${horizons[(i >> 2) % 4]}`, `trainer.lr=${(i + 1) * 1e-6}`, `seed=${i}`],
    });
  }
  const totalMs = performance.now() - start;
  return { jobs, firstMs, totalMs, perJobMs: totalMs / jobs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchCompose();
  console.log(`compose: first (cold) ${r.firstMs.toFixed(1)} ms; ${r.jobs} jobs ${r.totalMs.toFixed(0)} ms (${r.perJobMs.toFixed(3)} ms/job)`);
}
