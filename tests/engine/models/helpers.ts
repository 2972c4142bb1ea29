/** Tiny model configs and a parameter-level finite-difference check for the model tests. */
import { toModelBytes } from '../../../engine/graph/serialize.js';
import type { ModelConfig } from '../../../engine/models/config.js';
import { buildModel } from '../../../engine/models/index.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { dropoutFeeds, dropoutTable } from '../../../engine/step/dropout.js';
import { buildGradGraph } from '../../../engine/step/graphs.js';
import { Rng } from '../../../engine/step/rng.js';

export const TINY: Record<ModelConfig['name'], ModelConfig> = {
  patchtst: {
    name: 'patchtst', context_length: 12, patch_len: 4, stride: 3, d_model: 4, n_heads: 2, n_layers: 2, d_ff: 6,
    dropout: 0.2, proj_dropout: 0.15, attn_dropout: 0.1, head_dropout: 0.1, norm: 'batch', residual_attention: true, revin: true, revin_affine: true,
  },
  patchtst_mix: {
    name: 'patchtst_mix', context_length: 12, patch_len: 4, stride: 4, d_model: 4, n_heads: 2, n_layers: 2, d_ff: 6,
    dropout: 0.2, proj_dropout: 0.15, attn_dropout: 0.1, head_dropout: 0.1, norm: 'layer', residual_attention: true, revin: true, revin_affine: true,
  },
};

/** Random series with per-sample, per-channel offsets and scales (so RevIN has something to remove). */
export function randomInputs(batch: number, L: number, C: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(batch * L * C);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < C; c++) {
      const [off, scale] = [rng.uniform(-3, 3), rng.uniform(0.5, 2)];
      for (let t = 0; t < L; t++) x[(b * L + t) * C + c] = off + scale * rng.normal();
    }
  }
  return { x, y: Float64Array.from({ length: batch }, (_, i) => i % 2) };
}

/**
 * Analytic flat gradient (float64 train-mode graph: dropout masks fixed by table and step, BatchNorm on batch
 * statistics) against central differences of the loss, for `perParam` elements of every parameter tensor.
 */
export async function checkModelGradient(cfg: ModelConfig, channels: number, batch = 3, perParam = 2, h = 1e-6) {
  const model = buildModel(cfg, channels);
  const { graph, layout } = buildGradGraph(model, { batchSize: batch, inputShape: [cfg.context_length, channels], dtype: 'float64' });
  const session = await createSession(toModelBytes(graph), { threads: 1 });
  const params = Float64Array.from(layout.initParams(7));
  const buffers = Float64Array.from(layout.initBuffers());
  const { x, y } = randomInputs(batch, cfg.context_length, channels, 3);
  const table = Float64Array.from(dropoutTable(layout.dropout, 5));
  const feeds = () => ({
    params: { data: params, dims: [params.length] },
    ...(buffers.length ? { buffers: { data: buffers, dims: [buffers.length] } } : {}),
    x: { data: x, dims: [batch, cfg.context_length, channels] },
    y: { data: y, dims: [batch] },
    w: { data: new Float64Array(batch).fill(1), dims: [batch] },
    ...dropoutFeeds(layout.dropout, table, 5, 1),
  });
  const loss = async () => ((await session.run(feeds())).loss as Float64Array)[0];
  const analytic = (await session.run(feeds())).grad as Float64Array;
  const rng = new Rng(11);
  let maxRelErr = 0;
  let checked = 0;
  for (const p of layout.params) {
    for (let k = 0; k < Math.min(perParam, p.size); k++) {
      const i = p.offset + Math.floor(rng.next() * p.size);
      const keep = params[i];
      params[i] = keep + h;
      const up = await loss();
      params[i] = keep - h;
      const down = await loss();
      params[i] = keep;
      const numeric = (up - down) / (2 * h);
      maxRelErr = Math.max(maxRelErr, Math.abs(analytic[i] - numeric) / Math.max(1e-3, Math.abs(numeric)));
      checked++;
    }
  }
  await session.release();
  return { maxRelErr, checked, paramTensors: layout.params.length, gradNorm: Math.hypot(...analytic) };
}
