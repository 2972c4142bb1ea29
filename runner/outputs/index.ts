export { createRunDir, createUniqueDir, makeDirs, DEFAULT_PATTERNS, formatPattern, walkFolders, type DirPatterns } from './dirs.js';
export { environment, type Environment } from './environment.js';
export { closeOrphanRun, closeOrphanSweep, hasResumePoint, LOST_REASON, ORPHAN_REASON, runOrphaned } from './orphans.js';
export { ownerGone, processStart, selfOwner, type Owner } from './owner.js';
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
  type AttemptSummary,
  type MetricRecord,
  type RunRecord,
  type RunStatus,
  type SweepCommand,
  type SweepJob,
  type SweepRecord,
  type SweepStatus,
} from './files.js';
