export { getTask, registerTask, taskSpec, unregisterTask, UnknownTaskError, type TaskEntry } from './registry.js';
export type { Headline, Metric, PreflightEnv, Progress, RunContext, Task, TaskOptions, TaskResult, Warmup } from './types.js';
