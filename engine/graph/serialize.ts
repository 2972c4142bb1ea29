/**
 * Serialises a Graph to ONNX (opset 18, IR 8) with onnx-proto. Large initializers can go to an
 * external-data file, which keeps the protobuf itself under its 2 GB limit.
 */
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import onnxProto from 'onnx-proto';
import { ONNX_DTYPE } from './dtype.js';
import { type Attrs, FloatAttr, type Graph, GraphAttr, type Initializer, type NodeDef, type Tensor } from './builder.js';

const { onnx } = onnxProto;
export const OPSET = 18;
/** onnxruntime's contrib ops the engine emits (only where Graph.contribOps allows), and their domain. */
const CONTRIB_OPS = new Set(['FusedMatMul', 'Gelu']);
const CONTRIB_DOMAIN = 'com.microsoft';
const usesContrib = (g: Graph): boolean =>
  g.nodes.some((n) => CONTRIB_OPS.has(n.opType) || Object.values(n.attrs).some((v) => v instanceof GraphAttr && usesContrib(v.graph)));
const IR_VERSION = 8;
const AT = onnx.AttributeProto.AttributeType;

function attribute(name: string, v: Attrs[string]): onnxProto.onnx.IAttributeProto {
  if (v instanceof GraphAttr) {
    const { nodes, initializers } = live(v.graph);
    return { name, type: AT.GRAPH, g: graphProto(v.graph, nodes, v.graph.initializers.filter((i) => initializers.has(i.name)).map((i) => tensorProto(i))) };
  }
  if (v instanceof FloatAttr) return { name, type: AT.FLOAT, f: v.value };
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) {
    return v.every(Number.isInteger) ? { name, type: AT.INTS, ints: v } : { name, type: AT.FLOATS, floats: v };
  }
  return Number.isInteger(v) ? { name, type: AT.INT, i: v } : { name, type: AT.FLOAT, f: v };
}

function valueInfo(t: Tensor, name = t.name): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    // a negative dimension is symbolic: the split update's chunk length, a Loop's scan output over a fed trip count
    type: { tensorType: { elemType: ONNX_DTYPE[t.dtype], shape: { dim: t.shape.map((d, i) => (d < 0 ? { dimParam: `${name}_${i}` } : { dimValue: d })) } } },
  };
}

type ExternalRef = { location: string; offset: number; length: number };

function tensorProto(init: Initializer, ext?: ExternalRef): onnxProto.onnx.ITensorProto {
  const base = { name: init.name, dataType: ONNX_DTYPE[init.dtype], dims: init.dims };
  if (!ext) return { ...base, rawData: init.data };
  return {
    ...base,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: ext.location },
      { key: 'offset', value: String(ext.offset) },
      { key: 'length', value: String(ext.length) },
    ],
  };
}

/**
 * Nodes and initializers that some graph output depends on (dead gradient branches are dropped). A node
 * with a body (Loop) also needs the outer-scope values its body reads.
 */
function live(g: Graph): { nodes: NodeDef[]; initializers: Set<string> } {
  const needed = new Set(g.outputs.map((o) => o.name));
  const kept: NodeDef[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    if (!n.outputs.some((t) => needed.has(t))) continue;
    kept.push(n);
    for (const t of n.inputs) if (t) needed.add(t);
    for (const v of Object.values(n.attrs)) if (v instanceof GraphAttr) for (const t of outerReads(v.graph)) needed.add(t);
  }
  return { nodes: kept.reverse(), initializers: needed };
}

/** Names a body reads that it neither declares (input, initializer) nor produces: the outer scope's. */
export function outerReads(body: Graph): Set<string> {
  const own = new Set([...body.inputs.map((t) => t.name), ...body.initializers.map((i) => i.name), ...body.nodes.flatMap((n) => n.outputs)]);
  const reads = new Set<string>();
  for (const n of live(body).nodes) {
    for (const t of n.inputs) if (t && !own.has(t)) reads.add(t);
    for (const v of Object.values(n.attrs)) if (v instanceof GraphAttr) for (const t of outerReads(v.graph)) if (!own.has(t)) reads.add(t);
  }
  return reads;
}

function graphProto(g: Graph, nodes: NodeDef[], initializers: onnxProto.onnx.ITensorProto[]): onnxProto.onnx.IGraphProto {
  return {
    name: g.name,
    node: nodes.map((n) => ({
      opType: n.opType,
      ...(CONTRIB_OPS.has(n.opType) ? { domain: CONTRIB_DOMAIN } : {}),
      name: n.name,
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
    })),
    input: g.inputs.map((t) => valueInfo(t)),
    output: g.outputs.map((o) => valueInfo(o.tensor, o.name)),
    initializer: initializers,
  };
}

function modelProto(g: Graph, nodes: NodeDef[], initializers: onnxProto.onnx.ITensorProto[]): Uint8Array {
  const graph = graphProto(g, nodes, initializers);
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'ladder',
    opsetImport: [{ domain: '', version: OPSET }, ...(usesContrib(g) ? [{ domain: CONTRIB_DOMAIN, version: 1 }] : [])],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** In-memory model bytes (all initializers inline). */
export function toModelBytes(g: Graph): Uint8Array {
  const total = g.initializers.reduce((a, i) => a + i.data.byteLength, 0);
  if (total > 1.9e9) throw new Error(`graph ${g.name} holds ${(total / 1e9).toFixed(2)} GB of initializers: use saveModel() with external data`);
  const { nodes, initializers } = live(g);
  return modelProto(g, nodes, g.initializers.filter((i) => initializers.has(i.name)).map((i) => tensorProto(i)));
}

/**
 * Writes `path` (the .onnx) and, when any initializer is at least `externalThreshold` bytes, `path.data`
 * holding those initializers (64-byte aligned, as ONNX's own tools do). Returns the files written.
 */
export function saveModel(g: Graph, path: string, opts: { externalThreshold?: number } = {}): string[] {
  try {
    return writeModel(g, path, opts.externalThreshold ?? 1024 * 1024);
  } catch (e) {
    // a full disk: no half-written model is left to be mistaken for the export
    rmSync(path, { force: true });
    rmSync(`${path}.data`, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code && !err.message.includes(path)) err.message += ` '${path}'`; // write(2)'s error names no file
    throw e;
  }
}

function writeModel(g: Graph, path: string, threshold: number): string[] {
  const dataPath = `${path}.data`;
  const protos: onnxProto.onnx.ITensorProto[] = [];
  const { nodes, initializers } = live(g);
  let fd: number | undefined;
  let offset = 0;
  try {
    for (const init of g.initializers) {
      if (!initializers.has(init.name)) continue;
      if (init.data.byteLength < threshold) {
        protos.push(tensorProto(init));
        continue;
      }
      fd ??= openSync(dataPath, 'w');
      const pad = (64 - (offset % 64)) % 64;
      if (pad) writeFileSync(fd, new Uint8Array(pad)); // writeFileSync on an fd writes all, where one write(2) may write part
      offset += pad;
      writeFileSync(fd, init.data);
      protos.push(tensorProto(init, { location: basename(dataPath), offset, length: init.data.byteLength }));
      offset += init.data.byteLength;
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const bytes = modelProto(g, nodes, protos);
  const out = openSync(path, 'w');
  try {
    writeFileSync(out, bytes);
  } finally {
    closeSync(out);
  }
  return fd !== undefined ? [path, dataPath] : [path];
}
