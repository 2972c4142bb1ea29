/**
 * Activation recomputation (trainer.recompute): the same loss, gradients and training as keeping every
 * activation — bitwise, because each recomputed node is the same op on the same bits (the gate is Where(c, t, t))
 * and the dropout masks are re-sliced from the same table at the same offsets — while the backward pass reads
 * only segment inputs from the forward pass, and onnxruntime's optimizer keeps the copies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../engine/graph/builder.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import { buildModel } from '../../../engine/models/index.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { createTrainer } from '../../../engine/runtime/trainer.js';
import { dropoutFeeds, dropoutTable } from '../../../engine/step/dropout.js';
import { buildGradGraph } from '../../../engine/step/graphs.js';
import { OPTIM } from '../fixtures.js';
import { TINY, randomInputs } from '../models/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ladder-recompute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const C = 3;
const BATCH = 4;
/** The tiny test models with three layers, so that recompute=2 leaves a partial last segment. */
const cfgOf = (name: ModelConfig['name']): ModelConfig => ({ ...TINY[name], n_layers: 3 });

function gradGraph(cfg: ModelConfig, dtype: 'float32' | 'float64', recompute: number) {
  return buildGradGraph(buildModel(cfg, C), { batchSize: BATCH, inputShape: [cfg.context_length, C], dtype, recompute });
}

