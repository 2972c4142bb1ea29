// One random stream per (study seed, trial number): a proposal depends on nothing else that is random, so a
// resumed study, or trials proposed in another order by parallel workers, draw exactly what the first run drew.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded source of uniforms in [0, 1) and of integers. */
export interface Rng {
  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** The stream of trial `number` in a study seeded with `seed` (any integers; platform-independent). */
export function trialRng(seed: number, number: number): Rng {
  const generator = xoroshiro128plus(fmix32(fmix32(seed | 0) + Math.imul(number + 1, 0x9e3779b9)));
  return {
    uniform: () => uniformFloat64(generator),
    below: (n) => Math.min(n - 1, Math.floor(uniformFloat64(generator) * n)),
  };
}
