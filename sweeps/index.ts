export { createSweep, expandSweep, planSweep, type ExpandOptions, type Sweep, type SweepPlan } from './expand.js';
export { gridJobs, GridSweeper } from './grid.js';
export { loadPreset, presetNames, type SweepPreset } from './presets.js';
export { SweepError } from './product.js';
export { RandomSampler, sampleJobs, type SamplerSpec } from './samplers/random.js';
export { searchSpace, type Distribution, type SearchParam, type SearchSpace } from './space.js';
export { FixedSweeper, type Sweeper, type Trial } from './sweeper.js';
