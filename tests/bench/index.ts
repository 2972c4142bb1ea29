/**
 * `npm run bench [-- <case...>] [--json] [options]`: benchmarks (not tests). Cases: engine (train-step
 * throughput vs PyTorch), compose, compose-sweep, data, train (end to end: `node bin/run.js budget=2m horizon=h3` from dist/, after
 * npm run build, on an empty engine cache then on the cache it wrote, for
 * --train-steps 5 at --train-batch 64: launch to first step, samples/s, scoring and export), index (10,000 runs
 * × 50 epochs: the run_summary query in-process and through `runs sql`, against the v1 views for comparison), recompute
 * (2m h3 with trainer.recompute off and on against PyTorch at --recompute-batches 64,256: peak RSS and step time;
 * --rounds R interleaves R rounds of the three cases and reports medians; --turns runs them side by side, one
 * step at a time in turn, tests/bench/turns.ts), pool
 * (--pool-jobs 8 tiny train jobs on launcher=local, then on launcher=pool with --pool-workers workers, default
 * every core: jobs per minute and the speed-up), tpe (TPE against random search on task=objective's functions:
 * --tpe-studies 20 seeded studies of --tpe-trials 40; the win rate and the median best of each), memory (the engine case on 2m for node and PyTorch at
 * --memory-batches 64,256, one run, each batch exactly or skipped: peak RSS side by side, the estimate against it, fixed
 * cost per parameter, samples/s against PyTorch's).
 * Each engine, memory or recompute case runs in a process of its own, stopped after --case-timeout seconds (1800)
 * and reported in the table as timed out. Timings on a shared machine are noisy: run it idle.
 *   --shapes 2m,20m  --backends node,web,pytorch  --batch 256  --steps 3  --warmup 1
 *   --layers N, --dropout P (override the shape's depth or the budget's dropout)
 * A batch whose estimated peak (engine/memory) exceeds 80% of free memory (3.5 GiB for wasm) is halved until it fits.
 */
import { parseArgs } from 'node:util';
import { benchCompose } from './compose.js';
import { benchComposeSweep } from './compose-sweep.js';
import { benchData } from './data.js';
import { CASE_TIMEOUT_S, type EngineRow, benchEngine } from './engine.js';
import { benchPool } from './pool.js';
import { benchTpe, tpeTable, type TpeRow } from './tpe.js';
import { benchRecompute, recomputeTable, type RecomputeRow } from './recompute.js';
import { benchTrain, trainTable, type TrainBenchResult } from './train.js';
import { benchIndex } from './tracking.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    shapes: { type: 'string', default: '2m,20m' },
    backends: { type: 'string', default: 'node,web,pytorch' },
    batch: { type: 'string', default: '256' },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    layers: { type: 'string' },
    dropout: { type: 'string' },
    'train-steps': { type: 'string', default: '5' },
    'train-batch': { type: 'string', default: '64' },
    'pool-jobs': { type: 'string', default: '8' },
    'pool-workers': { type: 'string' },
    'tpe-studies': { type: 'string', default: '20' },
    'tpe-trials': { type: 'string', default: '40' },
    'recompute-batches': { type: 'string', default: '64,256' },
    'memory-batches': { type: 'string', default: '64,256' },
    'case-timeout': { type: 'string', default: String(CASE_TIMEOUT_S) },
    rounds: { type: 'string', default: '1' },
    turns: { type: 'boolean', default: false },
  },
});

