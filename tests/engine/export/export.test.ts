import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { exportInference } from '../../../engine/export/index.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import { buildModel } from '../../../engine/models/index.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { buildEvalGraph, layoutOf } from '../../../engine/step/graphs.js';
import { Rng } from '../../../engine/step/rng.js';
import { TINY, randomInputs } from '../models/helpers.js';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'ladder-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const C = 3;
const B = 4;

/** Probabilities from the engine's eval graph and from the exported file on onnxruntime-node and -web. */
async function compare(cfg: ModelConfig, name: string, inlineLimitBytes?: number) {
  const model = buildModel(cfg, C);
  const inputShape = [cfg.context_length, C];
  const layout = layoutOf(model, { batchSize: B, inputShape });
  const rng = new Rng(5);
  const params = layout.initParams(3);
  const buffers = layout.initBuffers().map((v, i) => (layout.buffers.find((b) => i >= b.offset && i < b.offset + b.size)!.name.endsWith('var') ? 0.5 + rng.next() : rng.normal()));
  const x = Float32Array.from(randomInputs(B, cfg.context_length, C, 8).x);

  const evalSession = await createSession(toModelBytes(buildEvalGraph(model, { batchSize: B, inputShape }, layout).graph), { threads: 1 });
  const feeds = { params: { data: params, dims: [params.length] }, x: { data: x, dims: [B, ...inputShape] }, y: { data: new Float32Array(B), dims: [B] }, w: { data: new Float32Array(B).fill(1), dims: [B] } };
  const expected = (await evalSession.run(buffers.length ? { ...feeds, buffers: { data: buffers, dims: [buffers.length] } } : feeds)).prob as Float32Array;
  await evalSession.release();

  const path = join(dir, `${name}.onnx`);
  const res = exportInference(model, layout, { params, buffers }, inputShape, path, { batchSize: B, inlineLimitBytes });
  const nodeSession = await ortNode.InferenceSession.create(path);
  const fromNode = (await nodeSession.run({ x: new ortNode.Tensor('float32', x, [B, ...inputShape]) })).prob.data as Float32Array;
  const externalData = res.externalData ? [{ path: basename(res.files[1]), data: new Uint8Array(readFileSync(res.files[1])) }] : undefined;
  const webSession = await ortWeb.InferenceSession.create(new Uint8Array(readFileSync(path)), { executionProviders: ['wasm'], externalData });
  const fromWeb = (await webSession.run({ x: new ortWeb.Tensor('float32', x, [B, ...inputShape]) })).prob.data as Float32Array;
  return { res, expected, fromNode, fromWeb, nodeSession, webSession };
}

const close = (a: Float32Array, b: Float32Array) => [...a].forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));

describe('inference export (model.onnx)', () => {
  it.each<[string, ModelConfig]>([['patchtst', TINY.patchtst], ['patchtst_mix', TINY.patchtst_mix]])(
    '%s: one self-contained file, x [B, L, C] → prob; node and web match the eval graph', async (name, cfg) => {
      const r = await compare(cfg, name);
      expect(r.res.files).toEqual([join(dir, `${name}.onnx`)]);
      expect(r.nodeSession.inputNames).toEqual(['x']);
      expect(r.nodeSession.outputNames).toEqual(['prob']);
      expect(r.expected.every((p) => p > 0 && p < 1)).toBe(true);
      expect(new Set(r.expected).size).toBe(B); // distinct inputs give distinct probabilities
      close(r.fromNode, r.expected);
      close(r.fromWeb, r.expected);
      await r.nodeSession.release();
      await r.webSession.release();
    });

  it('moves parameters to an external-data file past the inline limit, and both runtimes still load it', async () => {
    const big: ModelConfig = { ...TINY.patchtst_mix, d_model: 512, n_heads: 2, n_layers: 1, d_ff: 64 };
    const r = await compare(big, 'big', 0);
    expect(r.res.externalData).toBe(true);
    expect(r.res.files[1]).toBe(join(dir, 'big.onnx.data'));
    close(r.fromNode, r.expected);
    close(r.fromWeb, r.expected);
    await r.nodeSession.release();
    await r.webSession.release();
  });

  it('writes standard ONNX ops only, though the eval graph onnxruntime runs uses its FusedMatMul for attention', () => {
    const model = buildModel(TINY.patchtst, C);
    const inputShape = [TINY.patchtst.context_length, C];
    const layout = layoutOf(model, { batchSize: B, inputShape });
    const path = join(dir, 'standard.onnx');
    exportInference(model, layout, { params: layout.initParams(1), buffers: layout.initBuffers() }, inputShape, path, { batchSize: B });
    const exported = onnx.ModelProto.decode(readFileSync(path));
    expect(exported.opsetImport!.map((o) => o.domain ?? '')).toEqual(['']);
    expect(exported.graph!.node!.filter((n) => n.domain || n.opType === 'FusedMatMul')).toEqual([]);
    const evalModel = onnx.ModelProto.decode(toModelBytes(buildEvalGraph(model, { batchSize: B, inputShape }, layout).graph));
    expect(evalModel.graph!.node!.filter((n) => n.opType === 'FusedMatMul').map((n) => n.domain)).toContain('com.microsoft');
  });

  it('refuses parameter vectors that do not fit the model', () => {
    const model = buildModel(TINY.patchtst, C);
    const layout = layoutOf(model, { batchSize: 1, inputShape: [12, C] });
    expect(() => exportInference(model, layout, { params: new Float32Array(3), buffers: layout.initBuffers() }, [12, C], join(dir, 'bad.onnx')))
      .toThrow(/export: got 3 params/);
  });
});
