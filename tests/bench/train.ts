/**
 * End-to-end benchmark of `npx run model=patchtst budget=2m horizon=h3` for a fixed number of steps, in
 * process through the launcher as the CLI runs it: time from launch to the first optimizer step (compose,
 * validate, data, graph and session build), train samples/s over the steps, then the scoring and export.
 * It runs twice on a copy of the data cache with an empty engine cache: first a miss (the graphs are built
 * and optimized, then cached), then a hit (a sweep's next job with the same architecture), for 2 steps.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '../../runner/tasks/builtin.js';
import { compose } from '../../runner/compose/index.js';
import { SweepRun, planJobs, type LaunchReporter } from '../../runner/launch/index.js';

export interface TrainBenchOptions {
  steps: number;
  batch: number;
  log: (m: string) => void;
}

export interface TrainBenchResult {
  overrides: string[];
  status: string;
  /** The engine's start-up cache: miss (graphs built and optimized) or hit. */
  engine_cache: string | null;
  n_params: number | null;
  /** Compose, validate, preflight, data, graph build and ORT session creation: until the first step starts. */
  launch_to_first_step_s: number;
  /** CPU time (all threads of this process) of the same span: what it costs on a machine that others share. */
  launch_to_first_step_cpu_s: number;
  /** The first step alone (ORT allocates and warms up in it). */
  first_step_s: number;
  /** Wall time of steps 2..N. */
  step_s: number;
  train_samples_per_s: number;
  /** From the last step to the end: val/test scoring, checkpoints, model.onnx, curves.svg. */
  after_training_s: number;
  wall_s: number;
}

/** The job on a cold engine cache (miss), then again for 2 steps on the cache it wrote (hit). */
export async function benchTrain(opts: TrainBenchOptions): Promise<{ miss: TrainBenchResult; hit: TrainBenchResult }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ladder-bench-cache-'));
  const dataCache = resolve(process.env.LADDER_CACHE ?? '.ladder-cache');
  if (existsSync(dataCache)) cpSync(dataCache, cacheDir, { recursive: true, filter: (src) => !src.startsWith(join(dataCache, 'engine')) });
  try {
    opts.log(`engine cache miss (${cacheDir}/engine empty):`);
    const miss = await benchJob(opts, cacheDir);
    opts.log('engine cache hit:');
    const hit = await benchJob({ ...opts, steps: 2 }, cacheDir);
    return { miss, hit };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function benchJob(opts: TrainBenchOptions, cacheDir: string): Promise<TrainBenchResult> {
  const outputsDir = mkdtempSync(join(tmpdir(), 'ladder-bench-train-'));
  const overrides = ['model=patchtst', 'budget=2m', 'horizon=h3', 'trainer.epochs=1', `trainer.max_steps=${opts.steps}`, `trainer.batch_size=${opts.batch}`, `data.cache_dir=${cacheDir}`];
  const stepAt: number[] = [];
  let ready = NaN;
  let readyCpu = NaN;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const plan = planJobs(overrides, { multirun: false, configDir: join(import.meta.dirname, '..', '..', 'conf'), configName: 'config', compose });
    const reporter: LaunchReporter = {
      start: () => {}, jobStart: () => {}, jobWarn: () => {}, jobEnd: () => {}, warn: opts.log, end: async () => {},
      jobProgress: (_job, p) => {
        if (p.current === 0 && Number.isNaN(ready)) {
          ready = performance.now();
          const c = process.cpuUsage(cpu0);
          readyCpu = (c.user + c.system) / 1e6;
        }
        if (p.current !== undefined && p.total !== undefined && stepAt.length < p.current) {
          stepAt.push(performance.now());
          opts.log(`step ${p.current}/${p.total} at ${((performance.now() - t0) / 1000).toFixed(1)}s`);
        }
      },
    };
    const result = await new SweepRun(plan, { outputsDir, indexPath: null, reporter }).run();
    const end = performance.now();
    const outcome = result.outcomes[0]!;
    if (stepAt.length < 2) throw new Error(`the run took ${stepAt.length} steps (${outcome.status}: ${outcome.reason ?? ''})`);
    const stepS = (stepAt.at(-1)! - stepAt[0]!) / 1000;
    return {
      overrides,
      status: outcome.status,
      engine_cache: (runInfo(outcome.dir).engine_cache as string | undefined) ?? null,
      n_params: outcome.results.n_params ?? null,
      launch_to_first_step_s: round((ready - t0) / 1000),
      launch_to_first_step_cpu_s: round(readyCpu),
      first_step_s: round((stepAt[0]! - ready) / 1000),
      step_s: round(stepS / (stepAt.length - 1)),
      train_samples_per_s: round(((stepAt.length - 1) * opts.batch) / stepS),
      after_training_s: round((end - stepAt.at(-1)!) / 1000),
      wall_s: round((end - t0) / 1000),
    };
  } finally {
    rmSync(outputsDir, { recursive: true, force: true });
  }
}

const runInfo = (dir: string | undefined): Record<string, unknown> =>
  dir ? ((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { info?: Record<string, unknown> }).info ?? {}) : {};

const round = (x: number) => Math.round(x * 100) / 100;