const CASES: Record<string, (log: (m: string) => void) => unknown> = {
  engine: (log) => benchEngine({
    shapes: values.shapes.split(','), backends: values.backends.split(',') as never, batch: Number(values.batch),
    steps: Number(values.steps), warmup: Number(values.warmup), layers: values.layers ? Number(values.layers) : undefined,
    dropout: values.dropout ? Number(values.dropout) : undefined, timeoutS: Number(values['case-timeout']), log,
  }),
  compose: () => benchCompose(),
  'compose-sweep': () => benchComposeSweep(),
  data: () => benchData(),
  index: (log) => benchIndex({ log }),
  train: (log) => benchTrain({ steps: Number(values['train-steps']), batch: Number(values['train-batch']), log }),
  tpe: (log) => benchTpe({ studies: Number(values['tpe-studies']), trials: Number(values['tpe-trials']), log }),
  recompute: (log) => benchRecompute({
    batches: values['recompute-batches'].split(',').map(Number), steps: Number(values.steps), warmup: Number(values.warmup), timeoutS: Number(values['case-timeout']), rounds: Number(values.rounds), turns: values.turns, log,
  }),
  memory: (log) => values['memory-batches'].split(',').flatMap((b) => benchEngine({
    shapes: ['2m'], backends: ['node', 'pytorch'], batch: Number(b), steps: Number(values.steps), warmup: Number(values.warmup), exactBatch: true, timeoutS: Number(values['case-timeout']), log,
  })),
  pool: (log) => benchPool({ jobs: Number(values['pool-jobs']), workers: values['pool-workers'] ? Number(values['pool-workers']) : null, log }),
};

const fmt = (v: number | null, digits = 2) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));
/** `a / b` as '0.90×', or '-' when either is missing (a case that was skipped or did not finish). */
const ratio = (a: number, b: number | undefined) => (b === undefined || !Number.isFinite(a / b) ? '-' : `${fmt(a / b)}×`);

function engineTable(rows: EngineRow[]): string {
  const head = ['shape', 'backend', 'layers', 'batch', 'params', 'build s', 'steps/s', 'samples/s', 'GFLOP/step', 'GFLOP/s', 'peak RSS MB', 'est MB', 'est/peak', 'fixed B/param', 'RSS vs pytorch', 'vs pytorch'];
  const body = rows.map((r) => {
    const torch = rows.find((t) => t.shape === r.shape && t.backend === 'pytorch' && t.batch === r.batch);
    return [r.shape, r.backend, String(r.layers ?? 32), String(r.batch), Number.isFinite(r.params) ? r.params.toLocaleString('en-US') : '-', fmt(r.build_s, 1), fmt(r.steps_per_s, 3),
      fmt(r.samples_per_s, 1), fmt(r.gflop_per_step, 1), fmt(r.gflop_per_s, 1), fmt(r.peak_rss_mb, 0), fmt(r.est_peak_mb, 0), fmt(r.est_peak_mb / r.peak_rss_mb),
      fmt(r.fixed_bytes_per_param ?? NaN, 0), ratio(r.peak_rss_mb, torch?.peak_rss_mb), ratio(r.samples_per_s, torch?.samples_per_s)];
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(w[i])).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.shape}/${r.backend} batch ${r.batch}: ${r.note}`);
  return [line(head), ...body.map(line), ...notes].join('\n');
}

async function main(): Promise<number> {
  const chosen = positionals.length ? positionals : Object.keys(CASES);
  const unknown = chosen.filter((c) => !CASES[c]);
  if (unknown.length) {
    console.error(`unknown bench case '${unknown[0]}': use one of ${Object.keys(CASES).join(', ')}`);
    return 1;
  }
  const log = (m: string) => console.error(`[bench] ${m}`); // stderr, so --json output stays clean
  const results: Record<string, unknown> = {};
  for (const name of chosen) {
    log(`${name} ...`);
    results[name] = await CASES[name](log);
    if (!values.json) {
      const tables: Record<string, (r: unknown) => string> = {
        engine: (r) => engineTable(r as EngineRow[]), memory: (r) => engineTable(r as EngineRow[]), tpe: (r) => tpeTable(r as TpeRow[]), recompute: (r) => recomputeTable(r as RecomputeRow[]),
        train: (r) => trainTable(r as { miss: TrainBenchResult; hit: TrainBenchResult }),
      };
      console.log(tables[name]?.(results[name]) ?? `${name}: ${JSON.stringify(results[name])}`);
    }
  }
  if (values.json) console.log(JSON.stringify({ machine: { cpus: (await import('node:os')).availableParallelism(), node: process.version }, results }, null, 2));
  return 0;
}

main().then((code) => process.exit(code));
