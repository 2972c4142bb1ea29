export { JobRun, type JobHooks } from './job.js';
export { createLauncher, LocalLauncher, type JobTicket, type LaunchContext, type Launcher } from './launchers/index.js';
export { CHILD_EXIT, childCommand, forwardEvent, parseEvent, writeJobFile, type ChildEvent, type JobFile } from './child-protocol.js';
export { preflight } from './preflight.js';
export { planJobs, PlanError, type ComposeFn, type PlanOptions } from './plan.js';
export { launch, newId, SweepRun, type LaunchOptions } from './sweep-run.js';
export type { JobOutcome, LaunchReporter, LaunchResult, Plan, PlannedJob } from './types.js';
