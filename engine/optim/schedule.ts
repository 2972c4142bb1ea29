/** Learning-rate schedules and Adam bias corrections, computed in JS double precision per step. */

export interface LrSchedule {
  lr: number;
  warmupSteps: number;
  /** Total optimizer steps of the run (the cosine reaches minLr there). */
  totalSteps: number;
  schedule: 'cosine' | 'constant';
  minLr?: number;
}

/** LR for optimizer step `t` (1-based): linear warmup to lr, then cosine decay to minLr or constant. */
export function learningRate(t: number, s: LrSchedule): number {
  if (s.warmupSteps > 0 && t <= s.warmupSteps) return (s.lr * t) / s.warmupSteps;
  if (s.schedule === 'constant') return s.lr;
  const minLr = s.minLr ?? 0;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (t - s.warmupSteps) / span);
  return minLr + (s.lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** The scalars the AdamW graph takes for step t (1-based). */
export function adamScalars(t: number, lr: number, beta1: number, beta2: number): { lr: number; stepSize: number; bc2Sqrt: number } {
  return { lr, stepSize: lr / (1 - beta1 ** t), bc2Sqrt: Math.sqrt(1 - beta2 ** t) };
}
