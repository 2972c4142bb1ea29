/**
 * createTrainer(): the training runtime. Builds the train-step and eval graphs once per (model, batch
 * shape), initialises parameters from the seed, and steps them in a worker thread. Per-step scalars (lr
 * schedule, the optimizer's scalars, dropout key) are computed here in double precision.
 */
import { type TrainState, loadCheckpoint, saveCheckpoint } from '../checkpoint/state.js';
import { toModelBytes } from '../graph/serialize.js';
import { type ExportOptions, type ExportResult, exportInference } from '../export/onnx.js';
import { type AdamWOptions, adamw } from '../optim/adamw.js';
import type { ClipOptions } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { stepKind } from '../memory/estimate.js';
import { type LrSchedule, learningRate } from '../optim/schedule.js';
import { type Model, buildEvalGraph, buildTrainStep } from '../step/graphs.js';
import { buildTrainLoop } from '../step/loop.js';
import type { Layout } from '../step/net.js';
import { dropoutOffsets, dropoutTable } from '../step/dropout.js';
import { inPlacePairs } from '../step/inplace.js';
import { buildGradStep, buildUpdateGraph } from '../step/split.js';
import type { Backend, RuntimeMemory } from './backends.js';
import { type CacheOutcome, type StepCacheOptions, cachedSessions, compileStep } from './cache.js';
import { checkTrainerNumbers } from './options.js';
import { owned, WorkerClient } from './client.js';
import type { BatchArrays, FlatState, StepInputs } from './protocol.js';

/** `H`: the optimizer's hyperparameters (AdamW's by default). */
export interface TrainerOptions<H extends ClipOptions = AdamWOptions> {
  model: Model;
  batchSize: number;
  /** Per-sample input shape, e.g. [contextLength, channels]. */
  inputShape: number[];
  /** The optimizer's hyperparameters, the gradient clip and the learning-rate schedule. */
  optim: H & LrSchedule;
  /** The update rule and the state it keeps (default AdamW). */
  optimizer?: Optimizer<H>;
  /** Seeds parameter init and the dropout stream. */
  seed: number;
  backend?: Backend;
  threads?: number;
  /** BCE pos_weight (1 = unweighted). */
  posWeight?: number;
  /** Batch size of the eval graph (defaults to batchSize). */
  evalBatchSize?: number;
  /**
   * The start-up cache (engine/runtime/cache.ts): built graphs and onnxruntime's optimized models under
   * `dir`, reused by later trainers of the same graph. Absent or null: built every time.
   */
  cache?: { dir: string } | null;
  /**
   * Activation recomputation: N > 0 keeps only every Nth encoder layer's input and recomputes the layers
   * in between during the backward pass (1: every layer); 0 or absent keeps all activations.
   */
  recompute?: number;
  /** onnxruntime's allocator switches and in-place state updates (defaults: see RuntimeMemory). */
  memory?: RuntimeMemory;
  /**
   * K optimizer steps per onnxruntime run: an integer >= 1 (default 1; createTrainer throws on anything
   * else, naming the option). K > 1 builds the train step into an ONNX Loop (engine/step/loop.ts), so
   * parameters and optimizer state stay on an accelerator for K steps, and the Loop holds K stacked batches
   * ([K, batchSize, ...inputShape]). steps() then runs up to K batches per run; the results are bitwise those
   * of K single steps. The engine knows no step budget: a caller that never feeds K batches at once (a run
   * shorter than K steps) should pass a smaller K (the runner caps it by max_steps and an epoch's steps).
   */
  stepsPerRun?: number;
  /**
   * A warm-up of this trainer (warmTrainer), adopted: its worker, and the sessions it opened when they are
   * the ones these options need (else they are released and opened anew). A trainer adopts it at most once.
   */
  warm?: TrainerWarmup;
}

export interface Batch {
  x: Float32Array;
  y: Float32Array;
  /** Per-sample weight: 1 for real rows, 0 for padding (defaults to 1 for the first `size` rows). */
  mask?: Float32Array;
  /** Real rows in the batch (the rest is padding). */
  size?: number;
}

export interface StepResult {
  loss: number;
  gradNorm: number;
  lr: number;
  /** Optimizer steps taken so far (this one included). */
  step: number;
}

