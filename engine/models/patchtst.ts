/**
 * PatchTST (Nie et al., 2023) as a binary classifier: RevIN → end replicate padding and patching → channel
 * independence (each channel is its own sequence through a shared embedding and encoder) → learned positions
 * → post-norm encoder layers → flatten head over all channels → 1 logit.
 */
import { patchCount, patchify } from '../nn/layers.js';
import type { Tensor } from '../graph/builder.js';
import * as o from '../autodiff/ops.js';
import type { Model } from '../step/graphs.js';
import { type ModelConfig, patchPadding } from './config.js';
import { attention, dense, feedForward, flattenHead, norm, positions, revin } from './layers.js';

export function patchtst(cfg: ModelConfig): Model {
  return {
    forward(net, x) {
      const [B, , C] = x.shape;
      const { d_model: d, patch_len: pl } = cfg;
      const pad = patchPadding(cfg);
      const P = patchCount(cfg.context_length, pl, cfg.stride, pad);
      const g = net.graph;
      const series = o.transpose(revin(net, x, cfg), [0, 2, 1]); // [B, C, L]
      const patches = o.reshape(patchify(series, pl, cfg.stride, pad), [B * C * P, pl]);
      const embedded = o.reshape(dense(net, 'patch_embed', patches, pl, d), [B * C, P, d]);
      let z = o.reshape(net.dropout(o.add(embedded, positions(net, P, d)), cfg.dropout), [B * C * P, d]);
      let prev: Tensor | null = null;
      for (let i = 0; i < cfg.n_layers; i++) {
        g.scope(`enc${i}`, () => net.recomputed(() => {
          const a = attention(net, z, B * C, cfg, cfg.residual_attention ? prev : null);
          prev = a.scores;
          z = norm(net, 'norm1', o.add(z, net.dropout(a.out, cfg.dropout)), cfg.norm);
          z = norm(net, 'norm2', o.add(z, net.dropout(feedForward(net, z, cfg), cfg.dropout)), cfg.norm);
        }));
      }
      return flattenHead(net, z, B, cfg); // [B, C·P·d] → [B]
    },
  };
}
