// Tasks by name. `task=<name>` in the config (task.name) picks which one a job runs.
import { ConfigError } from '../errors.js';
import type { Headline, Task, TaskOptions } from './types.js';

export interface TaskEntry {
  name: string;
  description: string;
  headline: Headline[];
  resumable: boolean;
  /** TaskOptions.resumePoint, or null. */
  resumePoint: string | null;
  run: Task<any>;
  /** The JSON Schema of the spec it needs, if it declares one (TaskOptions.spec). */
  spec?: object;
  /** Its cross-field checks, if any (TaskOptions.check). */
  check?: (spec: any) => void;
  /** Its dry-run lines, if any (TaskOptions.describe). */
  describe?: (spec: any) => string[] | Promise<string[]>;
  /** Its launch preflight, if any (TaskOptions.preflight). */
  preflight?: TaskOptions<any>['preflight'];
  /** Its warm-up, if any (TaskOptions.warm). */
  warm?: TaskOptions<any>['warm'];
}

const tasks = new Map<string, TaskEntry>();

export class UnknownTaskError extends ConfigError {
  override name = 'UnknownTaskError';
}

/**
 * Registers (or replaces) the task a config's `task.name` selects. `options.headline` feeds the
 * end-of-run table; `options.spec` and `options.check` say which configs the task can run (TaskOptions).
 */
export function registerTask<Spec = unknown>(name: string, run: Task<Spec>, options: TaskOptions<Spec> = {}): void {
  const { description = '', headline = [], resumePoint = null, resumable = resumePoint !== null, spec, check, describe, preflight, warm } = options;
  tasks.set(name, {
    name, description, headline, resumable, resumePoint, run: run as Task<any>, spec,
    check: check as ((spec: any) => void) | undefined,
    describe: describe as ((spec: any) => string[] | Promise<string[]>) | undefined,
    preflight: preflight as TaskOptions<any>['preflight'],
    warm: warm as TaskOptions<any>['warm'],
  });
}

/** The spec schema the task `name` declares; undefined for an unknown task or one that declares none. */
export function taskSpec(name: string): object | undefined {
  return tasks.get(name)?.spec;
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