export interface Trainer {
  readonly layout: Layout;
  /** Whether the step graphs and optimized models came from the start-up cache ('off' without one). */
  readonly cache: CacheOutcome;
  /** Whether the train session came from a warm-up (TrainerOptions.warm) rather than being opened here. */
  readonly warmed: boolean;
  readonly paramCount: number;
  /** Optimizer steps taken. */
  readonly stepCount: number;
  step(batch: Batch): Promise<StepResult>;
  /**
   * One optimizer step per batch, in order, `stepsPerRun` per onnxruntime run: the same results, bit for
   * bit, as step() on each batch.
   */
  steps(batches: readonly Batch[]): Promise<StepResult[]>;
  /** Optimizer steps per onnxruntime run (TrainerOptions.stepsPerRun). */
  readonly stepsPerRun: number;
  /** Probabilities for the real rows of every batch, in order, and the sample-weighted mean loss. */
  evaluate(batches: Iterable<Batch>): Promise<{ loss: number; probs: Float32Array }>;
  state(): Promise<TrainState>;
  saveCheckpoint(path: string, extra?: Record<string, string | number>): Promise<void>;
  /** Restores params, optimizer state and step; returns the checkpoint's metadata. */
  loadCheckpoint(path: string): Promise<Record<string, string>>;
  /** Standalone inference model of the current weights (engine/export): x [batchSize, ...inputShape] → prob. */
  exportOnnx(path: string, opts?: ExportOptions): Promise<ExportResult>;
  close(): Promise<void>;
}

function toArrays(b: Batch, batchSize: number, inputShape: number[]): BatchArrays {
  const per = inputShape.reduce((a, c) => a * c, 1);
  if (b.x.length !== batchSize * per || b.y.length !== batchSize) {
    throw new Error(`batch has x of ${b.x.length} and y of ${b.y.length} values; the graph expects ${batchSize}×[${inputShape}] (pad the last batch)`);
  }
  const w = b.mask ?? Float32Array.from({ length: batchSize }, (_, i) => (i < (b.size ?? batchSize) ? 1 : 0));
  return { x: b.x, y: b.y, w, xDims: [batchSize, ...inputShape] };
}

/**
 * What the step graphs are a function of besides the engine's code, or null when the model has no key
 * (then nothing is known about its forward function, and its graphs are built each time). The lr schedule
 * is fed per step, so a sweep over lr, warmup or steps shares one entry; the optimizer's other settings
 * (AdamW's betas, eps, weight decay, the clip) are constants in the graph and part of the key.
 */
function graphKey<H extends ClipOptions>(opts: TrainerOptions<H>, optimizer: Optimizer<H>, split: boolean): unknown | null {
  if (opts.model.key === undefined) return null;
  const { lr: _lr, warmupSteps: _w, totalSteps: _t, schedule: _s, minLr: _m, ...graphOptim } = opts.optim;
  return {
    model: opts.model.key, batch: opts.batchSize, evalBatch: opts.evalBatchSize ?? opts.batchSize, input: opts.inputShape, posWeight: opts.posWeight ?? 1, recompute: opts.recompute ?? 0, split,
    stepsPerRun: (opts.stepsPerRun ?? 1) > 1 ? opts.stepsPerRun : undefined,
    optimizer: { label: optimizer.label, slots: optimizer.slots, scalars: optimizer.scalars, update: optimizer.update.toString() }, optim: graphOptim,
  };
}

/** The start-up cache's options for a trainer (null without a cache): what compileStep and a warm-up look up. */
function stepCacheOf<H extends ClipOptions>(opts: TrainerOptions<H>): StepCacheOptions | null {
  if (!opts.cache) return null;
  const optimizer = opts.optimizer ?? (adamw as Optimizer<unknown> as Optimizer<H>);
  const backend = opts.backend ?? 'node';
  const split = stepKind(backend, opts.memory, opts.stepsPerRun ?? 1) === 'split';
  return { dir: opts.cache.dir, backend, key: graphKey(opts, optimizer, split) };
}

/** A trainer's worker started ahead of createTrainer (warmTrainer). */
export interface TrainerWarmup {
  /** True when the worker is opening the train session from the start-up cache (a hit); else it only starts. */
  readonly opening: boolean;
  /** Whether a trainer took its worker (TrainerOptions.warm). */
  readonly adopted: boolean;
  /**
   * Ends the worker unless a trainer adopted it (then it does nothing); never throws. A session being opened
   * is waited for first: onnxruntime cannot be interrupted while it opens one, and ending the thread then
   * aborts the process.
   */
  close(): Promise<void>;
}

class Warmup implements TrainerWarmup {
  adopted = false;

  constructor(
    private client: WorkerClient | null,
    readonly opening: boolean,
    /** Settles when the worker is done opening the sessions (or at once when it opens none). */
    private readonly opened: Promise<unknown>,
  ) {}

  /** The worker, once: the adopting trainer's from now on. */
  take(): WorkerClient | null {
    const c = this.client;
    this.client = null;
    c?.keepAlive(true);
    this.adopted = c !== null;
    return c;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    await this.opened;
    await c.terminate().catch(() => undefined);
  }
}

/**
 * The allocator switches a trainer's sessions open with: `opts.memory`, where the CPU arena defaults to on
 * for a step with activation recomputation on the node backend and to off otherwise (RuntimeMemory.arena).
 */
