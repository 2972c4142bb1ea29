export { JobRun } from './job.js';
export { launch, Launcher, newId } from './launcher.js';
export { planJobs, PlanError, type ComposeFn, type PlanOptions } from './plan.js';
export type { JobOutcome, JobResults, LaunchOptions, LaunchReporter, LaunchResult, Plan, PlannedJob } from './types.js';
export { runLaunchCommand, type CommandIO, type LaunchCommand } from './command.js';
