import { describe, expect, it } from 'vitest';
import { Graph } from '../../../engine/graph/builder.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { dropout } from '../../../engine/autodiff/nn.js';
import { stepKey, uniformHashAt } from '../../../engine/autodiff/hash.js';
import { type Backend, createSession } from '../../../engine/runtime/backends.js';
import { createTrainer } from '../../../engine/runtime/trainer.js';
import { OPTIM, separableBatches, tinyMlp } from './fixtures.js';

async function dropoutMask(backend: Backend, key: number, site: number): Promise<Float32Array> {
  const g = new Graph('mask');
  const x = g.input('x', 'float32', [7, 300]);
  g.output(dropout(x, 0.3, g.input('key', 'int64', []), site), 'y');
  const s = await createSession(toModelBytes(g), { backend, threads: 1 });
  const out = await s.run({ x: { data: new Float32Array(2100).fill(1), dims: [7, 300] }, key: { data: BigInt64Array.of(BigInt(key)), dims: [] } });
  return out.y as Float32Array;
}

describe('backends', () => {
  it('dropout mask: bit-identical on node and wasm, equal to the JS mirror, new per step and site', async () => {
    const key = stepKey(42, 7);
    const [node, web] = [await dropoutMask('node', key, 3), await dropoutMask('web', key, 3)];
    expect(Buffer.from(web.buffer)).toEqual(Buffer.from(node.buffer));
    const expected = Float32Array.from({ length: 2100 }, (_, i) => (uniformHashAt(key, 3, i) >= 0.3 ? 1 / 0.7 : 0));
    expect(node).toEqual(expected);
    const dropped = node.filter((v) => v === 0).length / node.length;
    expect(dropped).toBeGreaterThan(0.25);
    expect(dropped).toBeLessThan(0.35);
    expect(await dropoutMask('node', stepKey(42, 8), 3)).not.toEqual(node);
    expect(await dropoutMask('node', key, 4)).not.toEqual(node);
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