export function sessionMemory(opts: Pick<TrainerOptions<ClipOptions>, 'memory' | 'recompute' | 'backend'>): RuntimeMemory {
  const recomputes = (opts.recompute ?? 0) > 0 && (opts.backend ?? 'node') === 'node';
  return { ...opts.memory, arena: opts.memory?.arena ?? recomputes };
}

/**
 * Starts the worker of a trainer createTrainer(opts) will make and, on a start-up cache hit, has it open
 * the train session (the longest part of a hit's start-up) while the caller goes on: hand the result to
 * createTrainer as `opts.warm`, or close() it when no trainer comes. Cheap on the calling thread (a cache
 * lookup); never throws (a failed warm-up is one createTrainer does not use). Sessions are adopted only
 * when createTrainer needs exactly them (the same optimized models and session options); anything else a
 * warm-up guessed costs nothing but the opening. The worker keeps the process alive only while it opens
 * sessions (a process that exits then aborts in onnxruntime); idle, an unclosed warm-up holds nothing up.
 */
export function warmTrainer<H extends ClipOptions = AdamWOptions>(opts: TrainerOptions<H>): TrainerWarmup {
  const client = new WorkerClient();
  let sessions: ReturnType<typeof cachedSessions> = null;
  try {
    const cache = stepCacheOf(opts);
    sessions = cache && cache.key !== null ? cachedSessions(cache) : null;
  } catch {
    // an unreadable cache: the trainer finds out for itself
  }
  const opened = sessions
    ? client.call({ type: 'open', ...sessions, backend: opts.backend ?? 'node', threads: opts.threads, memory: sessionMemory(opts) }).catch(() => undefined)
    : Promise.resolve();
  const warm = new Warmup(client, sessions !== null, opened);
  void opened.then(() => warm.adopted || client.keepAlive(false));
  return warm;
}

