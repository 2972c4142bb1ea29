export { createRunDir, createUniqueDir, DEFAULT_PATTERNS, formatPattern, type DirPatterns } from './dirs.js';
export { environment, type Environment } from './environment.js';
export { closeOrphanRun, closeOrphanSweep, ORPHAN_REASON } from './orphans.js';
export {
  FILES,
  LineFile,
  readConfig,
  readMetrics,
  readRunRecord,
  readSweepRecord,
  writeFileAtomic,
  writeJobInputs,
  writeRunRecord,
  writeFailure,
  writeSweepRecord,
  type ConfigValue,
  type MetricRecord,
  type RunRecord,
  type RunStatus,
  type SweepRecord,
  type SweepStatus,
} from './files.js';
