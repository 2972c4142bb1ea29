/**
 * The dropout stream. A training graph takes a mask table [R, 2·T] — one row per distinct dropout rate p,
 * holding 0 or 1/(1−p) from a seeded uniform stream (T = the largest dropout site) — and one offset per
 * site per step: site s with rate row r uses table[r, o : o + numel], o = hash(seed, step, s) mod T. The
 * table comes from the run seed and the offsets from (seed, step, site), both in JS, so masks are
 * deterministic, survive resume from a checkpoint and are bit-identical on every backend; in the graph a
 * dropout is one Slice and one Mul.
 *
 * Why not an in-graph integer hash per element: ORT's integer kernels (Mul, BitwiseXor, BitShift on
 * uint32/int64) are not vectorised, ~10 ns per element per op on this machine versus ~0.3 ns for float ops,
 * so hashing every element cost more than the whole PatchTST forward/backward at the 2m shapes. Masks of
 * one step are i.i.d. within a site; across sites and steps they are random cyclic shifts of one stream.
 */
import { mix32, siteKey, stepKey } from './hash.js';
import { Rng } from './rng.js';

export interface DropoutPlan {
  /** Dropout sites in the training graph (calls of net.dropout with p > 0). */
  sites: number;
  /** Largest site's element count; each table row holds 2·tableSize values. */
  tableSize: number;
  /** Distinct dropout rates, one table row each, in order of first use. */
  rates: number[];
}

export const emptyPlan = (): DropoutPlan => ({ sites: 0, tableSize: 0, rates: [] });

/** The mask table for a run: row r keeps a value (1/(1−p), in fp32) where the seeded uniform u ≥ p. */
export function dropoutTable(plan: DropoutPlan, seed: number): Float32Array {
  const n = 2 * plan.tableSize;
  const rng = new Rng((seed ^ 0x6a09e667) >>> 0);
  const keep = plan.rates.map((p) => Math.fround(1 / (1 - p)));
  const threshold = plan.rates.map((p) => Math.fround(p));
  const t = new Float32Array(plan.rates.length * n);
  // one pass, no array of the uniforms: at 2m/64 the table is 6.5M values per row, and touching memory is
  // most of its cost; u has 24 bits, so it is the same number as the float32 it used to be stored as
  for (let i = 0; i < n; i++) {
    const u = (rng.nextU32() >>> 8) * 2 ** -24;
    for (let r = 0; r < keep.length; r++) t[r * n + i] = u >= threshold[r] ? keep[r] : 0;
  }
  return t;
}

/** Per-site offsets in [0, tableSize) for optimizer step `step` (1-based). */
export function dropoutOffsets(plan: DropoutPlan, seed: number, step: number): BigInt64Array {
  const key = stepKey(seed, step);
  return BigInt64Array.from({ length: plan.sites }, (_, s) => BigInt(Math.floor((mix32((key ^ siteKey(s)) >>> 0) / 2 ** 32) * plan.tableSize)));
}

/** The dropout inputs of a training graph for step `step` (none when the model has no dropout). */
export function dropoutFeeds(
  plan: DropoutPlan,
  table: Float32Array | Float64Array,
  seed: number,
  step: number,
): Record<string, { data: Float32Array | Float64Array | BigInt64Array; dims: number[] }> {
  if (plan.sites === 0) return {};
  return {
    dropout_table: { data: table, dims: [plan.rates.length, 2 * plan.tableSize] },
    dropout_offsets: { data: dropoutOffsets(plan, seed, step), dims: [plan.sites] },
  };
}
