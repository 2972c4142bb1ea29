/**
 * Counter-based 32-bit hash (lowbias32-style mixer) used for dropout masks: the mask depends only on
 * (seed, step, dropout site, element index), so it is deterministic, survives resume from a checkpoint
 * and is bit-identical on every backend. In-graph it runs on int64 holding uint32 values: products stay
 * below 2^63 because the multiplier is < 2^31, and >> is an exact integer Div.
 */
import type { Graph, Tensor } from '../graph/builder.js';

const MULT = 0x45d9f3b;
const MASK32 = 0xffffffff;

/** JS mirror of the in-graph mixer (uint32 in, uint32 out). */
export function mix32(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, MULT) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, MULT) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The per-step key fed to the graph: depends on the run seed and the optimizer step only. */
export const stepKey = (seed: number, step: number): number => mix32((mix32(seed >>> 0) ^ (step >>> 0)) >>> 0);
/** A constant key per dropout site, so two sites with the same shape get different masks. */
export const siteKey = (site: number): number => mix32((Math.imul(site + 1, 0x9e3779b1) >>> 0));

export function mix32Graph(g: Graph, h: Tensor): Tensor {
  const i = (v: number) => g.scalar(v, 'int64', 'hash_c');
  const op = (name: string, a: Tensor, b: Tensor) => g.op(name, [a, b], {}, 'int64', h.shape);
  const xorShift = (t: Tensor) => op('BitwiseXor', t, op('Div', t, i(65536)));
  const mulMask = (t: Tensor) => op('BitwiseAnd', op('Mul', t, i(MULT)), i(MASK32));
  return xorShift(mulMask(xorShift(mulMask(xorShift(h)))));
}

/**
 * Uniform [0, 1) floats of `shape` (24-bit resolution) from the int64 scalar `key` (a stepKey) and a site.
 * Element i gets mix32(mix32(i ^ site) ^ key).
 */
export function uniformHash(g: Graph, key: Tensor, site: number, shape: number[], dtype: Tensor['dtype']): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const i = (v: number) => g.scalar(v, 'int64', 'hash_c');
  const idx = g.op('Reshape', [g.op('Range', [i(0), i(n), i(1)], {}, 'int64', [n]), g.ints(shape)], {}, 'int64', shape);
  const h1 = mix32Graph(g, g.op('BitwiseXor', [g.op('BitwiseAnd', [idx, i(MASK32)], {}, 'int64', shape), i(siteKey(site))], {}, 'int64', shape));
  const h2 = mix32Graph(g, g.op('BitwiseXor', [h1, key], {}, 'int64', shape));
  const bits = g.op('BitwiseAnd', [h2, i(0xffffff)], {}, 'int64', shape);
  return g.op('Mul', [g.op('Cast', [bits], { to: dtype === 'float64' ? 11 : 1 }, dtype, shape), g.scalar(2 ** -24, dtype)], {}, dtype, shape);
}

/** JS mirror of uniformHash for one element (used by tests and to document the exact stream). */
export function uniformHashAt(key: number, site: number, index: number): number {
  const h1 = mix32(((index >>> 0) ^ siteKey(site)) >>> 0);
  return (mix32((h1 ^ key) >>> 0) & 0xffffff) * 2 ** -24;
}
