// The budget-constrained architecture of a study: when the space searches model.d_model, model.n_layers or
// model.n_heads, only the combinations whose exact parameter count (engine/models' formula, nothing built) lies
// within the budget's tolerance, and whose n_heads divides d_model, may be proposed. d_ff follows d_model as
// 4·d_model (the study's and PatchTST's ratio) unless model.d_ff is itself searched; the trial's overrides then
// carry model.d_ff explicitly, so the job trains exactly the model the constraint counted.
import { countParams } from '../engine/models/count.js';
import { checkModelConfig, type ModelConfig } from '../engine/models/config.js';
import type { Constraint, ParamValue } from './samplers/types.js';
import type { SearchSpace } from './space.js';

/** The architecture keys the constraint ties, in this order. */
export const ARCHITECTURE_KEYS = ['model.d_model', 'model.n_layers', 'model.n_heads', 'model.d_ff'] as const;

/** What the constraint is judged against: the cell's composed model, its input channels and its budget. */
export interface ArchitectureCell {
  model: ModelConfig;
  /** Input channels of the cell's data (the feature count). */
  channels: number;
  budget: { name: string; params: number; tolerance: number };
}

/** A parameter's number: an int's value, or the value part of a choice's text (`model.d_model=256` → 256); NaN if not numeric. */
export function numericValue(value: ParamValue | undefined): number {
  if (typeof value === 'number') return value;
  if (value === undefined) return NaN;
  const text = value.slice(value.indexOf('=') + 1).trim();
  return text === '' ? NaN : Number(text);
}

const searched = (space: SearchSpace, key: string) => space.some((p) => p.key === key);

/** d_ff per d_model where d_ff follows d_model (the study's and PatchTST's ratio). */
const D_FF_RATIO = 4;

/** The one rule: d_ff follows d_model when model.d_model is searched and model.d_ff is not. */
const dffFollows = (searchedKeys: readonly string[]) => searchedKeys.includes('model.d_model') && !searchedKeys.includes('model.d_ff');

/** The model a trial's architecture values give: the cell's model with the searched keys replaced, d_ff following d_model. */
export function trialModel(space: SearchSpace, cell: ArchitectureCell, params: Readonly<Record<string, ParamValue>>): ModelConfig {
  const model = { ...cell.model };
  const take = (field: 'd_model' | 'n_layers' | 'n_heads' | 'd_ff') => {
    if (searched(space, `model.${field}`)) model[field] = numericValue(params[`model.${field}`]);
  };
  take('d_model');
  take('n_layers');
  take('n_heads');
  take('d_ff');
  if (dffFollows(space.map((p) => p.key))) model.d_ff = D_FF_RATIO * model.d_model;
  return model;
}

/**
 * The Constraint for a cell, or null when the space searches none of d_model, n_layers, n_heads. valid():
 * every value numeric, n_heads divides d_model, the shape forms a model (checkModelConfig), and
 * |countParams - budget.params| ≤ tolerance · budget.params. Pass it to createSampler, and check up front
 * with validCombinations (sweeps/samplers) that some combination is valid.
 */
export function architectureConstraint(space: SearchSpace, cell: ArchitectureCell): Constraint | null {
  if (!['model.d_model', 'model.n_layers', 'model.n_heads'].some((k) => searched(space, k))) return null;
  const keys = ARCHITECTURE_KEYS.filter((k) => searched(space, k));
  const { name, params, tolerance } = cell.budget;
  const dff = dffFollows(keys) ? `, d_ff = ${D_FF_RATIO}·d_model` : '';
  return {
    keys,
    describe: `exact count within budget=${name} (${params.toLocaleString('en-US')} ± ${Math.round(tolerance * 100)}%), n_heads | d_model${dff}`,
    valid(values) {
      const model = trialModel(space, cell, values);
      if (![model.d_model, model.n_layers, model.n_heads, model.d_ff].every((v) => Number.isInteger(v) && v > 0)) return false;
      if (model.d_model % model.n_heads !== 0) return false;
      try {
        checkModelConfig(model, cell.channels);
      } catch {
        return false;
      }
      return Math.abs(countParams(model, cell.channels) - params) <= tolerance * params;
    },
  };
}

/**
 * The keys a trial's architecture derives from its parameters, with their values (`['model.d_ff', 4·d_model]`
 * when d_ff follows d_model), for a study known by its searched keys (`space.map((p) => p.key)`, or the keys
 * the index stores): what running, re-running or exporting the trial must set besides its parameters to build
 * the model the constraint counted, and what showing it lists beside them.
 */
export function derivedParams(searchedKeys: readonly string[], params: Readonly<Record<string, ParamValue>>): [string, number][] {
  if (!dffFollows(searchedKeys) || !('model.d_model' in params)) return [];
  return [['model.d_ff', D_FF_RATIO * numericValue(params['model.d_model'])]];
}

/** derivedParams as the job's overrides (`model.d_ff=256`). */
export const derivedOverrides = (searchedKeys: readonly string[], params: Readonly<Record<string, ParamValue>>): string[] =>
  derivedParams(searchedKeys, params).map(([key, value]) => `${key}=${value}`);
