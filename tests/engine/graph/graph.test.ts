import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { Graph } from '../../../engine/graph/builder.js';
import { saveModel, toModelBytes } from '../../../engine/graph/serialize.js';
import { grad } from '../../../engine/autodiff/grad.js';
import * as o from '../../../engine/autodiff/ops.js';
import { linear } from '../../../engine/nn/layers.js';
import { readSafetensors, writeSafetensors } from '../../../engine/checkpoint/safetensors.js';
import { buildTrainStep, layoutOf } from '../../../engine/step/graphs.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { analyticGradients } from '../autodiff/gradcheck.js';
import { OPTIM, tinyMlp } from '../fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ladder-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const decode = (bytes: Uint8Array) => onnxProto.onnx.ModelProto.decode(bytes);

describe('graph builder and serialisation', () => {
  it('names nodes by scope (forward and gradient) and drops dead branches', () => {
    const g = new Graph('named');
    const x = g.input('x', 'float32', [2, 4], true);
    const y = g.scope('enc2', () => g.scope('attn', () => g.scope('q_proj', () => o.matmul(x, g.constant(new Array(12).fill(0.5), 'float32', [4, 3], 'w')))));
    o.exp(x); // unused: must not reach the model
    const loss = o.reduceSum(y, [0, 1]);
    g.output(loss, 'loss');
    g.output(grad(loss, [x])[0], 'dx');
    const model = decode(toModelBytes(g));
    const names = model.graph!.node!.map((n) => n.name);
    expect(names).toContain('enc2/attn/q_proj/MatMul');
    expect(names.some((n) => n!.startsWith('grad/enc2/attn/q_proj/'))).toBe(true);
    expect(model.graph!.node!.some((n) => n.opType === 'Exp')).toBe(false);
    expect(Number(model.opsetImport![0].version)).toBe(18);
  });

  it('writes large initializers to an external-data file that ORT loads', async () => {
    const g = new Graph('ext');
    const x = g.input('x', 'float32', [1, 512]);
    const w = g.constant(Float32Array.from({ length: 512 * 600 }, (_, i) => Math.sin(i)), 'float32', [512, 600], 'big');
    g.output(o.reduceSum(o.matmul(x, w), [1]), 'y');
    const path = join(dir, 'ext.onnx');
    expect(saveModel(g, path, { externalThreshold: 1024 })).toEqual([path, `${path}.data`]);
    expect(readFileSync(path).byteLength).toBeLessThan(10_000);
    expect(readFileSync(`${path}.data`).byteLength).toBeGreaterThanOrEqual(512 * 600 * 4);
    const feeds = { x: { data: new Float32Array(512).fill(0.01), dims: [1, 512] } };
    const [ext, inline] = [await createSession(path, { threads: 1 }), await createSession(toModelBytes(g), { threads: 1 })];
    expect((await ext.run(feeds)).y).toEqual((await inline.run(feeds)).y);
    saveModel(g, join(dir, 'small.onnx'));
    expect(existsSync(join(dir, 'small.onnx.data'))).toBe(true); // 1.2 MB > the 1 MiB default threshold
  });

  it('float32 kernels (Erf, LayerNormalization) give the same gradients as the float64 paths', async () => {
    const cases: [(xs: ReturnType<Graph['input']>[]) => ReturnType<Graph['input']>, { shape: number[] }[]][] = [
      [([x]) => o.gelu(x), [{ shape: [8] }]],
      [([x, s, b]) => o.layerNorm(x, s, b), [{ shape: [3, 6] }, { shape: [6] }, { shape: [6] }]],
    ];
    for (const [build, specs] of cases) {
      const [g32, g64] = [await analyticGradients(build, specs, 'float32'), await analyticGradients(build, specs, 'float64')];
      g32.forEach((gs, i) => gs.forEach((v, j) => expect(Math.abs(v - g64[i][j])).toBeLessThan(1e-5)));
    }
  });
});

describe('parameters', () => {
  const shape = { batchSize: 4, inputShape: [6] };
  it('lays out named parameters with decay flags and PyTorch-like init, deterministic per seed', () => {
    const layout = layoutOf(tinyMlp(6, 8), shape);
    expect(layout.params.map((p) => p.name)).toEqual(['fc1/weight', 'fc1/bias', 'bn/weight', 'bn/bias', 'ln/weight', 'ln/bias', 'fc2/weight', 'fc2/bias']);
    expect(layout.buffers.map((b) => b.name)).toEqual(['bn/running_mean', 'bn/running_var']);
    expect(layout.paramCount).toBe(6 * 8 + 8 + 8 * 4 + 8 + 1);
    const decay = layout.decayMask();
    expect(decay.slice(0, 48).every((d) => d === 1) && decay.slice(48, 56).every((d) => d === 0)).toBe(true);
    const [a, b, c] = [layout.initParams(1), layout.initParams(1), layout.initParams(2)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const w1 = a.slice(0, 48);
    expect(Math.max(...w1.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(6));
    expect(Math.max(...w1.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(6));
    expect(a.slice(56, 64)).toEqual(new Float32Array(8).fill(1)); // BatchNorm weight = 1
  });

  it('the train step takes the flat vectors the layout describes', () => {
    const { graph, layout } = buildTrainStep(tinyMlp(6, 8), { ...shape, optim: OPTIM });
    const byName = Object.fromEntries(graph.inputs.map((t) => [t.name, t.shape]));
    expect(byName).toMatchObject({ params: [layout.paramCount], m: [layout.paramCount], v: [layout.paramCount], buffers: [16], x: [4, 6] });
    expect(graph.outputs.map((t) => t.name)).toEqual(['loss', 'grad_norm', 'params_out', 'm_out', 'v_out', 'buffers_out']);
  });

  it('refuses a parameter name declared twice (checkpoints address parameters by name)', () => {
    const twice = { forward: (net: Parameters<ReturnType<typeof tinyMlp>['forward']>[0], x: Parameters<ReturnType<typeof tinyMlp>['forward']>[1]) =>
      o.reshape(linear(linear(x, net.param('w', [6, 6], { kind: 'const', value: 0 }), null), net.param('w', [6, 1], { kind: 'const', value: 0 }), null), [4]) };
    expect(() => layoutOf(twice, shape)).toThrow(/parameter w is declared twice/);
  });

  it('a model must return logits [B]', () => {
    const bad = { forward: (net: Parameters<ReturnType<typeof tinyMlp>['forward']>[0], x: Parameters<ReturnType<typeof tinyMlp>['forward']>[1]) => linear(x, net.param('w', [6, 2], { kind: 'const', value: 0 }), null) };
    expect(() => layoutOf(bad, shape)).toThrow(/model must return logits \[4\], got \[4,2\]/);
  });
});

describe('safetensors', () => {
  it('round-trips tensors and metadata in the standard layout', () => {
    const path = join(dir, 't.safetensors');
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    writeSafetensors(path, { 'param/a': { data: a, shape: [2, 3] }, s: { data: BigInt64Array.of(7n), shape: [1] } }, { step: '3' });
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    expect(header['param/a']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.__metadata__).toEqual({ step: '3' });
    const back = readSafetensors(path);
    expect(back.tensors['param/a'].data).toEqual(a);
    expect(back.tensors.s.data).toEqual(BigInt64Array.of(7n));
    expect(back.metadata.step).toBe('3');
  });
});
