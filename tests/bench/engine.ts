/**
 * Engine benchmark: PatchTST train steps (batch 256, context 60, 25 channels) for the 2m and 20m budget
 * shapes on the node and wasm backends, against PyTorch eager on the same model. Each case runs in its own
 * process so peak RSS is per case; engine cases step through createTrainer (its worker thread included). Run through `npm run bench -- engine [--json] [--steps N] ...`.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, freemem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { estimateMemory, fittingBatch, stepKind } from '../../engine/memory/index.js';
import { ALLOCATOR_ENV } from '../../engine/runtime/allocator.js';
import type { ModelConfig } from '../../engine/models/config.js';
import { buildModel } from '../../engine/models/index.js';
import type { Backend } from '../../engine/runtime/backends.js';
import { createTrainer } from '../../engine/runtime/trainer.js';
import { buildTrainStep } from '../../engine/step/graphs.js';
import { Rng } from '../../engine/step/rng.js';
import { withShapes } from './flops.js';

const CHANNELS = 25;
/**
 * conf/model/patchtst.yaml with the issue-6 architecture table (h3) and each budget's dropout, on the switches
 * tests/bench/torch_patchtst.py mirrors (the defaults before issue 10: no residual attention, RevIN affine, one
 * dropout on the attention output), so the timings stay comparable with docs/benchmarks.md.
 */
export const SHAPES: Record<string, ModelConfig> = Object.fromEntries(
  ([['2m', 64, 32, 2, 0.12], ['20m', 256, 32, 2, 0.2]] as const).map(([name, d, layers, heads, dropout]) => [name, {
    name: 'patchtst', context_length: 60, patch_len: 16, stride: 8, d_model: d, n_heads: heads, n_layers: layers, d_ff: 4 * d,
    dropout, proj_dropout: 0, attn_dropout: 0, head_dropout: 0, norm: 'batch', residual_attention: false, revin: true, revin_affine: true,
  } satisfies ModelConfig]),
);
/** wasm32 linear memory tops out at 4 GiB; leave room for the runtime itself. */
const WASM_LIMIT = 3.5 * 2 ** 30;

export interface EngineCase {
  shape: string; backend: Backend | 'pytorch'; batch: number; steps: number; warmup: number; layers?: number; dropout?: number;
  /** trainer.recompute as the engine takes it (layers per recomputed segment; 0 or absent: off). */
  recompute?: number;
  /** trainer.steps_per_run: optimizer steps per onnxruntime run (steps and warmup are rounded up to runs of it). */
  stepsPerRun?: number;
  /** Take turns with other cases (tests/bench/turns.ts): wait for a line on stdin before each run of steps, print `turn <s>` after it. */
  turns?: boolean;
}
export interface EngineRow extends EngineCase {
  params: number;
  build_s: number | null;
  steps_per_s: number;
  samples_per_s: number;
  gflop_per_step: number;
  gflop_per_s: number;
  peak_rss_mb: number;
  /** engine/memory's estimate for this case, to check it against peak_rss_mb. */
  est_peak_mb: number;
  /** The estimate's fixed cost (weights, gradients, optimizer slots, step copies) per parameter; PyTorch: 16 (fp32 AdamW). */
  fixed_bytes_per_param?: number;
  note?: string;
}

const configOf = (c: EngineCase): ModelConfig => ({ ...SHAPES[c.shape], n_layers: c.layers ?? SHAPES[c.shape].n_layers, dropout: c.dropout ?? SHAPES[c.shape].dropout });

