/**
 * Engine vs PyTorch (not a test: needs python3-torch). Trains the engine-core test MLP (Linear, GELU,
 * BatchNorm, LayerNorm, ReLU, Linear; BCE; global-norm clip; AdamW with masked decay; warmup+cosine) for
 * 50 float64 steps on the engine, then replays the same initial weights and batches in PyTorch eager
 * (tests/bench/torch_engine_check.py) and prints the largest relative differences.
 *   npx tsx tests/bench/engine_torch_check.ts [--steps 50]   (PYTHON=/usr/bin/python3 picks the interpreter)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toModelBytes } from '../../engine/graph/serialize.js';
import { adamScalars } from '../../engine/optim/adamw.js';
import { learningRate } from '../../engine/optim/schedule.js';
import { buildTrainStep } from '../../engine/step/graphs.js';
import { createSession, type FeedValue } from '../../engine/runtime/backends.js';
import { OPTIM, separableBatches, tinyMlp } from '../engine/fixtures.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '50' } } });
const steps = Number(values.steps);
const B = 32;
const h = { ...OPTIM, totalSteps: steps, gradClip: 0.5, weightDecay: 0.05 };
const { graph, layout } = buildTrainStep(tinyMlp(6, 16, 0), { batchSize: B, inputShape: [6], dtype: 'float64', optim: h });
const session = await createSession(toModelBytes(graph), { threads: 1 });
const vec = (d: ArrayLike<number>): FeedValue => ({ data: Float64Array.from(d), dims: [d.length] });
const scalar = (x: number): FeedValue => ({ data: Float64Array.of(x), dims: [] });
const init = Float64Array.from(layout.initParams(3));
let [p, m, v, buf]: Float64Array[] = [init, new Float64Array(init.length), new Float64Array(init.length), Float64Array.from(layout.initBuffers())];
const batches = separableBatches(steps, B, 6, 17);
const losses: number[] = [];
for (let t = 1; t <= steps; t++) {
  const b = batches[t - 1];
  const sc = adamScalars(t, learningRate(t, h), h.beta1, h.beta2);
  const out = await session.run({
    params: vec(p), m: vec(m), v: vec(v), buffers: vec(buf), decay_mask: vec(layout.decayMask()),
    x: { data: Float64Array.from(b.x), dims: [B, 6] }, y: vec(b.y), w: vec(new Float64Array(B).fill(1)),
    lr: scalar(sc.lr), step_size: scalar(sc.stepSize), bc2_sqrt: scalar(sc.bc2Sqrt),
  });
  losses.push((out.loss as Float64Array)[0]);
  [p, m, v, buf] = [out.params_out, out.m_out, out.v_out, out.buffers_out] as Float64Array[];
}
const slice = (a: Float64Array, o: number, n: number) => Array.from(a.subarray(o, o + n));
const dump = {
  hyper: h,
  lrs: Array.from({ length: steps }, (_, i) => learningRate(i + 1, h)),
  params: layout.params.map((q) => ({ name: q.name, shape: q.shape, decay: q.decay, init: slice(init, q.offset, q.size), final: slice(p, q.offset, q.size) })),
  buffers: layout.buffers.map((q) => ({ name: q.name, final: slice(buf, q.offset, q.size) })),
  batches: batches.map((b) => ({ x: Array.from(b.x), y: Array.from(b.y) })),
  losses,
};
const file = join(mkdtempSync(join(tmpdir(), 'ladder-torch-')), 'engine.json');
writeFileSync(file, JSON.stringify(dump));
const r = spawnSync(process.env.PYTHON ?? 'python3', [join(import.meta.dirname, 'torch_engine_check.py'), file], { stdio: 'inherit' });
process.exit(r.status ?? 1);
