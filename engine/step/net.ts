/**
 * Parameter layout and the `Net` context a model's forward function builds with. Parameters live in one
 * flat fp32 vector: the graph Slices + Reshapes each one out, so parameters and optimizer state stay flat.
 */
import { type Graph, Tensor } from '../graph/builder.js';
import type { DType } from '../graph/dtype.js';
import { numel } from '../graph/shape.js';
import * as o from '../autodiff/ops.js';
import { batchNormTrain, tableDropout } from '../nn/layers.js';
import { type DropoutPlan, emptyPlan } from './dropout.js';
import { Rng } from './rng.js';

export type Init = { kind: 'uniform'; bound: number } | { kind: 'normal'; std: number } | { kind: 'const'; value: number };
/** PyTorch nn.Linear: weight kaiming_uniform(a=√5) and bias both reduce to U(−1/√fan_in, 1/√fan_in). */
export const linearInit = (fanIn: number): Init => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) });

export interface ParamSpec { name: string; shape: number[]; offset: number; size: number; decay: boolean; init: Init }
export interface BufferSpec { name: string; shape: number[]; offset: number; size: number; init: number }

export class Layout {
  readonly params: ParamSpec[] = [];
  readonly buffers: BufferSpec[] = [];
  /** Dropout sites of the training graph (set when one is built). */
  dropout: DropoutPlan = emptyPlan();
  get paramCount(): number {
    return this.params.reduce((a, p) => a + p.size, 0);
  }
  get bufferCount(): number {
    return this.buffers.reduce((a, b) => a + b.size, 0);
  }
  /** Per-element weight-decay mask (1 = decayed). */
  decayMask(): Float32Array {
    const m = new Float32Array(this.paramCount);
    for (const p of this.params) if (p.decay) m.fill(1, p.offset, p.offset + p.size);
    return m;
  }
  /** Deterministic init in layout order from `seed`: same seed → same weights. */
  initParams(seed: number): Float32Array {
    const rng = new Rng(seed);
    const out = new Float32Array(this.paramCount);
    for (const p of this.params) {
      const { init } = p;
      for (let i = p.offset; i < p.offset + p.size; i++) {
        out[i] = init.kind === 'const' ? init.value : init.kind === 'uniform' ? rng.uniform(-init.bound, init.bound) : rng.normal() * init.std;
      }
    }
    return out;
  }
  initBuffers(): Float32Array {
    const out = new Float32Array(this.bufferCount);
    for (const b of this.buffers) out.fill(b.init, b.offset, b.offset + b.size);
    return out;
  }
}

/**
 * Where parameter values come from: flat graph inputs (train/eval), one graph input per parameter named
 * `params/<name>` with the parameter's shape and buffers flat (the split step, engine/step/split.ts), or
 * initializers (exported model).
 */
export type ParamSource =
  | { kind: 'flat'; params: Tensor; buffers: Tensor | null }
  | { kind: 'inputs'; buffers: Tensor | null }
  | { kind: 'values'; params: Float32Array; buffers: Float32Array };

/** The graph input that carries parameter `name` when parameters are per-tensor inputs. */
export const paramInputName = (name: string): string => `params/${name}`;

export interface NetOptions {
  training: boolean;
  dtype: DType;
  source: ParamSource;
  /** Dropout table and per-site offsets inputs (engine/step/dropout.ts); required when training with dropout. */
  dropout?: { table: Tensor; offsets: Tensor };
  /**
   * Per-sample weights [B] (0 on padding rows) of a training graph; BatchNorm keeps padded rows out of its
   * batch statistics with them.
   */
  sampleWeight?: Tensor;
  /** When given, parameters must match it (eval/export graphs reuse the train layout). */
  layout?: Layout;
  /**
   * Activation recomputation in a training graph: 0 or absent keeps every activation; N groups every N
   * consecutive recomputed() blocks into one segment, whose input alone is kept and whose forward pass the
   * backward pass re-emits (engine/autodiff/recompute.ts).
   */
  recompute?: number;
}