/** One case, in this process (the child side), through the product's trainer (worker thread, real feeds). */
async function runCase(c: EngineCase): Promise<Omit<EngineRow, keyof EngineCase | 'est_peak_mb'>> {
  const cfg = configOf(c);
  const inputShape = [cfg.context_length, CHANNELS];
  const optim = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-3, gradClip: 1, lr: 1e-4, warmupSteps: 0, totalSteps: 1000, schedule: 'constant' as const };
  const t0 = performance.now();
  const trainer = await createTrainer({ model: buildModel(cfg, CHANNELS), batchSize: c.batch, evalBatchSize: 1, inputShape, optim, seed: 0, backend: c.backend as Backend, recompute: c.recompute, stepsPerRun: c.stepsPerRun });
  const buildS = (performance.now() - t0) / 1000;
  const rng = new Rng(1);
  const batch = {
    x: Float32Array.from({ length: c.batch * cfg.context_length * CHANNELS }, () => rng.normal()),
    y: Float32Array.from({ length: c.batch }, () => (rng.next() < 0.5 ? 1 : 0)),
  };
  const K = c.stepsPerRun ?? 1;
  const turns = c.turns ? createInterface({ input: process.stdin })[Symbol.asyncIterator]() : null;
  /** One run of K steps; its seconds (the wait for the turn excluded). */
  const step = async () => {
    await turns?.next();
    const t0 = performance.now();
    for (const r of await trainer.steps(Array.from({ length: K }, () => batch))) if (!Number.isFinite(r.loss)) throw new Error(`loss is not finite at step ${r.step}`);
    const s = (performance.now() - t0) / 1000;
    if (turns) console.log(`turn ${s}`);
    return s;
  };
  try {
    for (let t = 0; t < c.warmup; t += K) await step();
    let dt = 0;
    for (let t = 0; t < c.steps; t += K) dt += await step();
    await turns?.return?.();
    // The same train-step graph again, built (not run) to count its FLOPs from static shapes.
    const { result, flops } = withShapes(() => buildTrainStep(buildModel(cfg, CHANNELS), { batchSize: c.batch, inputShape, optim, recompute: c.recompute }));
    const gflop = flops(result.graph) / 1e9;
    return {
      params: trainer.paramCount, build_s: buildS, steps_per_s: c.steps / dt, samples_per_s: (c.steps * c.batch) / dt,
      gflop_per_step: gflop, gflop_per_s: (gflop * c.steps) / dt, peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await trainer.close();
  }
}

const PYTHON = '/usr/bin/python3';

/** Seconds one case may run before it is stopped and reported as timed out (`--case-timeout`). */
export const CASE_TIMEOUT_S = 1800;

/**
 * Runs one case in a child process of its own (so its peak RSS is its own: getrusage's ru_maxrss of that
 * process, threads included, for node and PyTorch alike). A case that runs past `timeoutS` is killed and
 * throws, saying so.
 */
