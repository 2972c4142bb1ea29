// Pruners of a study (sweeper.pruner): none, median (Optuna's MedianPruner), asha (successive halving), and the
// report files through which a trial's process tells them its intermediate values (reports.ts).
export { AshaPruner, ASHA_DEFAULTS, promotable, type AshaSpec } from './asha.js';
export { firstInInterval, median, MEDIAN_DEFAULTS, MedianPruner, type MedianSpec } from './median.js';
export { NopPruner } from './none.js';
export {
  appendReport, endReport, orient, readReports, readTrialReports, reportAndShouldPrune, reportPath, trialStateOf, type ReportState,
} from './reports.js';
export { createPruner } from './create.js';
export type { Pruner, PrunerSpec, TrialLink } from './types.js';

