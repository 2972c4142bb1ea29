// trainer.recompute as the engine takes it: encoder layers per recomputed segment (engine/autodiff/recompute.ts).
import type { TrainerConfig } from '../../../schemas/index.js';

/** false or absent → 0 (keep every activation), true → 1 (recompute every layer), N → N (keep every Nth layer boundary). */
export function recomputeLayers(trainer: Pick<TrainerConfig, 'recompute'>): number {
  const r = trainer.recompute ?? false;
  return r === true ? 1 : r === false ? 0 : r;
}