export function spawnCase(c: EngineCase, timeoutS = CASE_TIMEOUT_S): EngineRow {
  const { cmd, args, env } = caseCommand(c);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24, timeout: timeoutS * 1000, killSignal: 'SIGKILL', env });
  const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-2).join(' | ');
  const after = `after ${((performance.now() - t0) / 1000).toFixed(0)} s`;
  if (r.error?.message.includes('ETIMEDOUT')) throw new Error(`${c.shape}/${c.backend} batch ${c.batch}: timed out ${after} (the limit is ${timeoutS} s: --case-timeout, or fewer --steps); last output: ${tail || 'none'}`);
  if (r.signal) throw new Error(`${c.shape}/${c.backend} batch ${c.batch}: killed by ${r.signal} ${after}${r.signal === 'SIGKILL' ? ' (out of memory?)' : ''}; last output: ${tail || 'none'}`);
  const line = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${c.shape}/${c.backend} batch ${c.batch} failed ${after}: ${tail}`);
  return rowOf(c, JSON.parse(line));
}

/** The process a case runs in: PyTorch's script or this file as a child, with its environment. */
export function caseCommand(c: EngineCase): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const cfg = configOf(c);
  const [cmd, args] = c.backend === 'pytorch'
    ? [PYTHON, [fileURLToPath(new URL('./torch_patchtst.py', import.meta.url)), '--d-model', `${cfg.d_model}`, '--layers', `${cfg.n_layers}`, '--heads', `${cfg.n_heads}`,
      '--d-ff', `${cfg.d_ff}`, '--dropout', `${cfg.dropout}`, '--batch', `${c.batch}`, '--steps', `${c.steps}`, '--warmup', `${c.warmup}`,
      // the engine's sessions take every core (intra-op threads = cores): PyTorch gets as many
      '--threads', `${availableParallelism()}`, ...(c.turns ? ['--turns'] : [])]]
    : [process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(c)]];
  // each as it ships: the engine under the malloc settings every Ladder job gets (bin/run.js's shebang, the
  // launchers), PyTorch under glibc's defaults (docs/engine.md#the-allocator has it under both)
  return { cmd, args, env: c.backend === 'pytorch' ? process.env : { ...process.env, ...ALLOCATOR_ENV } };
}

/** A case's row from the JSON line its process printed last. */
export function rowOf(c: EngineCase, out: any): EngineRow {
  const cfg = configOf(c);
  const estimate = estimateMemory(cfg, CHANNELS, c.batch, { recompute: c.recompute, step: stepKind(c.backend), stepsPerRun: c.stepsPerRun });
  const est_peak_mb = estimate.total / 2 ** 20;
  if (c.backend !== 'pytorch') return { ...c, ...out, est_peak_mb, fixed_bytes_per_param: estimate.fixedPerParam };
  // PyTorch reports no graph: reuse the node case's FLOP count for the same shape (same model, same maths).
  return { ...c, params: out.params, build_s: null, steps_per_s: out.steps_per_s, samples_per_s: out.samples_per_s, gflop_per_step: NaN, gflop_per_s: NaN, peak_rss_mb: out.peak_rss_mb, est_peak_mb: NaN, fixed_bytes_per_param: 16, note: out.blas };
}

export interface EngineBenchOptions {
  shapes: string[]; backends: (Backend | 'pytorch')[]; batch: number; steps: number; warmup: number; layers?: number; dropout?: number; log?: (msg: string) => void;
  /** Run exactly `batch` or skip (said in the log and the table), instead of halving it until it fits: comparisons at a given batch. */
  exactBatch?: boolean;
  /** Seconds each case may run (default CASE_TIMEOUT_S). */
  timeoutS?: number;
}

/** A row for a case that did not run to the end, so that the table says why next to the others. */
export const failedRow = (c: EngineCase, why: string): EngineRow => ({
  ...c, params: NaN, build_s: null, steps_per_s: NaN, samples_per_s: NaN, gflop_per_step: NaN, gflop_per_s: NaN, peak_rss_mb: NaN, est_peak_mb: NaN,
  note: why.replace(`${c.shape}/${c.backend} batch ${c.batch}: `, ''), // the table names the case itself
});

export function benchEngine(o: EngineBenchOptions): EngineRow[] {
  const rows: EngineRow[] = [];
  for (const shape of o.shapes) {
    if (!SHAPES[shape]) throw new Error(`unknown shape '${shape}': use ${Object.keys(SHAPES).join(', ')}`);
    const cfg = configOf({ shape, backend: 'node', batch: o.batch, steps: o.steps, warmup: o.warmup, layers: o.layers, dropout: o.dropout });
    const free = freemem() * 0.8;
    for (const backend of o.backends) {
      const limit = backend === 'web' ? Math.min(free, WASM_LIMIT) : free;
      const batch = o.exactBatch ? o.batch : fittingBatch((b) => estimateMemory(cfg, CHANNELS, b, { step: stepKind(backend) }), limit, o.batch);
      const c: EngineCase = { shape, backend, batch, steps: o.steps, warmup: o.warmup, layers: o.layers, dropout: o.dropout };
      if (!batch) {
        o.log?.(`skip ${shape}/${backend}: even batch 1 exceeds the memory at hand`);
        continue;
      }
      // PyTorch's own need is not estimated here: it runs, and a kill or a timeout is reported
      const need = backend === 'pytorch' ? 0 : estimateMemory(cfg, CHANNELS, batch).total;
      if (o.exactBatch && need > limit) {
        const why = `not run: its estimate ${(need / 2 ** 30).toFixed(1)} GiB exceeds 80% of free memory (${(limit / 2 ** 30).toFixed(1)} GiB)`;
        o.log?.(`skip ${shape}/${backend} at batch ${batch}: ${why}`);
        rows.push(failedRow(c, why));
        continue;
      }
      o.log?.(`${shape}/${backend}: batch ${batch}${batch < o.batch ? ` (reduced from ${o.batch} to fit ${(limit / 2 ** 30).toFixed(1)} GiB)` : ''}, ${o.warmup} warm-up + ${o.steps} timed steps`);
      try {
        const row = spawnCase(c, o.timeoutS);
        if (batch < o.batch) row.note = [row.note, `batch reduced from ${o.batch} to fit memory`].filter(Boolean).join('; ');
        rows.push(row);
      } catch (e) {
        o.log?.(String((e as Error).message));
        rows.push(failedRow(c, String((e as Error).message)));
      }
    }
    // FLOPs for PyTorch rows: the same model and batch as a node row, or scaled by batch.
    const ref = rows.find((r) => r.shape === shape && r.backend === 'node' && Number.isFinite(r.gflop_per_step));
    for (const r of rows) {
      if (r.shape !== shape || r.backend !== 'pytorch' || !ref) continue;
      r.gflop_per_step = (ref.gflop_per_step * r.batch) / ref.batch;
      r.gflop_per_s = r.gflop_per_step * r.steps_per_s;
    }
  }
  return rows;
}

if (process.argv[2] === '--child') {
  runCase(JSON.parse(process.argv[3]) as EngineCase).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error((e as Error).stack ?? e);
      process.exit(1);
    },
  );
}
