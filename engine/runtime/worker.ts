/**
 * The session worker: owns the ORT sessions and the flat training state, and runs one step per message.
 * onnxruntime-node runs synchronously, so stepping here keeps the main thread (progress, Ctrl-C) free.
 * The eval session is created at the first evaluation, so the first step does not wait for it.
 */
import { parentPort } from 'node:worker_threads';
import { type Backend, type FeedValue, type RuntimeMemory, type Session, createSession } from './backends.js';
import { type ModelSource, settleOptimized, tempFor } from './cache.js';
import type { LoopSignature } from '../step/loop.js';
import { loopFeeds } from './loop-feeds.js';
import type { BatchArrays, Envelope, FlatState, Reply, Request, StepInputs } from './protocol.js';
import { SplitStep } from './split-step.js';

let train: Session | undefined;
let evalSession: Session | undefined;
let evalSource: { source: ModelSource; backend: Backend; threads?: number; memory?: RuntimeMemory } | undefined;
let state: FlatState | undefined;
let decay: Float32Array | undefined;
let table: FeedValue | undefined;
let split: SplitStep | undefined;
/** Step output → the input whose buffer it is written into. */
let inPlace: Record<string, string> = {};
/** The train session's loop signature when it is the K-step loop (trainer.steps_per_run > 1). */
let loop: LoopSignature | undefined;

/**
 * Sessions a warm-up opens ahead of 'init' ('open'), and what they are opened from and with. A promise:
 * messages are handled concurrently, so an 'init' that arrives while they open waits for them.
 */
let opened: Promise<{ key: string; train: Session; update?: Session }> | undefined;

/** What makes two sessions equal: the optimized models (content-addressed paths) and the session options. */
function openKey(train: string | undefined, update: string | undefined, backend: Backend, threads?: number, memory?: RuntimeMemory): string {
  return JSON.stringify([train ?? null, update ?? null, backend, threads ?? null, memory?.memPattern ?? false, memory?.arena ?? false]);
}

/** The warm-up's sessions when 'init' asks for the same ones; otherwise they are released. */
async function adoptOpened(req: Extract<Request, { type: 'init' }>): Promise<{ train: Session; update?: Session } | undefined> {
  const pre = await opened?.catch(() => undefined); // one that failed to open: 'init' opens its own
  opened = undefined;
  if (!pre) return undefined;
  if (req.train.optimized && pre.key === openKey(req.train.optimized, req.split?.update.optimized, req.backend, req.threads, req.memory)) return pre;
  await Promise.all([pre.train.release(), pre.update?.release()]);
  return undefined;
}

async function openAhead(req: Extract<Request, { type: 'open' }>): Promise<{ key: string; train: Session; update?: Session }> {
  const options = { backend: req.backend, threads: req.threads, memory: req.memory, optimized: true };
  const train = await createSession(req.train, options);
  try {
    const update = req.update ? await createSession(req.update, options) : undefined;
    return { key: openKey(req.train, req.update, req.backend, req.threads, req.memory), train, update };
  } catch (e) {
    await train.release();
    throw e;
  }
}

const vec = (data: Float32Array): FeedValue => ({ data, dims: [data.length] });
const scalar = (v: number): FeedValue => ({ data: Float32Array.of(v), dims: [] });

function batchFeeds(b: BatchArrays): Record<string, FeedValue> {
  const n = b.xDims[0];
  return { x: { data: b.x, dims: b.xDims }, y: { data: b.y, dims: [n] }, w: { data: b.w, dims: [n] } };
}

/** What one step reads besides parameters and optimizer state: the batch, BatchNorm buffers, dropout. */
function dataFeeds(req: StepInputs, s: FlatState): Record<string, FeedValue> {
  const feeds = batchFeeds(req.batch);
  if (s.buffers.length) feeds.buffers = vec(s.buffers);
  if (req.dropoutOffsets.length) {
    feeds.dropout_table = table!;
    feeds.dropout_offsets = { data: req.dropoutOffsets, dims: [req.dropoutOffsets.length] };
  }
  return feeds;
}

/** One fused step's feeds: dataFeeds plus the state, the decay mask and the step's scalars. */
function stepFeeds(req: StepInputs, s: FlatState, decayMask: Float32Array): Record<string, FeedValue> {
  const feeds: Record<string, FeedValue> = { ...dataFeeds(req, s), params: vec(s.params), decay_mask: vec(decayMask) };
  for (const [name, data] of Object.entries(s.slots)) feeds[name] = vec(data);
  for (const [name, v] of Object.entries(req.scalars)) feeds[name] = scalar(v);
  return feeds;
}

