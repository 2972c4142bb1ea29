// What every sampler does the same way: keys in sampling order (a parent before the keys conditioned on it),
// a conditional key left out when its condition fails, and the keys a Constraint ties together drawn in one
// tuple, rejected and drawn again while the tuple breaks it (at most MAX_DRAWS tuples a proposal, then a valid
// combination drawn uniformly from the enumerated valid set). Samplers differ only in their models: how a
// group of keys' candidates are drawn and scored (random: one draw, no preference; TPE: n_ei_candidates from
// l, scored by log l - log g).
import { SweepError } from '../product.js';
import { conditionHolds, samplingOrder, type SearchParam, type SearchSpace } from '../space.js';
import type { Rng } from './rng.js';
import type { Constraint, ParamValue } from './types.js';

/** How one key's value is proposed: candidates come from `draw`, the best `score` wins. */
export interface KeyModel {
  draw(rng: Rng): ParamValue;
  score(value: ParamValue): number;
}

/** A model of several keys drawn together (a constrained tuple, or multivariate TPE's joint kernels). */
export interface GroupModel {
  keys: string[];
  draw(rng: Rng): Record<string, ParamValue>;
  score(values: Readonly<Record<string, ParamValue>>): number;
}

/** Independent key models as one group: each key drawn on its own, scores added (a product of densities). */
export function productModel(keys: SearchParam[], model: (p: SearchParam) => KeyModel): GroupModel {
  const models = keys.map(model);
  return {
    keys: keys.map((p) => p.key),
    draw: (rng) => Object.fromEntries(keys.map((p, j) => [p.key, models[j].draw(rng)])),
    score: (values) => keys.reduce((s, p, j) => s + models[j].score(values[p.key]), 0),
  };
}

/** Candidate tuples drawn per group and proposal before falling back to the valid set. */
export const MAX_DRAWS = 1000;
/** The most combinations of constrained keys enumerated (the valid set, the empty-set check). */
const MAX_COMBINATIONS = 1_000_000;

/** Every value a constrained key can take (its choices, or every integer of an int interval). */
function values(p: SearchParam): ParamValue[] {
  const d = p.distribution;
  if (d.type === 'categorical') return d.choices;
  return Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
}

/** The searched params a constraint ties; throws SweepError for a key that is not searched, conditional, or a float interval. */
export function constrainedParams(space: SearchSpace, constraint: Constraint): SearchParam[] {
  return constraint.keys.map((key) => {
    const p = space.find((q) => q.key === key);
    if (!p) throw new SweepError(`the constraint (${constraint.describe}) ties ${key}, which is not searched`);
    if (p.condition) throw new SweepError(`${key}: a constrained key cannot be conditional (sweeper.conditions.${key}); drop the condition`);
    if (p.distribution.type === 'float') throw new SweepError(`${key}: a constrained key must be a choice or an int interval, not a float interval`);
    return p;
  });
}

/**
 * The combinations of `constraint.keys` that satisfy it, in the order of the keys' values. Throws SweepError
 * when a key is not searched, is conditional, or is a float interval, when there are too many to enumerate, or
 * when none is valid (an empty valid set is a config error before any trial runs).
 */
export function validCombinations(space: SearchSpace, constraint: Constraint): Record<string, ParamValue>[] {
  const params = constrainedParams(space, constraint);
  const count = params.reduce((n, p) => n * values(p).length, 1);
  if (count > MAX_COMBINATIONS) throw new SweepError(`the constraint (${constraint.describe}) spans ${count} combinations of ${constraint.keys.join(', ')}, more than ${MAX_COMBINATIONS}; narrow their choices`);
  let combos: Record<string, ParamValue>[] = [{}];
  for (const p of params) combos = combos.flatMap((c) => values(p).map((v) => ({ ...c, [p.key]: v })));
  const valid = combos.filter((c) => constraint.valid(c));
  if (valid.length === 0) throw new SweepError(`no combination of ${constraint.keys.join(', ')} satisfies ${constraint.describe}; widen their choices`);
  return valid;
}

/** How a sampler proposes: its groups of keys drawn together, and per key for the rest. */
export interface Proposer {
  /** Groups of unconditional keys modelled jointly; every constraint's keys lie within one group. */
  groups: GroupModel[];
  /** The model of a key outside every group. */
  model(p: SearchParam): KeyModel;
  /** Candidates drawn per group or key; the best score is proposed. */
  candidates: number;
}

/** One proposal over `space`; counts rejected tuples in `tally.rejected`. */
export function propose(
  space: SearchSpace,
  constraints: readonly Constraint[],
  valid: (c: Constraint) => Record<string, ParamValue>[],
  proposer: Proposer,
  rng: Rng,
  tally: { rejected: number },
): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  const grouped = new Set(proposer.groups.flatMap((g) => g.keys));
  for (const group of proposer.groups) {
    const inGroup = constraints.filter((c) => c.keys.every((k) => group.keys.includes(k)));
    Object.assign(params, proposeGroup(group, inGroup, valid, proposer.candidates, rng, tally));
  }
  for (const p of samplingOrder(space)) {
    if (grouped.has(p.key) || !conditionHolds(p, params)) continue;
    const m = proposer.model(p);
    let best = m.draw(rng);
    let bestScore = m.score(best);
    for (let i = 1; i < proposer.candidates; i++) {
      const v = m.draw(rng);
      const s = m.score(v);
      if (s > bestScore) [best, bestScore] = [v, s];
    }
    params[p.key] = best;
  }
  return Object.fromEntries(space.filter((p) => p.key in params).map((p) => [p.key, params[p.key]]));
}

function proposeGroup(
  group: GroupModel,
  constraints: readonly Constraint[],
  valid: (c: Constraint) => Record<string, ParamValue>[],
  candidates: number,
  rng: Rng,
  tally: { rejected: number },
): Record<string, ParamValue> {
  let best: Record<string, ParamValue> | null = null;
  let bestScore = -Infinity;
  for (let drawn = 0; drawn < MAX_DRAWS && best === null; ) {
    for (let i = 0; i < candidates && drawn < MAX_DRAWS; i++, drawn++) {
      const tuple = group.draw(rng);
      if (!constraints.every((c) => c.valid(tuple))) {
        tally.rejected++;
        continue;
      }
      const score = group.score(tuple);
      if (best === null || score > bestScore) [best, bestScore] = [tuple, score];
    }
  }
  if (best) return best;
  // nothing valid in MAX_DRAWS tuples: each constraint's keys from its valid set, the group's other keys as drawn
  const tuple = group.draw(rng);
  for (const c of constraints) {
    const all = valid(c);
    Object.assign(tuple, all[rng.below(all.length)]);
  }
  return tuple;
}
