export { getTask, registerTask, taskSpec, unregisterTask, UnknownTaskError, type TaskEntry } from './registry.js';
export type { Headline, Metric, Progress, RunContext, Task, TaskOptions, TaskResult } from './types.js';
