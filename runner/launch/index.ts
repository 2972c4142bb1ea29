export { JobRun, type JobHooks, type RunIds } from './job.js';
export { createLauncher, DEFAULT_LAUNCHER, launcherDefaults, LocalLauncher, PoolLauncher, type JobTicket, type LaunchContext, type Launcher } from './launchers/index.js';
export { CHILD_EXIT, childCommand, forwardEvent, jobFileOf, parseEvent, writeJobFile, type ChildEvent, type JobFile } from './child-protocol.js';
export { planJobs, PlanError, type ComposeFn, type PlanOptions } from './plan.js';
export { launch, newId, SweepRun, type LaunchOptions } from './sweep-run.js';
export type { JobOutcome, LaunchReporter, LaunchResult, Plan, PlannedJob } from './types.js';
export { resumeSweep, type JobStart, type ResumeSetup, type SweepResume } from './resume.js';
export { findSweep, sweepKey, sweepProgress } from './sweep-record.js';
export { ATTEMPTS_DIR, prepareAttempt } from './attempts.js';