export async function createTrainer<H extends ClipOptions = AdamWOptions>(opts: TrainerOptions<H>): Promise<Trainer> {
  const optimizer = opts.optimizer ?? (adamw as Optimizer<unknown> as Optimizer<H>);
  const shape = { batchSize: opts.batchSize, inputShape: opts.inputShape, posWeight: opts.posWeight };
  const evalShape = { ...shape, batchSize: opts.evalBatchSize ?? opts.batchSize };
  const backend = opts.backend ?? 'node';
  checkTrainerNumbers(opts);
  const K = opts.stepsPerRun ?? 1;
  // onnxruntime-web reads a fed buffer after it has written a pre-allocated output into it: node only
  const inPlaceOn = opts.memory?.inPlace !== false && backend === 'node';
  // the K-step Loop wraps the fused step; the split step (two runs per step) is for one step at a time
  const split = stepKind(backend, opts.memory, K) === 'split';
  const statePairs = Object.fromEntries([['params_out', 'params'], ...optimizer.slots.map((s) => [`${s}_out`, s])]);
  const compiled = compileStep(stepCacheOf(opts), () => {
    if (K > 1) {
      const { graph, layout, signature } = buildTrainLoop(opts.model, { ...shape, recompute: opts.recompute, optim: opts.optim, optimizer, steps: K });
      return { layout, inPlace: {}, loop: signature, train: toModelBytes(graph), eval: toModelBytes(buildEvalGraph(opts.model, evalShape, layout).graph) };
    }
    const { graph, layout } = split ? buildGradStep(opts.model, { ...shape, recompute: opts.recompute }) : buildTrainStep(opts.model, { ...shape, recompute: opts.recompute, optim: opts.optim, optimizer });
    const inPlace = inPlacePairs(graph, { buffers_out: 'buffers', ...(split ? {} : statePairs) });
    const update = split ? buildUpdateGraph({ optim: opts.optim, optimizer }) : undefined;
    return {
      layout, inPlace, train: toModelBytes(graph), eval: toModelBytes(buildEvalGraph(opts.model, evalShape, layout, split).graph),
      update: update && { bytes: toModelBytes(update), inPlace: inPlacePairs(update, statePairs) },
    };
  });
  const { layout } = compiled;
  const client = (opts.warm instanceof Warmup ? opts.warm.take() : null) ?? new WorkerClient();
  const init: FlatState = {
    params: layout.initParams(opts.seed),
    buffers: layout.initBuffers(),
    slots: Object.fromEntries(optimizer.slots.map((name) => [name, new Float32Array(layout.paramCount)])),
  };
  let t = 0;
  let warmed = false;
  try {
    const req = {
      type: 'init' as const,
      train: { ...compiled.train, bytes: owned(compiled.train.bytes) },
      eval: { ...compiled.eval, bytes: owned(compiled.eval.bytes) },
      backend,
      threads: opts.threads,
      state: init,
      decayMask: layout.decayMask(),
      dropoutTable: dropoutTable(layout.dropout, opts.seed),
      dropoutTableDims: [layout.dropout.rates.length, 2 * layout.dropout.tableSize],
      memory: sessionMemory(opts),
      inPlace: inPlaceOn ? compiled.inPlace : {},
      split: compiled.update && {
        update: { ...compiled.update.source, bytes: owned(compiled.update.source.bytes) }, updateInPlace: compiled.update.inPlace,
        params: layout.params.map(({ name, offset, size, shape }) => ({ name, offset, size, shape })), chunk: opts.memory?.updateChunk,
      },
      loop: compiled.loop,
    };
    const buffers = [req.train.bytes, req.eval.bytes, ...(req.split ? [req.split.update.bytes] : []), init.params, ...Object.values(init.slots), init.buffers, req.decayMask, req.dropoutTable].map((a) => a.buffer);
    ({ warmed } = await client.call(req, [...new Set(buffers)]));
  } catch (e) {
    await client.terminate();
    throw e;
  }
  /** Step `step`'s feeds besides the state, its scalars computed as for a lone step. */
  const stepInputs = (batch: Batch, step: number): { lr: number; inputs: StepInputs } => {
    const lr = learningRate(step, opts.optim);
    const scalars = optimizer.scalarValues(step, lr, opts.optim);
    return { lr, inputs: { batch: toArrays(batch, opts.batchSize, opts.inputShape), dropoutOffsets: dropoutOffsets(layout.dropout, opts.seed, step), scalars } };
  };
  /** 1..K batches in one run of the train loop. */
  const runSteps = async (batches: readonly Batch[]): Promise<StepResult[]> => {
    const each = batches.map((b, i) => stepInputs(b, t + 1 + i));
    const r = await client.call({ type: 'steps', steps: each.map((e) => e.inputs) });
    const first = t;
    t += batches.length;
    return each.map((e, i) => ({ loss: r.loss[i], gradNorm: r.gradNorm[i], lr: e.lr, step: first + 1 + i }));
  };
  const step = async (batch: Batch): Promise<StepResult> => {
    if (compiled.loop) return (await runSteps([batch]))[0];
    const next = t + 1;
    const { lr, inputs } = stepInputs(batch, next);
    const r = await client.call({ type: 'step', ...inputs });
    t = next;
    return { loss: r.loss, gradNorm: r.gradNorm, lr, step: t };
  };
  const state = async (): Promise<TrainState> => ({ ...(await client.call({ type: 'getState' })).state, step: t });

  return {
    layout,
    cache: compiled.cache,
    warmed,
    paramCount: layout.paramCount,
    get stepCount() {
      return t;
    },
    stepsPerRun: K,
    step,
    async steps(batches) {
      const results: StepResult[] = [];
      if (!compiled.loop) {
        for (const b of batches) results.push(await step(b));
        return results;
      }
      for (let i = 0; i < batches.length; i += K) results.push(...(await runSteps(batches.slice(i, i + K))));
      return results;
    },
    async evaluate(batches) {
      const probs: number[] = [];
      let lossSum = 0;
      let weight = 0;
      for (const b of batches) {
        const arrays = toArrays(b, evalShape.batchSize, opts.inputShape);
        const r = await client.call({ type: 'eval', batch: arrays });
        const n = b.size ?? evalShape.batchSize;
        for (let i = 0; i < n; i++) probs.push(r.prob[i]);
        const w = arrays.w.reduce((a, c) => a + c, 0);
        lossSum += r.loss * w;
        weight += w;
      }
      return { loss: weight ? lossSum / weight : NaN, probs: Float32Array.from(probs) };
    },
    state,
    async saveCheckpoint(path, extra = {}) {
      saveCheckpoint(path, layout, optimizer, await state(), { seed: opts.seed, ...extra });
    },
    async loadCheckpoint(path) {
      const { state: s, metadata } = loadCheckpoint(path, layout, optimizer);
      if (metadata.seed !== undefined && Number(metadata.seed) !== opts.seed) {
        throw new Error(`${path} was written by a run with seed ${metadata.seed}; resume it with seed=${metadata.seed} (this trainer has seed ${opts.seed})`);
      }
      const slots = Object.fromEntries(Object.entries(s.slots).map(([name, a]) => [name, owned(a)]));
      const next: FlatState = { params: owned(s.params), buffers: owned(s.buffers), slots };
      const arrays = [next.params, next.buffers, ...Object.values(slots)];
      await client.call({ type: 'setState', state: next }, [...new Set(arrays.map((a) => a.buffer))]);
      t = s.step;
      return metadata;
    },
    async exportOnnx(path, eopts = {}) {
      const s = await state();
      return exportInference(opts.model, layout, { params: s.params, buffers: s.buffers }, opts.inputShape, path, eopts);
    },
    close: () => client.terminate(),
  };
}
