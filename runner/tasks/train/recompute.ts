// trainer.recompute as the engine takes it: encoder layers per recomputed segment (engine/autodiff/recompute.ts).
import type { TrainerConfig } from '../../../schemas/index.js';

/** false or absent → 0 (keep every activation), true → 1 (recompute every layer), N → N (keep every Nth layer boundary). */
export function recomputeLayers(trainer: Pick<TrainerConfig, 'recompute'>): number {
  const r = trainer.recompute ?? false;
  return r === true ? 1 : r === false ? 0 : r;
}

/**
 * The warning for a trainer.recompute that saves nothing: N at or above the model's `layers` encoder layers
 * makes one segment of them all, which keeps as much as no recomputation and still pays its extra forward
 * pass (PyTorch's checkpoint_sequential likewise saves nothing with one segment). null when N saves memory.
 */
export function recomputeWarning(trainer: Pick<TrainerConfig, 'recompute'>, layers: number): string | null {
  const n = recomputeLayers(trainer);
  if (n === 0 || n < layers) return null;
  const fix = layers > 1 ? `trainer.recompute=true (every layer) or an N below ${layers}` : 'trainer.recompute=false';
  return `trainer.recompute=${trainer.recompute} is not below the model's ${layers} encoder layer${layers === 1 ? '' : 's'}: one segment holds them all, so the step keeps as much memory as without recomputation and still recomputes the forward pass; use ${fix}`;
}
