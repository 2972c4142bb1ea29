/**
 * Static-shape ONNX graph builder. Tensors are handles (name, dtype, shape) owned by one Graph;
 * every node gets a readable, unique name from the current scope stack (e.g. `enc2/attn/q_proj/MatMul`)
 * so ORT profiles can be read. The differentiable op table (engine/autodiff) records a tape on the graph.
 */
import { type DType, toRawBytes } from './dtype.js';
import { type Shape, numel } from './shape.js';

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    /** True when a gradient flows back to this tensor (params and anything computed from them). */
    readonly requiresGrad = false,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return numel(this.shape);
  }
}

/** Marks a float attribute whose value happens to be integral (plain integral numbers become INT attributes). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export const float = (v: number): FloatAttr => new FloatAttr(v);
/**
 * A graph-valued attribute (a Loop's or If's body). The body's nodes may read values of the enclosing
 * graph by name (outer-scope references): any name the body reads but neither declares nor produces.
 */
export class GraphAttr {
  constructor(readonly graph: Graph) {}
}
export type AttrValue = number | FloatAttr | number[] | string | GraphAttr;
export type Attrs = Record<string, AttrValue>;

export interface NodeDef {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
}

export interface Initializer {
  name: string;
  dtype: DType;
  dims: number[];
  data: Uint8Array;
}

export interface TapeEntry {
  op: string;
  inputs: Tensor[];
  output: Tensor;
  attrs: unknown;
  saved: Tensor[];
  scope: string;
}

/**
 * A span of the forward pass (nodes [nodeStart, nodeEnd), tape entries [tapeStart, tapeEnd)) whose
 * activations the backward pass recomputes instead of keeping (engine/autodiff/recompute.ts).
 */
export interface Segment {
  nodeStart: number;
  nodeEnd: number;
  tapeStart: number;
  tapeEnd: number;
}

export class Graph {
  readonly nodes: NodeDef[] = [];
  readonly inputs: Tensor[] = [];
  readonly outputs: { name: string; tensor: Tensor }[] = [];
  readonly initializers: Initializer[] = [];
  readonly tape: TapeEntry[] = [];
  /** Recomputed spans of the forward pass, in order (see segment()). */
  readonly segments: Segment[] = [];
  /** Off while emitting gradients, so backward ops are not themselves recorded. */
  recording = true;
  /**
   * Whether ops may use onnxruntime's com.microsoft contrib ops (FusedMatMul, Gelu) where they save passes. Off for
   * a graph any ONNX runtime must load (the exported model).
   */
  contribOps = true;
  private readonly scopes: string[] = [];
  private readonly used = new Map<string, number>();
  /** Node outputs by name (dtype and shape for the recomputation's copies). */
  private readonly produced = new Map<string, Tensor>();

  constructor(readonly name = 'ladder') {}

  get scopePath(): string {
    return this.scopes.join('/');
  }

  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** Runs `fn` with the scope stack replaced by `path` (used to name gradient nodes after their forward op). */
  withScopePath<T>(path: string, fn: () => T): T {
    const saved = this.scopes.splice(0, this.scopes.length, ...(path ? path.split('/') : []));
    try {
      return fn();
    } finally {
      this.scopes.splice(0, this.scopes.length, ...saved);
    }
  }

  /**
   * Runs `fn` (a piece of the forward pass) as a recomputed segment: the backward pass re-emits its nodes
   * instead of keeping their outputs. With `join`, a segment that directly follows the previous one extends
   * it (one segment of several layers keeps only its first layer's input).
   */
  segment<T>(fn: () => T, join = false): T {
    const [nodeStart, tapeStart] = [this.nodes.length, this.tape.length];
    const out = fn();
    const last = this.segments.at(-1);
    if (join && last && last.nodeEnd === nodeStart && last.tapeEnd === tapeStart) [last.nodeEnd, last.tapeEnd] = [this.nodes.length, this.tape.length];
    else this.segments.push({ nodeStart, nodeEnd: this.nodes.length, tapeStart, tapeEnd: this.tape.length });
    return out;
  }

