/**
 * The study's channel-mixing PatchTST: one token per patch holding all channels, Linear(patch_len·C → d),
 * a positional table of P+10 rows (the first P are used), pre-norm encoder layers, a final norm and a
 * Linear(d·P → 1) head. No end padding.
 */
import type { Tensor } from '../graph/builder.js';
import * as o from '../autodiff/ops.js';
import type { Model } from '../step/graphs.js';
import { patchCount } from '../nn/layers.js';
import { MIX_EXTRA_POS_ROWS, type ModelConfig, patchPadding } from './config.js';
import { attention, dense, feedForward, flattenHead, norm, positions, revin } from './layers.js';

export function patchtstMix(cfg: ModelConfig): Model {
  return {
    forward(net, x) {
      const [B, , C] = x.shape;
      const { d_model: d, patch_len: pl } = cfg;
      const P = patchCount(cfg.context_length, pl, cfg.stride, patchPadding(cfg));
      const g = net.graph;
      const steps = Array.from({ length: P * pl }, (_, i) => Math.floor(i / pl) * cfg.stride + (i % pl));
      const patches = o.reshape(o.gather(revin(net, x, cfg), steps, 1), [B * P, pl * C]); // time-major within a patch
      const embedded = o.reshape(dense(net, 'patch_embed', patches, pl * C, d), [B, P, d]);
      const pos = o.slice(positions(net, P + MIX_EXTRA_POS_ROWS, d), { starts: [0], ends: [P], axes: [0] });
      let z = o.reshape(net.dropout(o.add(embedded, pos), cfg.dropout), [B * P, d]);
      let prev: Tensor | null = null;
      for (let i = 0; i < cfg.n_layers; i++) {
        g.scope(`enc${i}`, () => net.recomputed(() => {
          const a = attention(net, norm(net, 'norm1', z, cfg.norm), B, cfg, cfg.residual_attention ? prev : null);
          prev = a.scores;
          z = o.add(z, net.dropout(a.out, cfg.dropout));
          z = o.add(z, net.dropout(feedForward(net, norm(net, 'norm2', z, cfg.norm), cfg), cfg.dropout));
        }));
      }
      return flattenHead(net, norm(net, 'final_norm', z, cfg.norm), B, cfg); // [B, P·d] → [B]
    },
  };
}