export class Net {
  readonly layout: Layout;
  private readonly fixed: boolean;
  private paramAt = 0;
  private bufferAt = 0;
  /** Dropout sites met so far and the largest one's size. */
  readonly dropoutPlan: DropoutPlan = emptyPlan();
  /** New values for buffers updated in this (training) graph, by buffer name. */
  readonly bufferUpdates = new Map<string, Tensor>();
  /** The differentiable parameter tensors, in layout order. */
  readonly paramTensors: Tensor[] = [];
  private blocks = 0;
  private inBlock = false;

  constructor(readonly graph: Graph, readonly opts: NetOptions) {
    this.layout = opts.layout ?? new Layout();
    this.fixed = !!opts.layout;
  }
  get training(): boolean {
    return this.opts.training;
  }
  get dtype(): DType {
    return this.opts.dtype;
  }

  private fullName(name: string): string {
    return this.graph.scopePath ? `${this.graph.scopePath}/${name}` : name;
  }

  /** Declares a parameter and returns it as a differentiable tensor of `shape`. */
  param(name: string, shape: number[], init: Init, opts: { decay?: boolean } = {}): Tensor {
    const full = this.fullName(name);
    const size = numel(shape);
    let spec: ParamSpec;
    if (this.fixed) {
      spec = this.layout.params[this.paramAt++];
      if (!spec || spec.name !== full || spec.size !== size) throw new Error(`parameter ${full} does not match the layout (${spec?.name ?? 'none'})`);
    } else {
      if (this.layout.params.some((p) => p.name === full)) throw new Error(`parameter ${full} is declared twice: give it its own scope or name`);
      spec = { name: full, shape: [...shape], offset: this.layout.paramCount, size, decay: opts.decay ?? true, init };
      this.layout.params.push(spec);
    }
    const src = this.opts.source;
    const t = src.kind === 'inputs' ? this.graph.input(paramInputName(full), this.dtype, spec.shape) : this.read(src.kind === 'flat' ? src.params : null, 'params', spec, full);
    const p = new Tensor(this.graph, t.name, t.dtype, t.shape, this.training);
    this.paramTensors.push(p);
    return p;
  }

  /** Declares a non-trained state tensor (e.g. BatchNorm running stats). */
  buffer(name: string, shape: number[], init: number): Tensor {
    const full = this.fullName(name);
    const size = numel(shape);
    let spec: BufferSpec;
    if (this.fixed) {
      spec = this.layout.buffers[this.bufferAt++];
      if (!spec || spec.name !== full) throw new Error(`buffer ${full} does not match the layout`);
    } else {
      spec = { name: full, shape: [...shape], offset: this.layout.bufferCount, size, init };
      this.layout.buffers.push(spec);
    }
    return this.read(this.opts.source.kind === 'values' ? null : this.opts.source.buffers, 'buffers', spec, full);
  }

  private read(flat: Tensor | null, kind: 'params' | 'buffers', spec: { offset: number; size: number; shape: number[] }, full: string): Tensor {
    const g = this.graph;
    const src = this.opts.source;
    if (src.kind === 'values') {
      const values = (kind === 'params' ? src.params : src.buffers).subarray(spec.offset, spec.offset + spec.size);
      return g.withScopePath('', () => g.constant(this.dtype === 'float64' ? Float64Array.from(values) : values, this.dtype, spec.shape, full));
    }
    if (!flat) throw new Error(`${full}: this graph has no ${kind} input`);
    const sl = g.op('Slice', [flat, g.ints([spec.offset]), g.ints([spec.offset + spec.size])], {}, this.dtype, [spec.size]);
    return g.emit('Reshape', [sl, g.ints(spec.shape)], {}, [{ dtype: this.dtype, shape: spec.shape }], `${kind}/${full}`)[0];
  }