function ready(): { train: Session; state: FlatState; decay: Float32Array } {
  if (!train || !state || !decay) throw new Error('worker used before init');
  return { train, state, decay };
}

/**
 * A session from the cache's optimized model when there is one (falling back to the graph if it does not
 * load), else from the graph, writing onnxruntime's optimized model when asked.
 */
async function open(src: ModelSource, backend: Backend, threads?: number, memory?: RuntimeMemory): Promise<Session> {
  let save = src.saveOptimized;
  if (src.optimized) {
    try {
      return await createSession(src.optimized, { backend, threads, memory, optimized: true });
    } catch {
      // a damaged cache entry: the graph itself builds the session, and its optimized model replaces the entry
      save = tempFor(src.optimized);
    }
  }
  const session = await createSession(src.bytes, { backend, threads, memory, saveOptimizedTo: save?.tmp });
  if (save) settleOptimized(save);
  return session;
}

async function handle(req: Request): Promise<Reply> {
  switch (req.type) {
    case 'open':
      opened = openAhead(req);
      await opened;
      return { type: 'open' };
    case 'init': {
      const pre = await adoptOpened(req);
      train = pre?.train ?? (await open(req.train, req.backend, req.threads, req.memory));
      evalSource = { source: req.eval, backend: req.backend, threads: req.threads, memory: req.memory };
      inPlace = req.inPlace ?? {};
      loop = req.loop;
      state = req.state;
      // the split step keeps the mask as ranges: no parameter-sized copy of it stays
      decay = req.split ? new Float32Array(0) : req.decayMask;
      table = { data: req.dropoutTable, dims: req.dropoutTableDims };
      if (req.split) {
        const update = pre?.update ?? (await open(req.split.update, req.backend, req.threads, req.memory));
        split = new SplitStep(train, update, { ...req.split, gradInPlace: inPlace, decayMask: req.decayMask });
      }
      return { type: 'init', warmed: pre !== undefined };
    }
    case 'step': {
      const w = ready();
      const s = w.state;
      if (split) {
        const r = await split.step(s, dataFeeds(req, s), req.scalars);
        s.buffers = r.buffers;
        return { type: 'step', loss: r.loss, gradNorm: r.gradNorm };
      }
      const feeds = stepFeeds(req, s, w.decay);
      const into = Object.fromEntries(Object.entries(inPlace).filter(([, input]) => feeds[input]).map(([output, input]) => [output, feeds[input]]));
      const out = await w.train.run(feeds, Object.keys(into).length ? into : undefined);
      state = {
        params: out.params_out as Float32Array,
        buffers: s.buffers.length ? (out.buffers_out as Float32Array) : s.buffers,
        slots: Object.fromEntries(Object.keys(s.slots).map((name) => [name, out[`${name}_out`] as Float32Array])),
      };
      return { type: 'step', loss: (out.loss as Float32Array)[0], gradNorm: (out.grad_norm as Float32Array)[0] };
    }
    case 'steps': {
      const w = ready();
      if (!loop) throw new Error('the worker has no train loop (trainer.steps_per_run is 1)');
      const s = w.state;
      const out = await w.train.run(loopFeeds(loop, req.steps.map((step) => stepFeeds(step, s, w.decay))));
      state = {
        params: out.params_out as Float32Array,
        buffers: s.buffers.length ? (out.buffers_out as Float32Array) : s.buffers,
        slots: Object.fromEntries(Object.keys(s.slots).map((name) => [name, out[`${name}_out`] as Float32Array])),
      };
      return { type: 'steps', loss: Array.from(out.loss as Float32Array), gradNorm: Array.from(out.grad_norm as Float32Array) };
    }
    case 'eval': {
      const w = ready();
      if (!evalSession && evalSource) evalSession = await open(evalSource.source, evalSource.backend, evalSource.threads, evalSource.memory);
      const feeds: Record<string, FeedValue> = { ...batchFeeds(req.batch), ...(split ? split.paramFeeds(w.state.params) : { params: vec(w.state.params) }) };
      if (w.state.buffers.length) feeds.buffers = vec(w.state.buffers);
      const out = await evalSession!.run(feeds);
      return { type: 'eval', prob: out.prob as Float32Array, loss: (out.loss as Float32Array)[0] };
    }
    case 'getState':
      return { type: 'getState', state: ready().state };
    case 'setState':
      state = req.state;
      return { type: 'setState' };
  }
}

parentPort!.on('message', async (msg: { id: number; req: Request }) => {
  let env: Envelope<Reply>;
  try {
    env = { id: msg.id, ok: true, value: await handle(msg.req) };
  } catch (e) {
    env = { id: msg.id, ok: false, error: (e as Error).message ?? String(e) };
  }
  parentPort!.postMessage(env);
});
