// Expands the command line into jobs and composes + validates every one of them before any
// job is launched, so a typo in job 37 of 64 costs nothing.
import { ConfigError } from '../errors.js';
import type { ComposeOptions, Composed } from '../compose/index.js';
import type { ConfigValue } from '../outputs/index.js';
import { getTask } from '../tasks/index.js';
import { planSweep } from '../../sweeps/index.js';
import type { Plan, PlannedJob } from './types.js';

/** The function planJobs composes and validates each job with: runner/compose's compose(). */
export type ComposeFn = (opts: Required<ComposeOptions>) => Composed;

export interface PlanOptions {
  multirun: boolean;
  configDir: string;
  configName: string;
  compose: ComposeFn;
  /** Zipped key lists (`--zip budget,horizon`), multirun only. */
  zip?: string[][];
}

export class PlanError extends ConfigError {
  override name = 'PlanError';
}

function taskName(config: unknown): string {
  const task = (config as { task?: { name?: unknown } } | null)?.task;
  if (typeof task?.name !== 'string') throw new PlanError('the composed config has no task.name: choose a task with task=<name>');
  return task.name;
}

function prefixed(e: unknown, prefix: string): never {
  if (e instanceof Error) {
    e.message = `${prefix}${e.message}`;
    throw e;
  }
  throw new PlanError(`${prefix}${String(e)}`);
}

export function planJobs(overrides: string[], opts: PlanOptions): Plan {
  const { configDir, configName, compose } = opts;
  if (!opts.multirun) {
    if (opts.zip?.length) throw new PlanError('--zip pairs sweep keys: add --multirun (-m)');
    if (overrides.some((o) => /^\s*sweep\s*=/.test(o))) {
      throw new PlanError(`${overrides.find((o) => /^\s*sweep\s*=/.test(o))!.trim()} selects a sweep preset: add --multirun (-m)`);
    }
  }
  const sweep = opts.multirun
    ? planSweep(overrides, { configDir, zip: opts.zip })
    : { jobs: [overrides], preset: null, zip: [] };
  const jobs: PlannedJob[] = sweep.jobs.map((jobOverrides, num) => {
    try {
      const { config, choices } = compose({ configDir, configName, overrides: jobOverrides });
      const task = taskName(config);
      getTask(task);
      return { num, overrides: jobOverrides, config: config as ConfigValue, choices, task };
    } catch (e) {
      return prefixed(e, opts.multirun ? `job #${num} (${jobOverrides.join(' ')}): ` : '');
    }
  });
  return { multirun: opts.multirun, overrides, preset: sweep.preset, zip: sweep.zip, jobs };
}