/** Loss and flat gradient of one training-mode step (dropout on, BatchNorm on batch statistics). */
async function lossAndGrad(cfg: ModelConfig, dtype: 'float32' | 'float64', recompute: number) {
  const { graph, layout } = gradGraph(cfg, dtype, recompute);
  const session = await createSession(toModelBytes(graph), { threads: 2 });
  const A = dtype === 'float32' ? Float32Array : Float64Array;
  const { x, y } = randomInputs(BATCH, cfg.context_length, C, 3);
  const params = A.from(layout.initParams(7));
  const buffers = A.from(layout.initBuffers());
  const out = await session.run({
    params: { data: params, dims: [params.length] },
    ...(buffers.length ? { buffers: { data: buffers, dims: [buffers.length] } } : {}),
    x: { data: A.from(x), dims: [BATCH, cfg.context_length, C] },
    y: { data: A.from(y), dims: [BATCH] },
    w: { data: A.from([1, 1, 1, 0]), dims: [BATCH] }, // a padded last row: BatchNorm weights rows
    ...dropoutFeeds(layout.dropout, A.from(dropoutTable(layout.dropout, 5)), 5, 3),
  });
  await session.release();
  return { loss: out.loss as Float32Array | Float64Array, grad: out.grad as Float32Array | Float64Array };
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('activation recomputation', () => {
  for (const name of ['patchtst', 'patchtst_mix'] as const) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} ${dtype}: loss and gradients are bitwise those without recomputation (every layer, and every 2nd)`, async () => {
        const cfg = cfgOf(name);
        const kept = await lossAndGrad(cfg, dtype, 0);
        expect(kept.grad.some((v) => v !== 0)).toBe(true);
        for (const recompute of [1, 2]) {
          const r = await lossAndGrad(cfg, dtype, recompute);
          expect(bytes(r.loss)).toEqual(bytes(kept.loss));
          expect(bytes(r.grad)).toEqual(bytes(kept.grad));
        }
      });
    }
  }

  it('keeps only segment inputs for the backward pass: the gradient reads no other forward activation', () => {
    const cfg = { ...cfgOf('patchtst'), n_layers: 4 };
    const read = (recompute: number) => forwardElementsReadBackward(gradGraph(cfg, 'float32', recompute).graph);
    const P = 5; // patches of a 12-step series with patch 4, stride 3 and end padding 3
    const tokens = BATCH * C * P;
    const layerInput = tokens * cfg.d_model;
    const scores = BATCH * C * cfg.n_heads * P * P; // carried to the next layer (residual attention)
    const [all, everyLayer, everySecond] = [read(0), read(1), read(2)];
    // the layers' inputs (and carried scores) the copies start from, nothing from inside a layer
    expect(everyLayer.inside).toBe(0);
    expect(everySecond.inside).toBe(0);
    expect(everyLayer.boundaries).toBeLessThanOrEqual(4 * (layerInput + scores));
    expect(everySecond.boundaries).toBeLessThanOrEqual(2 * (layerInput + scores));
    expect(all.inside).toBeGreaterThan(4 * 5 * layerInput);
  });

  it("finishes each layer's gradients before the layer below is recomputed, so onnxruntime cannot defer them", () => {
    const g = gradGraph({ ...cfgOf('patchtst'), n_layers: 4 }, 'float32', 1).graph;
    const producer = new Map(g.nodes.flatMap((n, i) => n.outputs.map((t) => [t, i] as const)));
    const ancestors = (from: number[]): Set<number> => {
      const seen = new Set<number>();
      const stack = [...from];
      while (stack.length) {
        const i = stack.pop()!;
        if (seen.has(i)) continue;
        seen.add(i);
        for (const t of g.nodes[i].inputs) if (producer.has(t)) stack.push(producer.get(t)!);
      }
      return seen;
    };
    const live = ancestors(g.outputs.map((o) => producer.get(o.name)!));
    for (let layer = 1; layer < 4; layer++) {
      const gates = g.nodes.flatMap((n, i) => (n.name.startsWith(`recompute/gate/enc${layer - 1}/`) && n.opType === 'Where' ? [i] : []));
      expect(gates.length).toBeGreaterThan(0);
      const before = ancestors(gates);
      const grads = [...live].filter((i) => g.nodes[i].name.startsWith(`grad/enc${layer}/`));
      expect(grads.length).toBeGreaterThan(20);
      expect(grads.filter((i) => !before.has(i)).map((i) => g.nodes[i].name)).toEqual([]);
    }
  });

  it("survives onnxruntime's optimizer: every layer's recomputed matmuls are still in the optimized model", async () => {
    const cfg = { ...cfgOf('patchtst'), n_layers: 4 };
    const path = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(toModelBytes(gradGraph(cfg, 'float32', 1).graph), {
      graphOptimizationLevel: 'all', intraOpNumThreads: 1, optimizedModelFilePath: path,
    });
    await session.release();
    const nodes = onnxProto.onnx.ModelProto.decode(readFileSync(path)).graph!.node!;
    for (let layer = 0; layer < 4; layer++) {
      const copies = nodes.filter((n) => n.name!.startsWith(`recompute/enc${layer}/`));
      // q, k, v, o, fc1, fc2 (Gemm or a fused form) and the two attention matmuls
      expect(copies.filter((n) => /Gemm|MatMul/.test(n.opType!)).length, `enc${layer}`).toBeGreaterThanOrEqual(8);
      expect(copies.some((n) => n.opType === 'Softmax')).toBe(true);
    }
  });

  it('trains to bitwise the same weights, losses and grad norms with recompute on and off', async () => {
    const cfg = cfgOf('patchtst');
    const batches = Array.from({ length: 4 }, (_, s) => {
      const { x, y } = randomInputs(BATCH, cfg.context_length, C, 20 + s);
      return { x: Float32Array.from(x), y: Float32Array.from(y) };
    });
    const run = async (recompute: number) => {
      const t = await createTrainer({ model: buildModel(cfg, C), batchSize: BATCH, inputShape: [cfg.context_length, C], optim: OPTIM, seed: 3, threads: 2, recompute });
      const steps = [];
      for (const b of batches) steps.push(await t.step(b));
      const s = await t.state();
      await t.close();
      return { steps, s };
    };
    const [off, on, every2] = [await run(0), await run(1), await run(2)];
    for (const r of [on, every2]) {
      expect(r.steps).toEqual(off.steps);
      for (const k of ['params', 'buffers'] as const) expect(bytes(r.s[k])).toEqual(bytes(off.s[k]));
      for (const k of ['m', 'v']) expect(bytes(r.s.slots[k])).toEqual(bytes(off.s.slots[k]));
    }
  });
});

/**
 * Elements of forward tensors (produced inside encoder layers, parameters aside) that gradient and
 * recomputation nodes read: `inside` those a layer makes and uses itself, `boundaries` a layer's outputs
 * that a later forward node reads too (the next layer's input and carried scores).
 */
function forwardElementsReadBackward(g: Graph): { inside: number; boundaries: number } {
  const backward = (name: string) => name.startsWith('grad/') || name.startsWith('recompute/') || name.startsWith('optim/');
  const layerOf = new Map<string, string>();
  for (const n of g.nodes) {
    const layer = /^enc\d+\//.exec(n.name)?.[0];
    if (layer && !backward(n.name)) for (const t of n.outputs) layerOf.set(t, layer);
  }
  const usedLater = new Set<string>();
  for (const n of g.nodes) {
    if (backward(n.name)) continue;
    for (const t of n.inputs) if (layerOf.has(t) && !n.name.startsWith(layerOf.get(t)!)) usedLater.add(t);
  }
  const read = new Set<string>();
  for (const n of g.nodes) if (backward(n.name)) for (const t of n.inputs) if (layerOf.has(t) && !t.startsWith('params/')) read.add(t);
  let [inside, boundaries] = [0, 0];
  for (const t of read) {
    const size = g.tensor(t)!.size;
    if (usedLater.has(t)) boundaries += size;
    else inside += size;
  }
  return { inside, boundaries };
}
