// Turns a multirun whose sweeper is random or tpe into studies: the grid of the command line (and the
// preset's params) gives the cells, `sweeper.params` the search space of each. Everything a study could
// trip over is checked here, before any trial runs: the space's grammar and ranges, keys missing from the
// composed config, an architecture space with no valid point.
import { featureColumns } from '../../data/index.js';
import type { StudySweeperConfig } from '../../schemas/sweeper.js';
import { architectureConstraint, type ArchitectureCell } from '../../sweeps/architecture.js';
import { createSampler, validCombinations, type Constraint, type Sampler } from '../../sweeps/samplers/index.js';
import type { SearchSpace } from '../../sweeps/space.js';
import { Study, StudyError, studySpace, type TrialRecord } from '../../sweeps/study/index.js';
import { isDict, type ConfigValue } from '../compose/index.js';
import { nearest } from '../suggest.js';
import { prunerSpec, StudyDriver, type ComposeTrial } from './study-driver.js';
import type { PlannedJob } from './types.js';

/** The constraint a cell puts on its space (the budget-constrained architecture), or null: none. */
export type ConstraintFor = (cell: PlannedJob, space: SearchSpace) => Constraint | null;

export interface StudyPlanOptions {
  /** The cells, each composed (its config without the sweeper and launcher nodes). */
  cells: PlannedJob[];
  cfg: StudySweeperConfig;
  /** A preset's search space and conditions, over the composed node's (sweep=hpo). */
  presetParams?: Record<string, unknown>;
  presetConditions?: Record<string, string>;
  groupOptions: (group: string) => string[];
  compose: ComposeTrial;
  /** Default: the budget-constrained architecture of the cell's composed config (cellArchitecture). */
  constraintFor?: ConstraintFor;
  /** A resumed sweep's studies: their trials so far, by cell index. */
  restored?: Map<number, { id: string; trials: TrialRecord[]; rejected?: number }>;
}

/**
 * The study driver for the cells. Throws StudyError (a config error, exit 2) for an empty search space,
 * a space key that the composed config lacks, a bad interval or log scale, an architecture space with no
 * valid point.
 */
export function planStudies(opts: StudyPlanOptions): StudyDriver {
  const { cfg } = opts;
  const params = { ...cfg.params, ...opts.presetParams };
  const conditions = { ...cfg.conditions, ...opts.presetConditions };
  if (Object.keys(params).length === 0) {
    throw new StudyError(`sweeper=${cfg.name}: the search space sweeper.params is empty; give it keys in a sweeper config or a preset, e.g. sweep=hpo, or use sweeper=basic for a grid`);
  }
  const space = studySpace(params, opts.groupOptions, conditions);
  for (const { key } of space) {
    if (opts.cells.some((c) => c.overrides.some((o) => o.trim().startsWith(`${key}=`)))) {
      // a fixed override of a searched key is overridden by every trial: say so rather than ignore it
      throw new StudyError(`${key} is both set on the command line and searched in sweeper.params.${key}; drop one of them`);
    }
  }
  const studies = opts.cells.map((cell, index) => {
    checkKeys(space, cell.config);
    const constraint = (opts.constraintFor ?? cellArchitecture)(cell, space);
    if (constraint) checkFeasible(constraint, space, cell);
    const sampler = studySampler(cfg, constraint);
    const restored = opts.restored?.get(index);
    const spec = {
      id: restored?.id ?? '', index, cell: cell.overrides, sampler: cfg.name, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])),
      conditions, n_trials: cfg.n_trials, seed: cfg.seed, objective: cfg.objective, direction: cfg.direction, pruner: prunerSpec(cfg), constraint: constraint?.describe ?? null,
    };
    return new Study(spec, space, sampler, restored?.trials ?? [], restored?.rejected ?? 0);
  });
  return new StudyDriver(studies, cfg, opts.compose);
}

/** The sampler of one study: sweeper=random or tpe with its own keys (n_startup_trials, gamma, ...), honouring the constraint. */
function studySampler(cfg: StudySweeperConfig, constraint: Constraint | null): Sampler {
  const constraints = constraint ? [constraint] : [];
  if (cfg.name === 'random') return createSampler('random', cfg.seed, { constraints });
  const { n_startup_trials, n_ei_candidates, gamma, prior_weight, consider_magic_clip, consider_endpoints, constant_liar, multivariate } = cfg;
  return createSampler('tpe', cfg.seed, { constraints, n_startup_trials, n_ei_candidates, gamma, prior_weight, consider_magic_clip, consider_endpoints, constant_liar, multivariate });
}

/**
 * The budget-constrained architecture of a cell (sweeps/architecture.ts): from its composed model, its data's
 * channel count and its budget; null when the space searches no architecture key or the config has no model
 * and budget (a task other than train).
 */
export function cellArchitecture(cell: PlannedJob, space: SearchSpace): Constraint | null {
  const config = cell.config as { model?: ArchitectureCell['model']; budget?: ArchitectureCell['budget']; data?: { features?: unknown } };
  if (!isDict(config.model as ConfigValue) || !isDict(config.budget as ConfigValue) || !config.data) return null;
  const channels = featureColumns(config.data.features as Parameters<typeof featureColumns>[0]).length;
  return architectureConstraint(space, { model: config.model!, channels, budget: config.budget! });
}

/** Every search-space key (a `+key` adds one, so it is not looked up) names a key of the composed config. */
function checkKeys(space: SearchSpace, config: ConfigValue): void {
  for (const { key } of space) {
    if (key.startsWith('+')) continue;
    const path = key.replace(/^~/, '').split('@')[0].split('.');
    let node: ConfigValue | undefined = config;
    for (const part of path) node = isDict(node) ? node[part] : undefined;
    if (node !== undefined) continue;
    const near = nearest(key, flatKeys(config));
    const hint = near.length ? `did you mean ${near.join(', ')}? ` : '';
    throw new StudyError(`sweeper.params.${key}: no key ${key} in the composed config; ${hint}name an existing key, or write +${key} to add one`);
  }
}

function flatKeys(config: ConfigValue, prefix = ''): string[] {
  if (!isDict(config)) return [];
  return Object.entries(config).flatMap(([k, v]) => [`${prefix}${k}`, ...flatKeys(v, `${prefix}${k}.`)]);
}

/** Refuses a cell where no combination of the constraint's keys is valid (validCombinations enumerates them). */
function checkFeasible(constraint: Constraint, space: SearchSpace, cell: PlannedJob): void {
  try {
    validCombinations(space, constraint);
  } catch (e) {
    const where = cell.overrides.length ? ` for ${cell.overrides.join(' ')}` : '';
    const tooMany = !(e as Error).message.startsWith('no combination');
    if (tooMany) throw new StudyError(`sweeper.params: ${(e as Error).message}`, { cause: e });
    throw new StudyError(`sweeper.params: no combination of ${constraint.keys.join(' × ')} satisfies ${constraint.describe}${where}; widen those choices, or raise the budget's tolerance`, { cause: e });
  }
}
