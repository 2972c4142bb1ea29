import type { FromSchema } from 'json-schema-to-ts';

import { positiveInt } from './primitives.js';

/**
 * conf/sweeper/*.yaml: how a --multirun chooses its jobs (not what they compute: like `launcher`, the node
 * never reaches a task, the run folder's config.yaml or the index params). `basic` is the grid (and the
 * sweep presets' random draws); `random` and `tpe` run one study per grid cell, proposing `n_trials` trials
 * from the search space `params` (hydra-optuna-sweeper's keys). One branch per name; unknown keys refused.
 */

/** A search-space entry: override grammar text, e.g. tag(log, interval(1e-4, 1e-3)) or choice(64, 128). */
const spaceValue = { type: ['string', 'number', 'boolean'] } as const;

/** Keys of every study sweeper (random, tpe): spread into each branch's properties. */
export const STUDY_COMMON = {
  params: {
    type: 'object',
    additionalProperties: { anyOf: [spaceValue, { type: 'array', items: spaceValue }] },
    description: 'The search space: config key → override grammar (interval(), tag(log, ...), choice(), a comma list)',
  },
  conditions: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "Conditional parameters: key → '<other key>=<v1>,<v2>'; the key exists in a trial only for those values",
  },
  n_trials: { ...positiveInt, description: 'Trials of each study (one study per grid cell)' },
  seed: { type: 'integer', description: 'The same seed proposes the same trials' },
  objective: { type: 'string', minLength: 1, description: "Metric the study optimises: its best value in the run (val_loss: the run's best_val_loss)" },
  direction: { enum: ['minimize', 'maximize'], description: 'Whether a lower or a higher objective is better' },
  n_jobs: { ...positiveInt, description: 'Trials running at once (at most the launcher runs at once: local 1, pool launcher.n_jobs)' },
  pruner: { enum: ['none', 'median', 'asha'], description: 'Stops unpromising trials early: none, median (Optuna MedianPruner), asha (successive halving)' },
  median: {
    type: 'object',
    additionalProperties: false,
    required: ['n_startup_trials', 'n_warmup_steps', 'interval_steps'],
    properties: {
      n_startup_trials: { type: 'integer', minimum: 0, description: 'No pruning until this many trials have finished' },
      n_warmup_steps: { type: 'integer', minimum: 0, description: 'No pruning of a trial before this optimizer step' },
      interval_steps: { ...positiveInt, description: 'Judge every this many steps' },
    },
  },
  asha: {
    type: 'object',
    additionalProperties: false,
    required: ['min_resource', 'reduction_factor', 'min_early_stopping_rate'],
    properties: {
      min_resource: { ...positiveInt, description: 'Steps before the first rung' },
      reduction_factor: { type: 'integer', minimum: 2, description: 'Each rung keeps the best 1/reduction_factor' },
      min_early_stopping_rate: { type: 'integer', minimum: 0, description: 'Rungs skipped before the first promotion test' },
    },
  },
} as const;

const STUDY_REQUIRED = ['name', 'params', 'conditions', 'n_trials', 'seed', 'objective', 'direction', 'n_jobs', 'pruner', 'median', 'asha'] as const;

/** sweeper=basic: the grid of the command line's sweeps (Hydra's BasicSweeper), or a preset's random draws. */
export const basicSweeperSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { const: 'basic' } },
} as const;

/** sweeper=random: each trial drawn independently from the search space (seeded). */
export const randomSweeperSchema = {
  type: 'object',
  additionalProperties: false,
  required: STUDY_REQUIRED,
  properties: { name: { const: 'random' }, ...STUDY_COMMON },
} as const;

/** sweeper=tpe: the Tree-structured Parzen Estimator (Bergstra et al. 2011), Optuna's TPESampler defaults. */
export const tpeSweeperSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...STUDY_REQUIRED, 'n_startup_trials', 'n_ei_candidates', 'gamma', 'prior_weight', 'consider_magic_clip', 'consider_endpoints', 'constant_liar', 'multivariate'],
  properties: {
    name: { const: 'tpe' },
    ...STUDY_COMMON,
    n_startup_trials: { type: 'integer', minimum: 0, description: 'Random trials before TPE takes over' },
    n_ei_candidates: { ...positiveInt, description: 'Candidates drawn from l(x) to pick the best l/g ratio' },
    gamma: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: "Fraction of finished trials called good: min(ceil(gamma·n), 25) (Optuna's default_gamma at 0.1)" },
    prior_weight: { type: 'number', exclusiveMinimum: 0, description: 'Weight of the prior in each Parzen estimator' },
    consider_magic_clip: { type: 'boolean', description: "Keep the kernels from becoming too narrow (Optuna's magic clip)" },
    consider_endpoints: { type: 'boolean', description: 'Let the kernel widths reach the interval ends' },
    constant_liar: { type: 'boolean', description: 'Running trials count as worst so parallel proposals spread out' },
    multivariate: { type: 'boolean', description: "Model the unconditional keys jointly (Optuna's multivariate TPE); false: each key on its own" },
  },
} as const;

/** Every sweeper's branch, by its `name`. */
export const SWEEPER_BRANCHES = { basic: basicSweeperSchema, random: randomSweeperSchema, tpe: tpeSweeperSchema } as const;

/** The `sweeper` group: `name` picks the branch that checks the rest of the node. */
export const sweeperSchema = {
  $id: 'ladder/sweeper',
  type: 'object',
  required: ['name'],
  properties: { name: { enum: Object.keys(SWEEPER_BRANCHES) } },
  allOf: Object.entries(SWEEPER_BRANCHES).map(([name, branch]) => ({ if: { properties: { name: { const: name } } }, then: branch })),
};

export type BasicSweeperConfig = FromSchema<typeof basicSweeperSchema>;
export type RandomSweeperConfig = FromSchema<typeof randomSweeperSchema>;
export type TpeSweeperConfig = FromSchema<typeof tpeSweeperSchema>;
/** A validated `sweeper` node. */
export type SweeperConfig = BasicSweeperConfig | RandomSweeperConfig | TpeSweeperConfig;
/** The node of a sweeper that runs studies. */
export type StudySweeperConfig = RandomSweeperConfig | TpeSweeperConfig;
