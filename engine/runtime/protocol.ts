/** Messages between the trainer (main thread) and the session worker. */
import type { Backend, RuntimeMemory } from './backends.js';
import type { ParamSpec } from '../step/net.js';
import type { ModelSource } from './cache.js';
import type { LoopSignature } from '../step/loop.js';

export interface FlatState {
  params: Float32Array;
  buffers: Float32Array;
  /** The optimizer's per-element state, by slot name (each paramCount values). */
  slots: Record<string, Float32Array>;
}

/** What the worker needs to run a split step besides the gradient graph. */
export interface SplitInit {
  update: ModelSource;
  updateInPlace: Record<string, string>;
  params: Pick<ParamSpec, 'name' | 'offset' | 'size' | 'shape'>[];
  chunk?: number;
}

export interface BatchArrays {
  x: Float32Array;
  y: Float32Array;
  w: Float32Array;
  /** Dims of x, e.g. [B, L, C]. */
  xDims: number[];
}

/** What one optimizer step is fed besides the state: its batch, dropout offsets and optimizer scalars. */
export interface StepInputs {
  batch: BatchArrays;
  dropoutOffsets: BigInt64Array;
  scalars: Record<string, number>;
}

export type Request =
  | { type: 'init'; train: ModelSource; eval: ModelSource; backend: Backend; threads?: number; state: FlatState; decayMask: Float32Array; dropoutTable: Float32Array; dropoutTableDims: number[];
      /** Allocator switches, and the step outputs written into their input's buffer (output → input name). */
      memory?: RuntimeMemory; inPlace?: Record<string, string>;
      /** The split step (engine/runtime/split-step.ts): `train` is then its gradient graph. */
      split?: SplitInit;
      /** Set when `train` is the K-step loop (engine/step/loop.ts): then it takes 'steps', not 'step'. */
      loop?: LoopSignature }
  /**
   * A warm-up (warmTrainer): open the train session (and a split step's update session) from these optimized
   * models now; an 'init' whose sources and options are the same adopts them.
   */
  | { type: 'open'; train: string; update?: string; backend: Backend; threads?: number; memory?: RuntimeMemory }
  | ({ type: 'step' } & StepInputs)
  /** 1..K steps in one run of the train loop. */
  | { type: 'steps'; steps: StepInputs[] }
  | { type: 'eval'; batch: BatchArrays }
  | { type: 'getState' }
  | { type: 'setState'; state: FlatState };

export type Reply =
  /** `warmed`: the sessions a warm-up opened were adopted. */
  | { type: 'init'; warmed: boolean }
  | { type: 'open' }
  | { type: 'step'; loss: number; gradNorm: number }
  | { type: 'steps'; loss: number[]; gradNorm: number[] }
  | { type: 'eval'; prob: Float32Array; loss: number }
  | { type: 'getState'; state: FlatState }
  | { type: 'setState' };

export type Envelope<T> = { id: number } & ({ ok: true; value: T } | { ok: false; error: string });
