// What `task=train` checks of each job's spec when the jobs are planned, before any starts: every
// check that spans fields or reaches outside the config (the model's shape, a strict parameter budget,
// the split settings, the data file) through the engine's and data's own validators, so a sweep with
// one impossible job fails as a config error instead of leaving a failed run folder behind.
// Machine-dependent checks (free memory) and a non-strict budget stay at job start (preflight.ts).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { checkLoadConfig, featureColumns } from '../../../data/index.js';
import { checkModelConfig, countParams } from '../../../engine/index.js';
import type { BudgetConfig, Spec } from '../../../schemas/index.js';
import { checkThresholds } from '../../monitor/index.js';

/** The parts of the composed config (schemas/spec) the train task reads: everything but `task`. */
export type TrainSpec = Pick<Spec, 'seed' | 'model' | 'budget' | 'horizon' | 'target' | 'split' | 'data' | 'trainer' | 'monitor'>;

/** Where a run keeps its checkpoints, relative to its run folder. */
export const CHECKPOINTS = { best: 'checkpoints/best.safetensors', last: 'checkpoints/last.safetensors' } as const;

/**
 * Throws an Error (one line: field, values, fix) when the job cannot train: a model shape that forms
 * no model, a parameter count outside a strict budget, bad split settings, a data file that is missing
 * or unreadable, a resume folder without a checkpoint, or monitor thresholds that do not ascend. Reads no
 * data (a stat per file).
 */
export function checkTrainSpec(spec: TrainSpec, cwd = process.cwd()): void {
  if (spec.monitor) checkThresholds(spec.monitor.thresholds);
  const channels = featureColumns(spec.data.features).length;
  checkModelConfig(spec.model, channels);
  if (spec.budget.strict) {
    const offBudget = budgetMismatch(countParams(spec.model, channels), spec.budget);
    if (offBudget) throw new Error(offBudget);
  }
  const { data, split, horizon, target, seed } = spec;
  checkLoadConfig({ data, split, horizon, target, contextLength: spec.model.context_length, seed }, { cwd });
  const from = spec.trainer.resume;
  if (from && !existsSync(join(isAbsolute(from) ? from : resolve(cwd, from), CHECKPOINTS.last))) {
    throw new Error(`trainer.resume=${from}: no ${CHECKPOINTS.last} there. Fix: point it at the run folder of a task=train run that reached a checkpoint`);
  }
}

/** The budget fields the parameter check reads (schemas/budget). */
export type BudgetSpec = Pick<BudgetConfig, 'name' | 'params' | 'tolerance' | 'strict'>;

/** null when the count is within tolerance, else the message (a warning, or an error when strict). */
export function budgetMismatch(nParams: number, budget: BudgetSpec): string | null {
  const deviation = (nParams - budget.params) / budget.params;
  if (Math.abs(deviation) <= budget.tolerance) return null;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return (
    `the model has ${nParams.toLocaleString('en-US')} parameters, ${pct(Math.abs(deviation))} ${deviation > 0 ? 'over' : 'under'} ` +
    `budget=${budget.name} (${budget.params.toLocaleString('en-US')} ± ${pct(budget.tolerance)}). ` +
    `Fix: change model.d_model/n_layers or the budget's arch table${budget.strict ? ', or set budget.strict=false to only warn' : ''}`
  );
}
