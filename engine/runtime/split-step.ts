/**
 * Runs the split train step (engine/step/split.ts) in the session worker over the flat training state:
 * the gradient graph reads each parameter as a view of the flat params and writes each gradient into a view
 * of one flat gradient vector, then the update graph runs chunk by chunk over views of params, gradient and
 * optimizer slots, writing the new values into the same memory. Parameter-sized memory is the state itself
 * and the gradient; onnxruntime-node's copy of every returned output (it copies even a pre-allocated one)
 * is the gradient's size once, and chunk-sized in the update. The eval graph reads the same views.
 */
import type { ParamSpec } from '../step/net.js';
import { paramInputName } from '../step/net.js';
import { gradOutputName } from '../step/split.js';
import type { FeedValue, Session } from './backends.js';
import type { FlatState } from './protocol.js';

/** Default elements per update run: 4 MiB per vector, so its returned copies and temporaries stay small. */
export const UPDATE_CHUNK = 2 ** 20;

export interface SplitOptions {
  /** The parameters' layout entries (name, offset, size, shape), in layout order. */
  params: Pick<ParamSpec, 'name' | 'offset' | 'size' | 'shape'>[];
  /** Gradient-graph outputs written into an input's buffer (buffers_out → buffers when safe). */
  gradInPlace: Record<string, string>;
  /** Update-graph outputs written into their input's buffer (params_out → params, <slot>_out → <slot>). */
  updateInPlace: Record<string, string>;
  /** Per-element weight-decay mask (kept as ranges of decayed elements). */
  decayMask: Float32Array;
  chunk?: number;
}

const view = (a: Float32Array, at: number, size: number, dims: readonly number[] = [size]): FeedValue => ({ data: a.subarray(at, at + size), dims });

/** [start, end) runs of decayed elements. */
function decayRanges(mask: Float32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < mask.length; ) {
    if (mask[i] === 0) { i++; continue; }
    let j = i;
    while (j < mask.length && mask[j] !== 0) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

export class SplitStep {
  private readonly grads: Float32Array;
  private readonly ranges: [number, number][];
  private readonly mask: Float32Array;
  private readonly chunk: number;

  private readonly opts: Omit<SplitOptions, 'decayMask'>;

  constructor(private readonly gradSession: Session, private readonly updateSession: Session, { decayMask, ...opts }: SplitOptions) {
    this.opts = opts;
    const n = decayMask.length;
    this.grads = new Float32Array(n);
    this.ranges = decayRanges(decayMask);
    this.chunk = Math.max(1, Math.min(opts.chunk ?? UPDATE_CHUNK, n));
    this.mask = new Float32Array(this.chunk);
  }

  /**
   * One optimizer step on `state` in place. `feeds`: the batch, buffers and dropout inputs; `scalars`: the
   * optimizer's scalars. Returns the loss, the gradient's global norm and the new buffers.
   */
  /** Each parameter of `params` as a view of it, by the graphs' input name. */
  paramFeeds(params: Float32Array): Record<string, FeedValue> {
    return Object.fromEntries(this.opts.params.map((p) => [paramInputName(p.name), view(params, p.offset, p.size, p.shape)]));
  }

  async step(state: FlatState, feeds: Record<string, FeedValue>, scalars: Record<string, number>): Promise<{ loss: number; gradNorm: number; buffers: Float32Array }> {
    const { params, gradInPlace } = this.opts;
    const gradFeeds: Record<string, FeedValue> = { ...feeds, ...this.paramFeeds(state.params) };
    const into: Record<string, FeedValue> = {};
    for (const p of params) into[gradOutputName(p.name)] = view(this.grads, p.offset, p.size, p.shape);
    for (const [output, input] of Object.entries(gradInPlace)) if (gradFeeds[input]) into[output] = gradFeeds[input];
    const out = await this.gradSession.run(gradFeeds, into);
    const norm = out.grad_norm as Float32Array;
    await this.update(state, scalars, norm);
    return { loss: (out.loss as Float32Array)[0], gradNorm: norm[0], buffers: state.buffers.length ? (out.buffers_out as Float32Array) : state.buffers };
  }

  private async update(state: FlatState, scalars: Record<string, number>, norm: Float32Array): Promise<void> {
    const s = this.updateSession;
    const fixed: Record<string, FeedValue> = {};
    for (const [name, v] of Object.entries(scalars)) fixed[name] = { data: Float32Array.of(v), dims: [] };
    if (s.inputNames.includes('grad_norm')) fixed.grad_norm = { data: norm, dims: [1] };
    const n = state.params.length;
    for (let at = 0; at < n; at += this.chunk) {
      const size = Math.min(this.chunk, n - at);
      const feeds: Record<string, FeedValue> = { ...fixed, params: view(state.params, at, size), grad: view(this.grads, at, size), decay_mask: { data: this.maskFor(at, size), dims: [size] } };
      for (const [name, data] of Object.entries(state.slots)) feeds[name] = view(data, at, size);
      const into = Object.fromEntries(Object.entries(this.opts.updateInPlace).map(([output, input]) => [output, feeds[input]]));
      const out = await s.run(feeds, into);
      // an output that could not be written in place is copied back into the state
      if (!into.params_out) state.params.set(out.params_out as Float32Array, at);
      for (const [name, data] of Object.entries(state.slots)) if (!into[`${name}_out`]) data.set(out[`${name}_out`] as Float32Array, at);
    }
  }

  /** The decay mask of elements [at, at + size), in a reused buffer. */
  private maskFor(at: number, size: number): Float32Array {
    const m = this.mask.subarray(0, size);
    m.fill(0);
    for (const [a, b] of this.ranges) if (a < at + size && b > at) m.fill(1, Math.max(a, at) - at, Math.min(b, at + size) - at);
    return m;
  }
}
