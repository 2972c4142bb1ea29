import { describe, expect, it } from 'vitest';
import { Graph } from '../../../engine/graph/builder.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { tableDropout } from '../../../engine/nn/layers.js';
import { dropoutFeeds, dropoutOffsets, dropoutTable } from '../../../engine/step/dropout.js';
import { type Backend, createSession, cudaMissing, probeBackend } from '../../../engine/runtime/backends.js';
import { createTrainer } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';

const PLAN = { sites: 2, tableSize: 2100, rates: [0.3, 0.1] };

async function dropoutMasks(backend: Backend, step: number): Promise<Float32Array[]> {
  const g = new Graph('mask');
  const x = g.input('x', 'float32', [7, 300]);
  const table = g.input('dropout_table', 'float32', [2, 4200]);
  const offsets = g.input('dropout_offsets', 'int64', [2]);
  g.output(tableDropout(x, table, 0, offsets, 0), 'a');
  g.output(tableDropout(x, table, 1, offsets, 1), 'b');
  const s = await createSession(toModelBytes(g), { backend, threads: 1 });
  const out = await s.run({ x: { data: new Float32Array(2100).fill(1), dims: [7, 300] }, ...dropoutFeeds(PLAN, dropoutTable(PLAN, 42), 42, step) });
  return [out.a as Float32Array, out.b as Float32Array];
}

describe('backends', () => {
  it('dropout masks: bit-identical on node and wasm, equal to the table definition, rate per site, new per step', async () => {
    const [node, web] = [await dropoutMasks('node', 7), await dropoutMasks('web', 7)];
    expect(Buffer.from(web[0].buffer)).toEqual(Buffer.from(node[0].buffer));
    expect(Buffer.from(web[1].buffer)).toEqual(Buffer.from(node[1].buffer));
    const table = dropoutTable(PLAN, 42);
    const [o0, o1] = Array.from(dropoutOffsets(PLAN, 42, 7), Number);
    expect(node[0]).toEqual(table.subarray(o0, o0 + 2100));
    expect(node[1]).toEqual(table.subarray(4200 + o1, 4200 + o1 + 2100));
    for (const [mask, p] of [[node[0], 0.3], [node[1], 0.1]] as const) {
      const dropped = mask.filter((v) => v === 0).length / 2100;
      expect(Math.abs(dropped - p)).toBeLessThan(0.04);
      expect(mask.every((v) => v === 0 || v === Math.fround(1 / (1 - p)))).toBe(true);
    }
    expect((await dropoutMasks('node', 8))[0]).not.toEqual(node[0]);
    expect(dropoutTable(PLAN, 42)).toEqual(table);
    expect(dropoutTable(PLAN, 43)).not.toEqual(table);
  });

  it('node vs wasm: the same training run agrees within fp32 tolerance', async () => {
    const opts = { model: tinyMlp(6), batchSize: 32, inputShape: [6], optim: OPTIM, seed: 5, threads: 1 };
    const data = separableBatches(15, 32, 6, 2);
    const run = async (backend: Backend) => {
      const t = await createTrainer({ ...opts, backend });
      const l: number[] = [];
      for (const b of data) l.push((await t.step(b)).loss);
      const probs = (await t.evaluate(data.slice(0, 2))).probs;
      await t.close();
      return { l, probs };
    };
    const [node, web] = [await run('node'), await run('web')];
    node.l.forEach((v, i) => expect(Math.abs(v - web.l[i])).toBeLessThan(1e-4 * Math.max(1, v)));
    node.probs.forEach((v, i) => expect(Math.abs(v - web.probs[i])).toBeLessThan(1e-4));
  });

  it('unknown or unavailable backends fail with a clear message', async () => {
    const g = new Graph('id');
    g.output(g.op('Relu', [g.input('x', 'float32', [2])], {}, 'float32', [2]), 'y');
    await expect(createSession(toModelBytes(g), { backend: 'tpu' as Backend })).rejects.toThrow(/unknown backend 'tpu': use one of node, web, webgpu/);
    const gpu = createSession(toModelBytes(g), { backend: 'webgpu' });
    await gpu.then(
      (s) => expect(s.backend).toBe('webgpu'), // an adapter exists on this machine
      (e: Error) => expect(e.message).toMatch(/backend 'webgpu' is not available here.*trainer.backend=node/),
    );
  });
});

describe('trainer.backend=cuda', () => {
  it('without the CUDA execution provider: fails up front, in one line saying how to install it', async () => {
    const missing = await cudaMissing();
    if (missing === null) return; // onnxruntime-node was installed with CUDA here: the session may start
    const install = /^backend 'cuda' is not available here: onnxruntime-node was installed without the CUDA execution provider; install onnxruntime-node with it \(ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci, which needs internet\) or use trainer\.backend=node$/;
    expect(missing).toMatch(install);
    const g = new Graph('id');
    g.output(g.op('Relu', [g.input('x', 'float32', [2])], {}, 'float32', [2]), 'y');
    await expect(createSession(toModelBytes(g), { backend: 'cuda' })).rejects.toThrow(install);
    expect(await probeBackend('cuda')).toMatch(install);
    await expect(createTrainer({ model: tinyMlp(6), batchSize: 4, inputShape: [6], optim: OPTIM, seed: 1, backend: 'cuda' })).rejects.toThrow(install);
  });
});

describe('probeBackend', () => {
  it('says null where a backend runs a model, else why not in one line', async () => {
    expect(await probeBackend('node')).toBeNull();
    const gpu = await probeBackend('webgpu');
    if (gpu !== null) expect(gpu).toMatch(/^backend 'webgpu' is not available here: .*trainer\.backend=node/);
  });
});
