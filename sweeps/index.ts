export { expandSweep, planSweep, type ExpandOptions, type SweepPlan } from './expand.js';
export { loadPreset, presetNames, type SweepPreset } from './presets.js';
export { SweepError } from './product.js';
export { sampleJobs, type SamplerSpec } from './sample.js';