  /**
   * Builds one block of the forward pass (an encoder layer) that the backward pass may recompute instead of
   * keeping its activations: with recompute = N, blocks 0..N−1 form one segment, N..2N−1 the next, and so
   * on. Outside a recomputing training graph it just runs `fn`.
   */
  recomputed<T>(fn: () => T): T {
    const every = this.opts.recompute ?? 0;
    if (!this.training || every <= 0) return fn();
    this.inBlock = true;
    try {
      return this.graph.segment(fn, this.blocks++ % every !== 0);
    } finally {
      this.inBlock = false;
    }
  }

  /** Inverted dropout (random-table mask, see dropout.ts) in training graphs, identity otherwise. */
  dropout(x: Tensor, p: number): Tensor {
    if (!this.training || p <= 0) return x;
    if (!this.opts.dropout) throw new Error('dropout in a training graph needs the dropout table inputs');
    const plan = this.dropoutPlan;
    const site = plan.sites++;
    plan.tableSize = Math.max(plan.tableSize, x.size);
    if (!plan.rates.includes(p)) plan.rates.push(p);
    return tableDropout(x, this.opts.dropout.table, plan.rates.indexOf(p), this.opts.dropout.offsets, site, this.inBlock);
  }

  /**
   * BatchNorm over x [N, C, ...] with scale/bias params and running stats (PyTorch momentum semantics,
   * unbiased running variance). Training uses batch statistics and updates the buffers. The rows of x must
   * be batch-major (row r belongs to sample ⌊r·B/N⌋, as after reshaping [B, C, ...] to [B·C, ...]), so
   * padded samples' rows can be left out of the statistics.
   */
  batchNorm(x: Tensor, name: string, opts: { eps?: number; momentum?: number } = {}): Tensor {
    const eps = opts.eps ?? 1e-5;
    const mom = opts.momentum ?? 0.1;
    return this.graph.scope(name, () => {
      const c = x.shape[1];
      const scale = this.param('weight', [c], { kind: 'const', value: 1 }, { decay: false });
      const bias = this.param('bias', [c], { kind: 'const', value: 0 }, { decay: false });
      const mean = this.buffer('running_mean', [c], 0);
      const variance = this.buffer('running_var', [c], 1);
      if (!this.training) return o.batchNormEval(x, scale, bias, mean, variance, eps);
      const bn = batchNormTrain(x, scale, bias, eps, this.rowWeights(x.shape[0]));
      this.bufferUpdates.set(this.fullName('running_mean'), o.add(o.mul(mean, 1 - mom), o.mul(bn.mean, mom)));
      this.bufferUpdates.set(this.fullName('running_var'), o.add(o.mul(variance, 1 - mom), o.mul(bn.varUnbiased, mom)));
      return bn.y;
    });
  }

  /** Sample weights repeated for N batch-major rows (null when the graph has none). */
  private rowWeights(rows: number): Tensor | null {
    const w = this.opts.sampleWeight;
    if (!w) return null;
    const B = w.shape[0];
    if (rows % B !== 0) throw new Error(`batchNorm: ${rows} rows are not a whole number of rows per sample for batch ${B}`);
    return o.reshape(o.expand(o.reshape(w, [B, 1]), [B, rows / B]), [rows]);
  }

  /** The flat vector of buffers after this step (unchanged ones passed through), in layout order. */
  updatedBuffers(): Tensor | null {
    const src = this.opts.source;
    if (src.kind === 'values' || !src.buffers || this.layout.bufferCount === 0) return null;
    const g = this.graph;
    const parts = this.layout.buffers.map((b) => {
      const next = this.bufferUpdates.get(b.name);
      return next ? o.reshape(o.stopGradient(next), [b.size]) : g.op('Slice', [src.buffers!, g.ints([b.offset]), g.ints([b.offset + b.size])], {}, this.dtype, [b.size]);
    });
    return o.concat(parts, 0);
  }

  /** Checks a fixed-layout build used every parameter and buffer. */
  finish(): void {
    if (this.fixed && (this.paramAt !== this.layout.params.length || this.bufferAt !== this.layout.buffers.length)) {
      throw new Error('model built fewer parameters than its layout declares');
    }
  }
}
