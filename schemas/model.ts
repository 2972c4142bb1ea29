import type { FromSchema } from 'json-schema-to-ts';

import { positiveInt, unitInterval } from './primitives.js';

/** conf/model/*.yaml: PatchTST architecture (engine/ never reads YAML; the runner passes this object). */
export const modelSchema = {
  $id: 'ladder/model',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'context_length', 'patch_len', 'stride', 'd_model', 'n_heads', 'n_layers', 'd_ff', 'dropout',
    'proj_dropout', 'attn_dropout', 'head_dropout', 'norm', 'residual_attention', 'revin', 'revin_affine'],
  properties: {
    name: { enum: ['patchtst', 'patchtst_mix'], description: 'patchtst pads the end by one stride (one more patch); patchtst_mix does not' },
    context_length: { ...positiveInt, description: 'Days of history per sample' },
    patch_len: { ...positiveInt, description: 'Days per patch' },
    stride: { ...positiveInt, description: 'Days between patch starts' },
    d_model: positiveInt,
    n_heads: positiveInt,
    n_layers: positiveInt,
    d_ff: positiveInt,
    dropout: { ...unitInterval, description: 'Dropout after the embedding, on each residual branch (attention and FFN) and on the FFN hidden layer' },
    proj_dropout: { ...unitInterval, description: "Dropout on the attention output projection, before the residual dropout (PatchTST's to_out Dropout; the paper uses dropout's rate)" },
    attn_dropout: unitInterval,
    head_dropout: unitInterval,
    norm: { enum: ['batch', 'layer'] },
    residual_attention: { type: 'boolean', description: "Add the previous layer's pre-softmax attention scores (PatchTST's res_attention)" },
    revin: { type: 'boolean', description: 'Reversible instance normalisation' },
    revin_affine: { type: 'boolean', description: 'Learned per-channel affine map after RevIN (2 parameters per channel)' },
  },
} as const;

export type ModelConfig = FromSchema<typeof modelSchema>;
