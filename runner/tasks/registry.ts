// Tasks by name. `task=<name>` in the config (task.name) picks which one a job runs.
import { ConfigError } from '../errors.js';
import type { Task } from './types.js';

export interface TaskEntry {
  name: string;
  description: string;
  run: Task<any>;
}

const tasks = new Map<string, TaskEntry>();

export class UnknownTaskError extends ConfigError {
  override name = 'UnknownTaskError';
}

export function registerTask<Spec = unknown>(name: string, run: Task<Spec>, description = ''): void {
  tasks.set(name, { name, description, run: run as Task<any> });
}

export function unregisterTask(name: string): void {
  tasks.delete(name);
}

export function getTask(name: string): TaskEntry {
  const entry = tasks.get(name);
  if (!entry) {
    const known = [...tasks.keys()].sort();
    throw new UnknownTaskError(`unknown task '${name}': registered tasks are ${known.length ? known.join(', ') : '(none)'}; register one with registerTask('${name}', fn)`);
  }
  return entry;
}

export function listTasks(): TaskEntry[] {
  return [...tasks.values()].sort((a, b) => a.name.localeCompare(b.name));
}
