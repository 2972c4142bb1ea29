import type { Model } from '../step/graphs.js';
import { type ModelConfig, checkModelConfig } from './config.js';
import { patchtst } from './patchtst.js';
import { patchtstMix } from './patchtst_mix.js';

export { type ModelConfig, MODEL_NAMES, patchPadding, checkModelConfig } from './config.js';
export { patchtst } from './patchtst.js';
export { patchtstMix } from './patchtst_mix.js';
export { countParams, paramBreakdown, type ParamBreakdown } from './count.js';

/** The forward builder for a model config; checks the shape first (one clear line per bad field). */
export function buildModel(cfg: ModelConfig, channels: number): Model {
  checkModelConfig(cfg, channels);
  const model = cfg.name === 'patchtst' ? patchtst(cfg) : patchtstMix(cfg);
  return {
    key: { config: cfg, channels },
    forward(net, x) {
      if (x.rank !== 3 || x.shape[1] !== cfg.context_length || x.shape[2] !== channels) {
        throw new Error(`${cfg.name} expects input [B, ${cfg.context_length}, ${channels}], got [${x.shape}]`);
      }
      return model.forward(net, x);
    },
  };
}