  /** The graph input or node output called `name` (undefined for initializers and unknown names). */
  tensor(name: string): Tensor | undefined {
    return this.produced.get(name) ?? this.inputs.find((t) => t.name === name);
  }

  uniqueName(base: string): string {
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  input(name: string, dtype: DType, shape: Shape, requiresGrad = false): Tensor {
    const t = new Tensor(this, this.uniqueName(name), dtype, [...shape], requiresGrad);
    this.inputs.push(t);
    return t;
  }

  /** Re-declares an input's static shape (flat parameter vectors are sized once the model is built). */
  resizeInput(t: Tensor, shape: Shape): Tensor {
    const i = this.inputs.indexOf(t);
    if (i < 0) throw new Error(`${t.name} is not an input of ${this.name}`);
    return (this.inputs[i] = new Tensor(this, t.name, t.dtype, [...shape], t.requiresGrad));
  }

  removeInput(t: Tensor): void {
    if (this.nodes.some((n) => n.inputs.includes(t.name))) throw new Error(`input ${t.name} is still used`);
    this.inputs.splice(this.inputs.indexOf(t), 1);
  }

  output(t: Tensor, name?: string): Tensor {
    let out = t;
    // Graph outputs must not alias inputs or one another, and may be renamed: add an Identity when needed.
    if (name && name !== t.name) [out] = this.emit('Identity', [t], {}, [{ dtype: t.dtype, shape: t.shape }], name);
    this.outputs.push({ name: out.name, tensor: out });
    return out;
  }

  /** Adds a constant initializer. `values` may be numbers or (for int64) a BigInt64Array. */
  constant(values: ArrayLike<number> | BigInt64Array, dtype: DType, shape: Shape, name = 'const'): Tensor {
    if (values.length !== numel(shape)) throw new Error(`constant ${name}: ${values.length} values for shape [${shape}]`);
    const full = this.uniqueName(this.scopePath ? `${this.scopePath}/${name}` : name);
    this.initializers.push({ name: full, dtype, dims: [...shape], data: toRawBytes(values, dtype) });
    return new Tensor(this, full, dtype, [...shape]);
  }

  scalar(v: number, dtype: DType, name = 'scalar'): Tensor {
    return this.constant([v], dtype, [], name);
  }

  ints(values: number[], name = 'shape'): Tensor {
    return this.constant(values, 'int64', [values.length], name);
  }

  /**
   * Emits one raw ONNX node. `outs` gives each output's dtype and static shape; the caller is the op's
   * shape rule. Outputs inherit requiresGrad only through the autodiff table, never here.
   */
  emit(
    opType: string,
    inputs: (Tensor | null)[],
    attrs: Attrs,
    outs: { dtype: DType; shape: Shape }[],
    nodeName?: string,
    requiresGrad = false,
  ): Tensor[] {
    const base = nodeName ?? (this.scopePath ? `${this.scopePath}/${opType}` : opType);
    const name = this.uniqueName(base);
    const outputs = outs.map((o, i) => new Tensor(this, outs.length === 1 ? name : `${name}:${i}`, o.dtype, [...o.shape], requiresGrad));
    for (const t of inputs) if (t && t.graph !== this) throw new Error(`${name}: input ${t.name} belongs to another graph`);
    this.nodes.push({ opType, name, inputs: inputs.map((t) => t?.name ?? ''), outputs: outputs.map((t) => t.name), attrs });
    for (const t of outputs) this.produced.set(t.name, t);
    return outputs;
  }

  /** Same as emit() for single-output nodes. */
  op(opType: string, inputs: (Tensor | null)[], attrs: Attrs, dtype: DType, shape: Shape, requiresGrad = false): Tensor {
    return this.emit(opType, inputs, attrs, [{ dtype, shape }], undefined, requiresGrad)[0];
  }
}
