/**
 * The dropout stream. Each training graph takes a table of 2·T uniforms (T = the largest dropout site) and
 * one offset per site per step; site s at step t uses table[o : o + numel] with o = hash(seed, t, s) mod T.
 * The table comes from the run seed and the offsets from (seed, step, site), both in JS, so masks are
 * deterministic, survive resume from a checkpoint and are bit-identical on every backend.
 *
 * Why not an in-graph integer hash per element: ORT's integer kernels (Mul, BitwiseXor, BitShift on
 * uint32/int64) are not vectorised, ~10 ns per element per op on this machine versus ~0.3 ns for float ops,
 * so hashing every element cost more than the whole PatchTST forward/backward at the 2m shapes. A table
 * slice is a memcpy plus one compare. Masks of one step are i.i.d. within a site; across sites and steps
 * they are random cyclic shifts of one table.
 */
import { mix32, siteKey, stepKey } from '../autodiff/hash.js';
import { Rng } from './rng.js';

export interface DropoutPlan {
  /** Dropout sites in the training graph (calls of net.dropout with p > 0). */
  sites: number;
  /** Largest site's element count; the table holds 2·tableSize values. */
  tableSize: number;
}

/** The uniform table for a run: 2·tableSize values k/2^24 from the seed. */
export function dropoutTable(plan: DropoutPlan, seed: number): Float32Array {
  const rng = new Rng((seed ^ 0x6a09e667) >>> 0);
  const t = new Float32Array(2 * plan.tableSize);
  for (let i = 0; i < t.length; i++) t[i] = (rng.nextU32() >>> 8) * 2 ** -24;
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
    dropout_table: { data: table, dims: [table.length] },
    dropout_offsets: { data: dropoutOffsets(plan, seed, step), dims: [plan.sites] },
  };
}
