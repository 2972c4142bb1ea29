/** Building blocks shared by the PatchTST variants. Activations stay 2-D [tokens, d] so linears are one Gemm. */
import type { Tensor } from '../graph/builder.js';
import { linear } from '../nn/layers.js';
import * as o from '../autodiff/ops.js';
import { type Net, linearInit } from '../step/net.js';
import type { ModelConfig } from './config.js';

const ones = { kind: 'const', value: 1 } as const;
const zeros = { kind: 'const', value: 0 } as const;

/** nn.Linear(inF → outF) under scope `name`; weight stored [in, out], bias not decayed. */
export function dense(net: Net, name: string, x: Tensor, inF: number, outF: number): Tensor {
  return net.graph.scope(name, () =>
    linear(x, net.param('weight', [inF, outF], linearInit(inF)), net.param('bias', [outF], linearInit(inF), { decay: false })));
}

/**
 * RevIN over x [B, L, C]: per-sample, per-channel standardisation across time (statistics carry no
 * gradient, as in PatchTST), then an optional learned per-channel affine map. A classifier never denormalises.
 */
export function revin(net: Net, x: Tensor, cfg: ModelConfig, eps = 1e-5): Tensor {
  if (!cfg.revin) return x;
  return net.graph.scope('revin', () => {
    const C = x.shape[2];
    const mean = o.stopGradient(o.reduceMean(x, [1], true));
    const centred = o.sub(x, mean);
    const std = o.stopGradient(o.sqrt(o.add(o.reduceMean(o.mul(centred, centred), [1], true), eps)));
    const z = o.div(centred, std);
    if (!cfg.revin_affine) return z;
    return o.add(o.mul(z, net.param('weight', [C], ones, { decay: false })), net.param('bias', [C], zeros, { decay: false }));
  });
}

/** BatchNorm (over all tokens, per feature: same statistics as BatchNorm1d on [N, d, P]) or LayerNorm. */
export function norm(net: Net, name: string, x: Tensor, kind: ModelConfig['norm']): Tensor {
  if (kind === 'batch') return net.batchNorm(x, name);
  const d = x.shape[x.rank - 1];
  return net.graph.scope(name, () =>
    o.layerNorm(x, net.param('weight', [d], ones, { decay: false }), net.param('bias', [d], zeros, { decay: false })));
}

/**
 * Multi-head self-attention over z [N·P, d] as N sequences of P tokens. With residual attention (RealFormer,
 * PatchTST's `res_attention`) the previous layer's pre-softmax scores are added and the new ones returned.
 * Dropout: `attn_dropout` on the attention weights, `proj_dropout` on the output projection (PatchTST's to_out).
 */
export function attention(net: Net, z: Tensor, seqs: number, cfg: ModelConfig, prev: Tensor | null): { out: Tensor; scores: Tensor } {
  const d = cfg.d_model;
  const h = cfg.n_heads;
  const dk = d / h;
  const P = z.shape[0] / seqs;
  return net.graph.scope('attn', () => {
    const heads = (name: string) => o.transpose(o.reshape(dense(net, name, z, d, d), [seqs, P, h, dk]), [0, 2, 1, 3]);
    const q = heads('q_proj'); // [N, h, P, dk]
    const k = heads('k_proj');
    const v = heads('v_proj');
    let scores = o.mul(o.matmulT(q, k), 1 / Math.sqrt(dk)); // [N, h, P, P]
    if (prev) scores = o.add(scores, prev);
    const weights = net.dropout(o.softmax(scores, -1), cfg.attn_dropout);
    const ctx = o.reshape(o.transpose(o.matmul(weights, v), [0, 2, 1, 3]), [seqs * P, d]);
    return { out: net.dropout(dense(net, 'o_proj', ctx, d, d), cfg.proj_dropout), scores };
  });
}

/** Position-wise FFN: Linear(d → d_ff), GELU, dropout, Linear(d_ff → d). */
export function feedForward(net: Net, z: Tensor, cfg: ModelConfig): Tensor {
  return net.graph.scope('ffn', () =>
    dense(net, 'fc2', net.dropout(o.gelu(dense(net, 'fc1', z, cfg.d_model, cfg.d_ff)), cfg.dropout), cfg.d_ff, cfg.d_model));
}

/** Flatten head: dropout, then Linear(features → 1) giving one logit per sample. */
export function flattenHead(net: Net, z: Tensor, batch: number, cfg: ModelConfig): Tensor {
  const flat = o.reshape(z, [batch, -1]);
  const logits = dense(net, 'head', net.dropout(flat, cfg.head_dropout), flat.shape[1], 1);
  return o.reshape(logits, [batch]);
}

/** Learned positional table [rows, d] (PatchTST: U(−0.02, 0.02)), not weight-decayed. */
export const positions = (net: Net, rows: number, d: number): Tensor =>
  net.param('pos_embed', [rows, d], { kind: 'uniform', bound: 0.02 }, { decay: false });
