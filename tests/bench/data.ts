// Data pipeline speed on the embedded S&P 500 file: feature computation, a cold load (cache miss) and a warm
// load (cache hit) per split mode. Run: npx tsx tests/bench/data.ts (or npm run bench -- data).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeFeatures } from '../../data/features.js';
import { loadDataset, type LoadConfig, type SplitConfig } from '../../data/index.js';
import { readCsv } from '../../data/source/csv.js';
import { embeddedSp500Path } from '../../data/source/embedded.js';
import { validateTable } from '../../data/validate.js';

const columns = { date: 'date', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
const SPLITS: SplitConfig[] = [
  { name: 'contiguous', val_fraction: 0.15, test_fraction: 0.15, embargo: 0 },
  { name: 'dates', train_end: '2016-12-31', val_end: '2018-12-31', embargo: 0 },
  { name: 'scattered', val_fraction: 0.15, test_fraction: 0.15, seed: 0, embargo: 0 },
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeMs(f: () => unknown, reps: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchData(reps = 5): Promise<Record<string, number>> {
  const text = readFileSync(embeddedSp500Path(), 'utf8');
  const table = validateTable(readCsv(text, 'sp500', columns), 0).table;
  const out: Record<string, number> = {
    parseValidateMs: await timeMs(() => validateTable(readCsv(text, 'sp500', columns), 0), reps),
    featuresA25Ms: await timeMs(() => computeFeatures(table, 'a25'), reps),
  };
  const dir = mkdtempSync(join(tmpdir(), 'ladder-bench-data-'));
  for (const split of SPLITS) {
    const cfg: LoadConfig = {
      data: { source: 'embedded', path: null, columns, features: 'a25', nan_tolerance: 0, cache_dir: join(dir, split.name) },
      split, horizon: { days: 3 }, target: { threshold: 0.01 }, contextLength: 60, seed: 0,
    };
    out[`${split.name}MissMs`] = await timeMs(async () => {
      rmSync(cfg.data.cache_dir, { recursive: true, force: true });
      await loadDataset(cfg);
    }, reps);
    out[`${split.name}HitMs`] = await timeMs(() => loadDataset(cfg), reps);
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchData();
  console.log(Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('\n'));
}
