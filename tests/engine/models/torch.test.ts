// model=patchtst against an independent PyTorch implementation of the paper's module structure
// (torch_patchtst_paper.py): float64, the same weights, inputs and dropout masks; the train-mode loss,
// every gradient, the BatchNorm running statistics after the step, and the eval-mode logits.
// Needs python3 with torch (Debian's python3-torch); without it the test is skipped, or fails under CI=true.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { buildModel, type ModelConfig } from '../../../engine/models/index.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { dropoutFeeds, dropoutOffsets, dropoutTable } from '../../../engine/step/dropout.js';
import { buildEvalGraph, buildGradGraph } from '../../../engine/step/graphs.js';
import { Rng } from '../../../engine/step/rng.js';
import { compose } from '../../../runner/compose/index.js';
import { randomInputs } from './helpers.js';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const REFERENCE = path.join(import.meta.dirname, 'torch_patchtst_paper.py');
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torchVersion = probe.status === 0 ? probe.stdout.trim() : null;
const CI = process.env.CI === 'true';
const skipReason = `${PYTHON} cannot import torch (apt-get install python3-torch, or set PYTHON)`;

/** conf/model/patchtst.yaml as shipped (the paper's defaults), shrunk to a test-sized shape. */
const shipped = (...overrides: string[]): ModelConfig =>
  compose({
    configDir: path.resolve('conf'),
    configName: 'config',
    overrides: ['model=patchtst', 'model.d_model=8', 'model.n_heads=2', 'model.n_layers=2', 'model.d_ff=16', ...overrides],
  }).config.model;

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Ladder's float64 train step and eval pass, then the PyTorch reference on the same case; max abs differences. */
async function compare(cfg: ModelConfig, channels = 3, batch = 4) {
  const model = buildModel(cfg, channels);
  const shape = { batchSize: batch, inputShape: [cfg.context_length, channels], dtype: 'float64' as const };
  const { graph, layout } = buildGradGraph(model, shape);
  const rng = new Rng(21);
  // Away from init (BatchNorm/LayerNorm scale 1, bias 0; running stats 0/1) so a swapped tensor shows.
  const params = Float64Array.from(layout.initParams(7), (v) => v + rng.uniform(-0.3, 0.3));
  const buffers = Float64Array.from(layout.buffers.flatMap((b) => Array.from({ length: b.size }, () => (b.init === 1 ? rng.uniform(0.5, 2) : rng.uniform(-0.5, 0.5)))));
  const { x, y } = randomInputs(batch, cfg.context_length, channels, 3);
  const [seed, step] = [5, 3];
  const table = Float64Array.from(dropoutTable(layout.dropout, seed));
  const common = {
    params: { data: params, dims: [params.length] },
    ...(buffers.length ? { buffers: { data: buffers, dims: [buffers.length] } } : {}),
    x: { data: x, dims: [batch, cfg.context_length, channels] },
    y: { data: y, dims: [batch] },
    w: { data: new Float64Array(batch).fill(1), dims: [batch] },
  };
  const train = await createSession(toModelBytes(graph), { threads: 1 });
  const out = await train.run({ ...common, ...dropoutFeeds(layout.dropout, table, seed, step) });
  await train.release();
  const buffersAfter = (out.buffers_out as Float64Array | undefined) ?? new Float64Array(0);
  const evalSession = await createSession(toModelBytes(buildEvalGraph(model, shape, layout).graph), { threads: 1 });
  const evalOut = await evalSession.run({ ...common, ...(buffers.length ? { buffers: { data: buffersAfter, dims: [buffersAfter.length] } } : {}) });
  await evalSession.release();

  const dir = mkdtempSync(path.join(tmpdir(), 'ladder-torch-'));
  try {
    const slice = (a: Float64Array, o: number, n: number) => Array.from(a.subarray(o, o + n));
    writeFileSync(path.join(dir, 'case.json'), JSON.stringify({
      cfg, channels, x: Array.from(x), y: Array.from(y),
      params: layout.params.map((p) => ({ name: p.name, shape: p.shape, values: slice(params, p.offset, p.size) })),
      buffers: layout.buffers.map((b) => ({ name: b.name, shape: b.shape, values: slice(buffers, b.offset, b.size) })),
      dropout: {
        rates: layout.dropout.rates, width: 2 * layout.dropout.tableSize, table: Array.from(table),
        offsets: Array.from(dropoutOffsets(layout.dropout, seed, step), Number),
      },
    }));
    const r = spawnSync(PYTHON, [REFERENCE, path.join(dir, 'case.json'), path.join(dir, 'out.json')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${REFERENCE} failed: ${r.stderr}`);
    const ref = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as { loss: number; grad: number[]; buffers: number[]; eval_logits: number[] };
    const grad = out.grad as Float64Array;
    return {
      sites: layout.dropout.sites,
      loss: Math.abs((out.loss as Float64Array)[0] - ref.loss),
      grad: maxAbs(grad, ref.grad),
      gradScale: Math.max(...Array.from(grad, Math.abs)),
      buffers: maxAbs(buffersAfter, ref.buffers),
      evalLogits: maxAbs(evalOut.logits as Float64Array, ref.eval_logits),
      evalScale: Math.max(...Array.from(evalOut.logits as Float64Array, Math.abs)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!torchVersion && !CI) console.warn(`tests/engine/models/torch.test.ts skipped: ${skipReason}`);
const title = torchVersion ? `patchtst vs PyTorch ${torchVersion} (the paper's module structure)` : `patchtst vs PyTorch: SKIPPED, ${skipReason}`;

describe.skipIf(!torchVersion && !CI)(title, () => {
  it('has PyTorch (CI=true turns a missing torch into a failure, not a skip)', () => {
    expect(torchVersion, skipReason).not.toBeNull();
  });

  it("agrees on the paper's defaults: residual attention, RevIN without affine, dropout in to_out and on the residual", { timeout: 60_000 }, async () => {
    const cfg = shipped();
    expect(cfg).toMatchObject({ residual_attention: true, revin: true, revin_affine: false, norm: 'batch' });
    expect(cfg.proj_dropout).toBe(cfg.dropout);
    const d = await compare(cfg);
    // embedding + per layer (to_out, attention residual, FFN hidden, FFN residual): both sides used every mask
    expect(d.sites).toBe(1 + 4 * cfg.n_layers);
    expect(d.gradScale).toBeGreaterThan(1e-3);
    expect(d.loss).toBeLessThan(1e-12);
    expect(d.grad).toBeLessThan(1e-12);
    expect(d.buffers).toBeLessThan(1e-12);
    // eval logits run through BatchNorm on running statistics: relative to their size
    expect(d.evalLogits).toBeLessThan(1e-11 * Math.max(1, d.evalScale));
    console.log(`patchtst (paper defaults) vs PyTorch, max abs diff: loss ${d.loss.toExponential(1)}, grad ${d.grad.toExponential(1)} (largest ${d.gradScale.toFixed(2)}), running stats ${d.buffers.toExponential(1)}, eval logits ${d.evalLogits.toExponential(1)} (largest ${d.evalScale.toFixed(1)})`);
  });

  it('agrees with each switch flipped: LayerNorm, no residual attention, RevIN affine, no to_out dropout, attention dropout', { timeout: 60_000 }, async () => {
    const cfg = shipped('model.norm=layer', 'model.residual_attention=false', 'model.revin_affine=true', 'model.proj_dropout=0', 'model.attn_dropout=0.1');
    const d = await compare(cfg);
    expect(d.sites).toBe(1 + 4 * cfg.n_layers);
    expect(Math.max(d.loss, d.grad, d.buffers)).toBeLessThan(1e-12);
    expect(d.evalLogits).toBeLessThan(1e-11 * Math.max(1, d.evalScale));
    console.log(`patchtst (switches flipped) vs PyTorch, max abs diff: loss ${d.loss.toExponential(1)}, grad ${d.grad.toExponential(1)}, eval logits ${d.evalLogits.toExponential(1)} (largest ${d.evalScale.toFixed(1)})`);
  });
});
