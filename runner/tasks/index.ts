export { getTask, listTasks, registerTask, unregisterTask, UnknownTaskError, type TaskEntry } from './registry.js';
export type { Metric, Progress, RunContext, Task, TaskResult } from './types.js';
