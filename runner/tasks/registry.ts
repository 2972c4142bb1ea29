// Tasks by name. `task=<name>` in the config (task.name) picks which one a job runs.
import { ConfigError } from '../errors.js';
import type { Headline, Task, TaskOptions } from './types.js';

export interface TaskEntry {
  name: string;
  description: string;
  headline: Headline[];
  resumable: boolean;
  run: Task<any>;
}

const tasks = new Map<string, TaskEntry>();

export class UnknownTaskError extends ConfigError {
  override name = 'UnknownTaskError';
}

/** Registers (or replaces) the task a config's `task.name` selects; `options.headline` feeds the end-of-run table. */
export function registerTask<Spec = unknown>(name: string, run: Task<Spec>, options: TaskOptions = {}): void {
  tasks.set(name, { name, description: options.description ?? '', headline: options.headline ?? [], resumable: options.resumable ?? false, run: run as Task<any> });
}

export function unregisterTask(name: string): void {
  tasks.delete(name);
}

/** The task registered under `name`; throws UnknownTaskError naming the registered ones. */
export function getTask(name: string): TaskEntry {
  const entry = tasks.get(name);
  if (!entry) {
    const known = [...tasks.keys()].sort();
    throw new UnknownTaskError(`unknown task '${name}': registered tasks are ${known.length ? known.join(', ') : '(none)'}; register one with registerTask('${name}', fn)`);
  }
  return entry;
}
