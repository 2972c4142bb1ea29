/**
 * 32-bit integer hash (lowbias32 mixer) for the dropout stream's per-step, per-site offsets. Computed in JS
 * (Math.imul), so it is exact and identical wherever the trainer runs.
 */
const MULT = 0x45d9f3b;

export function mix32(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, MULT) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, MULT) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Key of optimizer step `step` of a run seeded with `seed`. */
export const stepKey = (seed: number, step: number): number => mix32((mix32(seed >>> 0) ^ (step >>> 0)) >>> 0);
/** Key of dropout site `site` (the n-th dropout call of a model). */
export const siteKey = (site: number): number => mix32(Math.imul(site + 1, 0x9e3779b1) >>> 0);
