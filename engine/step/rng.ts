/**
 * Seeded PRNG (sfc32, 128-bit state) for parameter init. The state is four uint32s, so it can be stored
 * in a checkpoint and resumed exactly.
 */
import { mix32 } from './hash.js';

export type RngState = [number, number, number, number];

export class Rng {
  private s: RngState;
  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) this.s = [...seed] as RngState;
    else {
      const k = seed >>> 0;
      this.s = [mix32(k ^ 0x243f6a88), mix32(k ^ 0x85a308d3), mix32(k ^ 0x13198a2e), mix32(k ^ 0x03707344)];
      for (let i = 0; i < 12; i++) this.nextU32();
    }
  }
  get state(): RngState {
    return [...this.s] as RngState;
  }
  nextU32(): number {
    let [a, b, c, d] = this.s;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    this.s = [a >>> 0, b, c, d];
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
