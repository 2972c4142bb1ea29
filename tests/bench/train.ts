/**
 * End-to-end benchmark of `npx run model=patchtst budget=2m horizon=h3` for a fixed number of steps: the
 * CLI itself (`node bin/run.js` from dist/, so `npm run build` first), in a fresh process per job, in a
 * temporary folder with a copy of conf/. Launch to first step is measured from the process's start (Node's
 * own start-up, imports, compose and validation, the preflight, data, graph and session build) to the
 * moment the main thread asks the engine worker for the first step, by a preloaded clock
 * (tests/bench/step-clock.mjs), which also gives the CPU time of all threads over the same span, the step
 * times and the scoring/export after training. It runs twice on a copy of the data cache with an empty
 * engine cache: first a miss (the graphs are built and optimized, then cached), then a hit (a sweep's next
 * job with the same architecture), for 2 steps.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALLOCATOR_ENV } from '../../engine/runtime/allocator.js';

export interface TrainBenchOptions {
  steps: number;
  batch: number;
  /** Seconds one job may take before it is stopped and reported as timed out. */
  timeoutS?: number;
  log: (m: string) => void;
}

export interface TrainBenchResult {
  overrides: string[];
  status: string;
  /** The engine's start-up cache: miss (graphs built and optimized) or hit. */
  engine_cache: string | null;
  n_params: number | null;
  /** From the process's start to the first step's request: everything a job costs before it trains. */
  launch_to_first_step_s: number;
  /** CPU time (all threads of the process) of the same span: what it costs on a machine that others share. */
  launch_to_first_step_cpu_s: number;
  /** Of that span, until the job started (run.json's started_at): Node, imports, compose, validation, the launch preflight. */
  launch_to_job_s: number;
  /** Of that span, the task (run.json's info.startup_s): memory check, data, graph or cache, onnxruntime session. */
  job_to_first_step_s: number;
  /** The first step alone (onnxruntime allocates and warms up in it). */
  first_step_s: number;
  /** Mean time of steps 2..N, each from its request to its answer. */
  step_s: number;
  train_samples_per_s: number;
  /** From the last step's answer to the process's exit: val/test scoring, checkpoints, model.onnx, curves.svg. */
  after_training_s: number;
  wall_s: number;
  cpu_s: number;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The job on a cold engine cache (miss), then again for 2 steps on the cache it wrote (hit). */
export async function benchTrain(opts: TrainBenchOptions): Promise<{ miss: TrainBenchResult; hit: TrainBenchResult }> {
  const cli = join(ROOT, 'dist', 'runner', 'cli', 'run.js');
  if (!existsSync(cli)) throw new Error('the training benchmark runs the CLI from dist/: run npm run build first');
  const info = join(ROOT, 'dist', '.tsbuildinfo');
  const stale = newerSources(statSync(existsSync(info) ? info : cli).mtimeMs);
  if (stale) opts.log(`warning: ${stale} is newer than dist/: run npm run build to time the code as it is`);
  const cacheDir = mkdtempSync(join(tmpdir(), 'ladder-bench-cache-'));
  const dataCache = resolve(process.env.LADDER_CACHE ?? join(ROOT, '.ladder-cache'));
  if (existsSync(dataCache)) cpSync(dataCache, cacheDir, { recursive: true, filter: (src) => !src.startsWith(join(dataCache, 'engine')) });
  try {
    opts.log(`engine cache miss (${cacheDir}/engine empty):`);
    const miss = benchJob(opts, cacheDir);
    opts.log('engine cache hit:');
    const hit = benchJob({ ...opts, steps: 2 }, cacheDir);
    return { miss, hit };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

interface ClockEvent { event: 'start' | 'step' | 'step_end' | 'exit'; t: number; cpu: number; epoch_ms?: number }

function benchJob(opts: TrainBenchOptions, cacheDir: string): TrainBenchResult {
  const work = mkdtempSync(join(tmpdir(), 'ladder-bench-train-'));
  const overrides = ['model=patchtst', 'budget=2m', 'horizon=h3', 'trainer.epochs=1', `trainer.max_steps=${opts.steps}`, `trainer.batch_size=${opts.batch}`, `data.cache_dir=${cacheDir}`];
  try {
    cpSync(join(ROOT, 'conf'), join(work, 'conf'), { recursive: true });
    const clockFile = join(work, 'clock.jsonl');
    const clock = pathToFileURL(join(import.meta.dirname, 'step-clock.mjs')).href;
    // `node bin/run.js` skips the shebang, which sets the malloc settings for `npx run`: set them here as it does
    const r = spawnSync(process.execPath, ['--import', clock, join(ROOT, 'bin', 'run.js'), ...overrides], {
      cwd: work, encoding: 'utf8', maxBuffer: 1 << 26, timeout: (opts.timeoutS ?? 1800) * 1000, env: { ...process.env, ...ALLOCATOR_ENV, LADDER_BENCH_CLOCK: clockFile },
    });
    const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    if (r.error || r.signal) throw new Error(`the job did not finish within ${opts.timeoutS ?? 1800} s (${r.signal ?? r.error?.message}): ${tail}`);
    const events = existsSync(clockFile) ? readFileSync(clockFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ClockEvent) : [];
    const of = (name: ClockEvent['event']) => events.filter((e) => e.event === name);
    const [posts, ends, exit, start] = [of('step'), of('step_end'), of('exit')[0], of('start')[0]];
    if (ends.length < 2 || !exit || !start) throw new Error(`the run took ${ends.length} steps (exit code ${r.status}): ${tail}`);
    const record = runRecord(join(work, 'outputs'));
    const info = (record.info ?? {}) as Record<string, unknown>;
    const toJob = (Date.parse(String(record.started_at)) - start.epoch_ms!) / 1000;
    const n = ends.length;
    const later = ends.slice(1).map((e, i) => e.t - posts[i + 1]!.t);
    opts.log(`${info.engine_cache}: first step requested at ${(posts[0]!.t / 1000).toFixed(2)} s (${(posts[0]!.cpu / 1000).toFixed(2)} s CPU), ${n} steps, exit at ${(exit.t / 1000).toFixed(1)} s`);
    return {
      overrides,
      status: String(record.status),
      engine_cache: (info.engine_cache as string | undefined) ?? null,
      n_params: (info.n_params as number | undefined) ?? null,
      launch_to_first_step_s: round(posts[0]!.t / 1000),
      launch_to_first_step_cpu_s: round(posts[0]!.cpu / 1000),
      launch_to_job_s: round(toJob),
      job_to_first_step_s: round(posts[0]!.t / 1000 - toJob),
      first_step_s: round((ends[0]!.t - posts[0]!.t) / 1000),
      step_s: round(later.reduce((a, b) => a + b, 0) / later.length / 1000),
      train_samples_per_s: round(((n - 1) * opts.batch) / ((ends[n - 1]!.t - ends[0]!.t) / 1000)),
      after_training_s: round((exit.t - ends[n - 1]!.t) / 1000),
      wall_s: round(exit.t / 1000),
      cpu_s: round(exit.cpu / 1000),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** run.json of the one run under `outputs`. */
function runRecord(outputs: string): Record<string, unknown> {
  const found: string[] = [];
  const walk = (dir: string) => readdirSync(dir, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name === 'run.json' && found.push(join(dir, e.name))));
  walk(outputs);
  if (found.length !== 1) throw new Error(`expected one run.json under ${outputs}, found ${found.length}`);
  return JSON.parse(readFileSync(found[0]!, 'utf8')) as Record<string, unknown>;
}

/** A source file changed after `builtAt` (dist/ is stale), or null. */
function newerSources(builtAt: number): string | null {
  for (const top of ['runner', 'engine', 'data', 'sweeps', 'schemas']) {
    const stack = [join(ROOT, top)];
    while (stack.length) {
      const dir = stack.pop()!;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) stack.push(p);
        else if (e.name.endsWith('.ts') && statSync(p).mtimeMs > builtAt) return p.slice(ROOT.length + 1);
      }
    }
  }
  return null;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The two jobs side by side, one line per figure. */
export function trainTable(r: { miss: TrainBenchResult; hit: TrainBenchResult }): string {
  const rows: [string, keyof TrainBenchResult, string][] = [
    ['launch to first step', 'launch_to_first_step_s', 's (goal on a hit: 1.5)'], ['  its CPU time, all threads', 'launch_to_first_step_cpu_s', 's'],
    ['  launch to job start', 'launch_to_job_s', 's'], ['  job start to first step', 'job_to_first_step_s', 's'],
    ['first step', 'first_step_s', 's'], ['later steps, mean', 'step_s', 's'], ['train samples/s', 'train_samples_per_s', ''],
    ['after training', 'after_training_s', 's'], ['process wall', 'wall_s', 's'], ['process CPU', 'cpu_s', 's'],
  ];
  const w = Math.max(...rows.map(([label]) => label.length));
  const head = `${'engine cache'.padEnd(w)}  ${String(r.miss.engine_cache).padStart(8)}  ${String(r.hit.engine_cache).padStart(8)}`;
  return [head, ...rows.map(([label, key, unit]) => `${label.padEnd(w)}  ${String(r.miss[key]).padStart(8)}  ${String(r.hit[key]).padStart(8)}  ${unit}`)].join('\n');
}
