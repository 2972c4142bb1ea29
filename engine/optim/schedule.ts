/** Learning-rate schedules, computed in JS double precision per step. */

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
