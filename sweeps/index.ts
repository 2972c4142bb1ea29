export { architectureConstraint, derivedOverrides, derivedParams, ARCHITECTURE_KEYS, numericValue, trialModel, type ArchitectureCell } from './architecture.js';
export { createSweep, expandSweep, planSweep, type ExpandOptions, type Sweep, type SweepPlan } from './expand.js';
export { gridJobs, GridSweeper } from './grid.js';
export { loadPreset, presetNames, type SweepPreset } from './presets.js';
export { SweepError } from './product.js';
export {
  createSampler, RandomSampler, RandomSweeper, SAMPLER_NAMES, sampleJobs, TPE_OPTION_DEFAULTS, TpeSampler, validCombinations,
  type Constraint, type ParamValue, type Sampler, type SamplerName, type SamplerOptions, type SamplerSpec, type StudyTrial,
} from './samplers/index.js';
export { conditionHolds, searchSpace, trialOverrides, type Condition, type Distribution, type SearchParam, type SearchSpace } from './space.js';
export { FixedSweeper, type Sweeper, type Trial } from './sweeper.js';
