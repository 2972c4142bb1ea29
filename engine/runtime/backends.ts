/**
 * ONNX Runtime backends: 'node' (onnxruntime-node CPU EP, default), 'web' (onnxruntime-web wasm running
 * inside Node), 'webgpu' (onnxruntime-node's bundled WebGPU EP, when an adapter exists) and 'cuda'
 * (onnxruntime-node's CUDA EP, when it was installed with ONNXRUNTIME_NODE_INSTALL=cuda12).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';

export type Backend = 'node' | 'web' | 'webgpu' | 'cuda';
export const BACKENDS: readonly Backend[] = ['node', 'web', 'webgpu', 'cuda'];

export type Feed = Float32Array | Float64Array | BigInt64Array | Uint32Array;
export interface FeedValue {
  data: Feed;
  dims: readonly number[];
}

export interface Session {
  readonly backend: Backend;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs the model. `into`: outputs to write into these buffers instead of fresh ones (pre-allocated
   * fetches); each comes back as its own buffer, refilled. A buffer in `into` may also be a feed when the
   * graph reads that feed only before writing the output (engine/step/inplace.ts decides).
   */
  run(feeds: Record<string, FeedValue>, into?: Record<string, FeedValue>): Promise<Record<string, Feed>>;
  /** Flushes the profile started by SessionOptions.profilePrefix. */
  endProfiling(): void;
  release(): Promise<void>;
}

interface OrtModule {
  InferenceSession: { create(model: Uint8Array | string, opts?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: FeedType, data: Feed, dims: readonly number[]) => OrtTensor;
  env: { wasm?: { numThreads?: number } };
}

type FeedType = 'float32' | 'float64' | 'int64' | 'uint32';
const dtypeOf = (d: Feed): FeedType =>
  d instanceof Float32Array ? 'float32' : d instanceof Float64Array ? 'float64' : d instanceof Uint32Array ? 'uint32' : 'int64';

async function loadOrt(backend: Backend): Promise<OrtModule> {
  if (backend === 'web') {
    const ort = (await import('onnxruntime-web')) as unknown as OrtModule;
    return ort;
  }
  return (await import('onnxruntime-node')) as unknown as OrtModule;
}

export interface SessionOptions {
  backend?: Backend;
  /** Intra-op threads; defaults to the machine's cores. */
  threads?: number;
  /** Write an ORT JSON profile with this file prefix. */
  profilePrefix?: string;
  /** `model` is an optimized model onnxruntime wrote earlier: load it with graph optimisation off. */
  optimized?: boolean;
  /** Write onnxruntime's optimized model here (optimizedModelFilePath; node and cuda only). */
  saveOptimizedTo?: string;
  memory?: RuntimeMemory;
}

/**
 * onnxruntime's allocator switches (docs/engine.md, "Memory"); none changes a result bit. Measured on the
 * 2m/32-layer train step at batch 64: both on (onnxruntime's defaults) 5.6 GB peak RSS, memPattern off
 * 3.5 GB, and arena off too 2.8 GB. memPattern pre-plans one block for every intermediate; the CPU arena
 * keeps freed blocks for reuse instead of returning them.
 */
export interface RuntimeMemory {
  memPattern?: boolean;
  /**
   * onnxruntime's CPU arena (default off; createTrainer turns it on for a step with activation recomputation
   * on the node backend: the recomputed layers' many short-lived tensors then come back from the arena in the
   * same order every run, where glibc's heap left the peak anywhere between 1.2 and 2.2 GB from run to run on
   * 2m h3 at batch 256, against 1.14–1.15 GB with the arena; docs/benchmarks.md).
   */
  arena?: boolean;
  /**
   * Write the step's new parameters, optimizer slots and buffers into the old ones' memory (default on; the
   * node backend only: onnxruntime-web reads a fed buffer after writing an output into it, which changes results).
   */
  inPlace?: boolean;
  /**
   * The split step (engine/step/split.ts; default on, node backend with inPlace only): gradients written per
   * tensor into one flat vector, then the optimizer run chunk by chunk in place, so no parameter-sized copy
   * is made. Off: the fused one-graph step.
   */
  split?: boolean;
  /** Elements per run of the split step's update graph (default 2^20). */
  updateChunk?: number;
}

const EXECUTION_PROVIDER: Record<Backend, string> = { node: 'cpu', web: 'wasm', webgpu: 'webgpu', cuda: 'cuda' };

/** Compiles `model` (bytes, or a path for models with external data) on the chosen backend. */
export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<Session> {
  const backend = opts.backend ?? 'node';
  if (!BACKENDS.includes(backend)) throw new Error(`unknown backend '${backend}': use one of ${BACKENDS.join(', ')}`);
  if (backend === 'cuda') {
    const missing = await cudaMissing();
    if (missing) throw new Error(missing);
  }
  const ort = await loadOrt(backend);
  const threads = opts.threads ?? availableParallelism();
  if (backend === 'web' && ort.env.wasm) ort.env.wasm.numThreads = threads;
  const so: InferenceSession.SessionOptions = {
    graphOptimizationLevel: opts.optimized ? 'disabled' : 'all',
    intraOpNumThreads: threads,
    executionProviders: [EXECUTION_PROVIDER[backend]],
    ...(opts.profilePrefix ? { enableProfiling: true, profileFilePrefix: opts.profilePrefix } : {}),
    // saving warns on stderr that the model is for this machine only, which the cache's key already says
    ...(opts.saveOptimizedTo ? { optimizedModelFilePath: opts.saveOptimizedTo, logSeverityLevel: 3 as const } : {}),
    enableMemPattern: opts.memory?.memPattern ?? false,
    enableCpuMemArena: opts.memory?.arena ?? false,
  };
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, so);
  } catch (e) {
    if (backend === 'webgpu') {
      const msg = String((e as Error).message ?? e);
      const why = /adapter/i.test(msg) ? 'no WebGPU adapter found' : msg.split('\n')[0];
      throw new Error(`backend 'webgpu' is not available here: ${why}. Use trainer.backend=node (or web)`);
    }
    if (backend === 'cuda') {
      const why = String((e as Error).message ?? e).split('\n')[0];
      throw new Error(`backend 'cuda' could not start (CUDA 12 and cuDNN 9 libraries and a GPU are needed): ${why}. Use trainer.backend=node`);
    }
    throw e;
  }
  return {
    backend,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, into) {
      const tensor = (v: FeedValue) => new ort.Tensor(dtypeOf(v.data), v.data, v.dims);
      const f: Record<string, OrtTensor> = {};
      for (const [k, v] of Object.entries(feeds)) f[k] = tensor(v);
      // onnxruntime-node also hands back a copy of a pre-allocated output: drop it, keep the caller's buffer
      const fetches = into ? Object.fromEntries(session.outputNames.map((name) => [name, into[name] ? tensor(into[name]) : null])) : undefined;
      const r = fetches ? await session.run(f, fetches) : await session.run(f);
      const out: Record<string, Feed> = {};
      for (const [k, t] of Object.entries(r)) out[k] = into?.[k] ? into[k].data : (t.data as Feed);
      return out;
    },
    endProfiling: () => session.endProfiling(),
    release: () => session.release(),
  };
}

