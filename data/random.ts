// Data's seeded helpers (split chunk order, batch order) on top of pure-rand: Mersenne Twister and
// its unbiased integer draw give the same order for the same seed on every platform (xoroshiro128+
// was not used: its first draw is the same for every small seed).
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';

/** Mixes several integers (e.g. seed and epoch) into one 32-bit seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle of 0..n-1, seeded: the same seed gives the same order. */
export function permutation(n: number, seed: number): Int32Array {
  const rng = mersenne(seed);
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
