import { describe, expect, it } from 'vitest';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { adamScalars } from '../../../engine/optim/adamw.js';
import { learningRate } from '../../../engine/optim/schedule.js';
import { buildGradGraph, buildTrainStep } from '../../../engine/step/graphs.js';
import { createSession, type FeedValue } from '../../../engine/runtime/backends.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';

/** torch.optim.AdamW (non-capturable) + clip_grad_norm_, in plain JS doubles. */
function adamwReference(p: Float64Array, m: Float64Array, v: Float64Array, grad: Float64Array, decay: Float32Array, t: number, lr: number, h: typeof OPTIM) {
  const norm = Math.sqrt(grad.reduce((a, g) => a + g * g, 0));
  const coef = Math.min(1, h.gradClip / (norm + 1e-6));
  const out = { p: new Float64Array(p.length), m: new Float64Array(p.length), v: new Float64Array(p.length) };
  const stepSize = lr / (1 - h.beta1 ** t);
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** t);
  for (let i = 0; i < p.length; i++) {
    const g = grad[i] * coef;
    const pd = p[i] * (1 - lr * h.weightDecay * decay[i]);
    out.m[i] = h.beta1 * m[i] + (1 - h.beta1) * g;
    out.v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g;
    out.p[i] = pd - (stepSize * out.m[i]) / (Math.sqrt(out.v[i]) / bc2Sqrt + h.eps);
  }
  return { ...out, norm };
}

const vec = (d: Float64Array | Float32Array): FeedValue => ({ data: d instanceof Float64Array ? d : Float64Array.from(d), dims: [d.length] });
const s64 = (x: number): FeedValue => ({ data: Float64Array.of(x), dims: [] });

describe('AdamW train step', () => {
  it('matches torch-style AdamW with clipping and masked weight decay, computed in JS doubles', async () => {
    const h = { ...OPTIM, gradClip: 0.05, weightDecay: 0.1 };
    const model = tinyMlp(6, 8, 0);
    const shape = { batchSize: 16, inputShape: [6], dtype: 'float64' as const };
    const step = buildTrainStep(model, { ...shape, optim: h });
    const gradG = buildGradGraph(model, shape);
    const [ss, gs] = [await createSession(toModelBytes(step.graph), { threads: 1 }), await createSession(toModelBytes(gradG.graph), { threads: 1 })];
    const layout = step.layout;
    const decay = layout.decayMask();
    expect(decay.some((d) => d === 0) && decay.some((d) => d === 1)).toBe(true);
    let p: Float64Array = Float64Array.from(layout.initParams(4));
    let m: Float64Array = new Float64Array(p.length);
    let v: Float64Array = new Float64Array(p.length);
    let buffers: Float64Array = Float64Array.from(layout.initBuffers());
    for (const [k, b] of separableBatches(4, 16, 6, 8).entries()) {
      const t = k + 1;
      const lr = learningRate(t, h);
      const batch = { x: { data: Float64Array.from(b.x), dims: [16, 6] }, y: vec(b.y), w: vec(new Float64Array(16).fill(1)) };
      const g = await gs.run({ ...batch, params: vec(p), buffers: vec(buffers) });
      const sc = adamScalars(t, lr, h.beta1, h.beta2);
      const out = await ss.run({ ...batch, params: vec(p), m: vec(m), v: vec(v), buffers: vec(buffers), decay_mask: vec(decay), lr: s64(sc.lr), step_size: s64(sc.stepSize), bc2_sqrt: s64(sc.bc2Sqrt) });
      const ref = adamwReference(p, m, v, g.grad as Float64Array, decay, t, lr, h);
      expect(ref.norm).toBeGreaterThan(h.gradClip); // clipping is exercised
      expect((out.grad_norm as Float64Array)[0]).toBeCloseTo(ref.norm, 12);
      for (const [got, want] of [[out.params_out, ref.p], [out.m_out, ref.m], [out.v_out, ref.v]] as const) {
        const err = Math.max(...Array.from(got as Float64Array, (x, i) => Math.abs(x - want[i]) / Math.max(1e-3, Math.abs(want[i]))));
        expect(err).toBeLessThan(1e-10);
      }
      expect(out.loss).toEqual(g.loss);
      [p, m, v, buffers] = [out.params_out, out.m_out, out.v_out, out.buffers_out] as Float64Array[];
    }
  });

  it('schedules: linear warmup, then cosine to minLr or constant; bias corrections in double', () => {
    const s = { lr: 1e-3, warmupSteps: 10, totalSteps: 110, schedule: 'cosine' as const };
    expect(learningRate(1, s)).toBeCloseTo(1e-4, 15);
    expect(learningRate(10, s)).toBe(1e-3);
    expect(learningRate(60, s)).toBeCloseTo(5e-4, 15);
    expect(learningRate(110, s)).toBeCloseTo(0, 15);
    expect(learningRate(500, { ...s, minLr: 1e-5 })).toBeCloseTo(1e-5, 15);
    expect(learningRate(500, { ...s, schedule: 'constant' })).toBe(1e-3);
    const sc = adamScalars(1000, 1e-3, 0.9, 0.999);
    expect(sc.bc2Sqrt).toBe(Math.sqrt(1 - 0.999 ** 1000));
    expect(sc.stepSize).toBe(1e-3 / (1 - 0.9 ** 1000));
  });
});