/**
 * Why the CUDA execution provider cannot load here (one line saying how to install it), or null when
 * onnxruntime-node supports it and its provider library sits next to the binding.
 */
export async function cudaMissing(): Promise<string | null> {
  const install = 'install onnxruntime-node with it (ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci, which needs internet) or use trainer.backend=node';
  if (process.platform !== 'linux' || process.arch !== 'x64') return `backend 'cuda' is not available here: onnxruntime-node ships CUDA for linux/x64 only (this is ${process.platform}/${process.arch}); use trainer.backend=node`;
  const ort = (await import('onnxruntime-node')) as unknown as { listSupportedBackends?: () => { name: string }[] };
  const supported = ort.listSupportedBackends?.().some((b) => b.name === 'cuda') ?? false;
  const bin = join(dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))), 'bin');
  const found = existsSync(bin) && readdirSync(bin).some((napi) => existsSync(join(bin, napi, 'linux', 'x64', 'libonnxruntime_providers_cuda.so')));
  return supported && found ? null : `backend 'cuda' is not available here: onnxruntime-node was installed without the CUDA execution provider; ${install}`;
}

/**
 * Whether `backend` can run a model here: null when a one-op model compiles and runs on it, else why
 * not (one line, e.g. "backend 'webgpu' is not available here: no WebGPU adapter found. ..."). Used by
 * the launch preflight; takes a few milliseconds on node, longer where an adapter is initialised.
 */
export async function probeBackend(backend: Backend): Promise<string | null> {
  // loaded here, not with the module: the session worker imports this file and never builds a graph
  const [{ Graph }, { toModelBytes }] = await Promise.all([import('../graph/builder.js'), import('../graph/serialize.js')]);
  const g = new Graph('probe');
  g.output(g.op('Relu', [g.input('x', 'float32', [1])], {}, 'float32', [1]), 'y');
  try {
    const session = await createSession(toModelBytes(g), { backend, threads: 1 });
    try {
      await session.run({ x: { data: new Float32Array([1]), dims: [1] } });
    } finally {
      await session.release();
    }
    return null;
  } catch (e) {
    return String((e as Error)?.message ?? e).split('\n')[0]!;
  }
}
