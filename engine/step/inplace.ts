/**
 * Which step outputs may be written straight into the buffer of the input they replace (params_out into
 * params, <slot>_out into <slot>, buffers_out into buffers), so a step allocates no second copy of the
 * parameter-sized state. onnxruntime-node writes a pre-allocated output (a `session.run` fetch) in place,
 * and nothing stops that buffer from also being fed as an input; it is safe exactly when every node that
 * reads the input has run before the output's producer writes. With one executor running nodes in a
 * topological order, that holds when each reader is an ancestor of the producer. Readers through
 * aliasing ops (Reshape, Identity, ...), which onnxruntime may run without a copy, count as readers.
 */
import type { Graph, NodeDef } from '../graph/builder.js';

/** Ops whose output may share its input's memory in onnxruntime (a reader of the output reads the input). */
const ALIASING = new Set(['Reshape', 'Identity', 'Squeeze', 'Unsqueeze', 'Flatten']);

/** Output name → input name for each `pairs` entry whose output may be written into its input's buffer. */
export function inPlacePairs(g: Graph, pairs: Record<string, string>): Record<string, string> {
  const producer = new Map<string, number>();
  g.nodes.forEach((n, i) => n.outputs.forEach((t) => producer.set(t, i)));
  const readers = new Map<string, number[]>();
  g.nodes.forEach((n, i) => n.inputs.forEach((t) => t && readers.set(t, [...(readers.get(t) ?? []), i])));
  const outputs = new Map(g.outputs.map((o) => [o.name, o.tensor.name]));
  const safe: Record<string, string> = {};
  for (const [out, input] of Object.entries(pairs)) {
    const tensor = outputs.get(out);
    let writer = tensor === undefined ? undefined : producer.get(tensor);
    // the node that computes the value: ORT may drop the Identity that names an output, or alias a Reshape
    while (writer !== undefined && ALIASING.has(g.nodes[writer].opType)) writer = producer.get(g.nodes[writer].inputs[0]);
    if (writer === undefined || !g.inputs.some((t) => t.name === input)) continue;
    if (everyReaderBefore(g.nodes, writer, aliasReaders(g.nodes, readers, input))) safe[out] = input;
  }
  return safe;
}

/** Nodes that read `name` directly or through a chain of aliasing ops. */
function aliasReaders(nodes: NodeDef[], readers: Map<string, number[]>, name: string): number[] {
  const found: number[] = [];
  const todo = [name];
  while (todo.length) {
    for (const i of readers.get(todo.pop()!) ?? []) {
      found.push(i);
      if (ALIASING.has(nodes[i].opType)) todo.push(...nodes[i].outputs);
    }
  }
  return found;
}

/** Whether each reader is a strict ancestor of `writer` (the writer itself may not read the buffer). */
function everyReaderBefore(nodes: NodeDef[], writer: number, reads: number[]): boolean {
  if (reads.includes(writer)) return false;
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((t) => producer.set(t, i)));
  const ancestors = new Set<number>();
  const todo = [writer];
  while (todo.length) {
    for (const t of nodes[todo.pop()!].inputs) {
      const p = t ? producer.get(t) : undefined;
      if (p !== undefined && !ancestors.has(p)) {
        ancestors.add(p);
        todo.push(p);
      }
    }
  }
  return reads.every((i) => ancestors.has(i));
}
