/**
 * Seeded PRNG (sfc32, 128-bit state) for parameter init. The state is four uint32s, so it can be stored
 * in a checkpoint and resumed exactly.
 */
import { mix32 } from './hash.js';

export type RngState = [number, number, number, number];

export class Rng {
  // the state in a typed array, not a JS array or number fields: nextU32 runs millions of times per job (the
  // dropout table, parameter init) and must not allocate (a uint32 above 2^31 stored in a field is boxed)
  private readonly s = new Uint32Array(4);
  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) this.s.set(seed);
    else {
      const k = seed >>> 0;
      this.s.set([mix32(k ^ 0x243f6a88), mix32(k ^ 0x85a308d3), mix32(k ^ 0x13198a2e), mix32(k ^ 0x03707344)]);
      for (let i = 0; i < 12; i++) this.nextU32();
    }
  }
  get state(): RngState {
    return [...this.s] as RngState;
  }
  nextU32(): number {
    const s = this.s;
    const [a, b, c, d] = [s[0], s[1], s[2], s[3]];
    const t = (((a + b) >>> 0) + d) >>> 0;
    s[0] = b ^ (b >>> 9);
    s[1] = c + (c << 3);
    s[2] = ((c << 21) | (c >>> 11)) + t;
    s[3] = d + 1;
    return t;
  }
  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Standard normal (Box–Muller; one draw per call, no cached spare so the stream is easy to resume). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
