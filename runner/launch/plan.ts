// Expands the command line into batches of jobs (a sweeper's asks) and composes + validates every
// job of a batch before any of it is launched (schemas, then the task's own checks: TaskOptions.check),
// so a typo or an impossible model in job 37 of 64 costs nothing.
import { isDeepStrictEqual } from 'node:util';
import type { LauncherConfig } from '../../schemas/launcher.js';
import { ConfigError } from '../errors.js';
import type { ComposeOptions, Composed } from '../compose/index.js';
import type { ConfigValue } from '../outputs/index.js';
import { getTask, type TaskEntry } from '../tasks/index.js';
import { isSweep, parseOverride } from '../overrides/index.js';
import { createSweep, FixedSweeper, type Sweeper, type Trial } from '../../sweeps/index.js';
import path from 'node:path';
import { findProjectRoot } from '../config/index.js';
import { DEFAULT_LAUNCHER, isLauncherOverride, splitLauncher } from './launchers/config.js';
import type { Plan, PlannedHydra, PlannedJob } from './types.js';
import { isSweeperOverride, splitSweeper, TPE_SWEEPER } from './sweeper-config.js';
import { planStudies, type ConstraintFor } from './study-plan.js';
import { commandLineDimensions, intervalUnderGrid, sweeperParamsFix } from './cli-dimensions.js';
import type { SweeperConfig } from '../../schemas/sweeper.js';
import type { TrialRecord } from '../../sweeps/study/index.js';
import { loadPreset } from '../../sweeps/presets.js';
import { configRepository } from '../config/index.js';

/** The function planJobs composes and validates each job with: runner/compose's compose(). */
export type ComposeFn = (opts: Required<Pick<ComposeOptions, 'configDir' | 'configName' | 'overrides'>> & Pick<ComposeOptions, 'runtime'>) => Composed;

export interface PlanOptions {
  multirun: boolean;
  configDir: string;
  configName: string;
  compose: ComposeFn;
  /** Zipped key lists (`--zip budget,horizon`), multirun only. */
  zip?: string[][];
  /** Multirun only: this sweeper instead of the grid or preset sampler the overrides describe. */
  sweeper?: Sweeper;
  /**
   * Multirun only: these recorded jobs (numbers and overrides, from a sweep folder being resumed) are the
   * first batch instead of the sweeper's first ask; `next` asks it on with every trial, as it would have.
   */
  replay?: { num: number; overrides: string[] }[];
  /**
   * Multirun, sweeper=random|tpe being resumed: each study's id and trials so far, by cell index; the trials
   * still `running` are the first jobs (numbered as recorded), `replay` is ignored.
   */
  studies?: Map<number, { id: string; trials: TrialRecord[]; rejected?: number }>;
  /** The constraint a study cell puts on its search space (the budget-constrained architecture). */
  constraintFor?: ConstraintFor;
}

export class PlanError extends ConfigError {
  override name = 'PlanError';
}

function taskName(config: unknown): string {
  const task = (config as { task?: { name?: unknown } } | null)?.task;
  if (typeof task?.name !== 'string') throw new PlanError('the composed config has no task.name: choose a task with task=<name>');
  return task.name;
}

/** The task's own checks of the spec (TaskOptions.check): whatever they throw is a config error. */
function checkJob(entry: TaskEntry, config: unknown): void {
  try {
    entry.check?.(config);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new PlanError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

function prefixed(e: unknown, prefix: string): never {
  if (e instanceof Error) {
    e.message = `${prefix}${e.message}`;
    throw e;
  }
  throw new PlanError(`${prefix}${String(e)}`);
}

/** A job's hydra mapping with its folders made absolute (relative ones: from the project folder, as Hydra's from its working dir). */
function plannedHydra(hydra: NonNullable<Composed['hydra']>, recompose: (dir: string) => { config: ConfigValue; stored?: ConfigValue }): PlannedHydra {
  const root = findProjectRoot(process.cwd());
  const absolute = (dir: string | null) => (dir === null ? null : path.resolve(root, dir));
  const subdir = hydra.sweepSubdir;
  if (subdir !== null && (path.isAbsolute(subdir) || subdir.split(/[/\\]/).some((part) => part === '..') || subdir.replace(/[/\\.]/g, '') === '')) {
    throw new PlanError(`hydra.sweep.subdir '${subdir}' must name a folder inside the sweep folder: give a relative name without '..', e.g. \${hydra.job.num}`);
  }
  return {
    runDir: absolute(hydra.runDir),
    sweepDir: absolute(hydra.sweepDir),
    sweepSubdir: subdir,
    chdir: hydra.chdir,
    launcher: hydra.launcher,
    atDir: (dir) => {
      const again = recompose(dir);
      return { config: again.config, ...(again.stored !== undefined ? { stored: again.stored } : {}) };
    },
  };
}

/**
 * The first batch of jobs, each composed and validated, and `next` to ask for later ones (see Plan).
 * Throws a ConfigError (SweepError, PlanError, compose errors) prefixed `job #N (overrides): ` under
 * multirun, before anything is launched.
 */
export function planJobs(overrides: string[], opts: PlanOptions): Plan {
  const { configDir, configName, compose } = opts;
  if (!opts.multirun) {
    if (opts.zip?.length) throw new PlanError('--zip pairs sweep keys: add --multirun (-m)');
    if (overrides.some((o) => /^\s*sweep\s*=/.test(o))) {
      throw new PlanError(`${overrides.find((o) => /^\s*sweep\s*=/.test(o))!.trim()} selects a sweep preset: add --multirun (-m)`);
    }
  }
  if (opts.multirun) refuseSharedSweep(overrides, isLauncherOverride, LAUNCHER_FIX);
  if (opts.multirun) refuseSharedSweep(overrides, isSweeperOverride, SWEEPER_FIX, sweeperParamsFix);
  // sweep=<preset> with `sweeper:`: its name and keys go first, so the command line's sweeper.* win
  let presetSweeper = opts.multirun && !opts.sweeper ? presetSweeperOf(overrides, configDir) : null;
  // key=interval(...) on the command line: a dimension of the studies (refused below when the sweeper is basic)
  const dimensions = opts.multirun && !opts.sweeper ? commandLineDimensions(overrides) : { cells: overrides, params: {}, first: null };
  const lead = presetSweeper?.overrides ?? [];
  const sweep = !opts.multirun
    ? { sweeper: new FixedSweeper([overrides]), preset: null, zip: [] }
    : opts.sweeper
      ? { sweeper: opts.sweeper, preset: null, zip: opts.zip ?? [] }
      : createSweep(dimensions.cells, { configDir, configName, zip: opts.zip });
  let launcher: LauncherConfig | null = null;
  let sweeperNode: SweeperConfig | null = null;
  const composeJobs = (batch: { num: number; overrides: string[] }[]): PlannedJob[] =>
    batch.map(({ num, overrides: typed }) => {
      const jobOverrides = [...lead, ...typed];
      try {
        const runtime = { num, multirun: opts.multirun };
        const composed = compose({ configDir, configName, overrides: jobOverrides, runtime });
        const stored = composed.stored && composed.stored !== composed.config ? composed.stored : undefined;
        const split0 = splitLauncher({ config: composed.config as ConfigValue, stored, choices: composed.choices, overrides: jobOverrides });
        const split = { launcher: split0.launcher, ...splitSweeper(split0.job) };
        launcher ??= split.launcher;
        if (!isDeepStrictEqual(split.launcher, launcher)) throw new PlanError(launcherMismatch(jobOverrides));
        sweeperNode ??= split.sweeper;
        if (!isDeepStrictEqual(split.sweeper, sweeperNode)) throw new PlanError(`its sweeper differs from the first job's: ${SWEEPER_FIX}`);
        const { config, choices } = split.job;
        const task = taskName(config);
        checkJob(getTask(task), config);
        const planned: PlannedJob = { num, overrides: split.job.overrides, config, ...(split.job.stored !== undefined ? { stored: split.job.stored } : {}), choices, task };
        if (composed.hydra) {
          planned.hydra = plannedHydra(composed.hydra, (dir) => {
            const again = compose({ configDir, configName, overrides: jobOverrides, runtime: { ...runtime, outputDir: dir } });
            const stored = again.stored && again.stored !== again.config ? again.stored : undefined;
            return splitSweeper(splitLauncher({ config: again.config as ConfigValue, stored, choices: again.choices, overrides: jobOverrides }).job).job;
          });
        }
        return planned;
      } catch (e) {
        return prefixed(e, opts.multirun ? `job #${num} (${typed.join(' ')}): ` : '');
      }
    });
  const composeBatch = (batch: string[][], first: number) => composeJobs(batch.map((o, i) => ({ num: first + i, overrides: o })));
  /** The sweeper the composed jobs name; hydra/sweeper=optuna stands for Ladder's TPE study over hydra.sweeper.params. */
  const studySweeper = (): Exclude<SweeperConfig, { name: 'basic' }> | null => {
    const node = sweeperNode as SweeperConfig | null;
    if (node && node.name !== 'basic') return node;
    const hydraStudy = 'hydraStudy' in sweep ? sweep.hydraStudy : null;
    if (!hydraStudy) return null;
    const { params, ...keys } = hydraStudy;
    presetSweeper = { overrides: [], params, conditions: {} };
    return { ...TPE_SWEEPER, ...keys };
  };
  if (opts.multirun && !opts.sweeper && opts.studies) return studyPlan(composeBatch(sweep.sweeper.ask([]), 0));
  const jobs = opts.multirun && opts.replay ? composeJobs(opts.replay) : composeBatch(sweep.sweeper.ask([]), 0);
  if (dimensions.first !== null && !studySweeper()) throw new PlanError(intervalUnderGrid(dimensions.first));
  if (opts.multirun && !opts.sweeper && studySweeper()) {
    if (opts.replay) throw new PlanError(`the sweep was recorded without its studies (${STUDIES_NOTE}); start it again with --new`);
    return studyPlan(jobs);
  }
  const next = sweep.sweeper instanceof FixedSweeper ? undefined : (trials: readonly Trial[], nextNum: number) => composeBatch(sweep.sweeper.ask(trials), nextNum);
  return { multirun: opts.multirun, overrides, preset: sweep.preset, zip: sweep.zip, jobs, next, launcher: launcher ?? DEFAULT_LAUNCHER };

  /** sweeper=random|tpe: the composed jobs are the grid's cells; one study each, its first trials the plan's jobs. */
  function studyPlan(cells: PlannedJob[]): Plan {
    const cfg = studySweeper();
    if (!cfg) throw new PlanError('the sweep was recorded with studies, but its sweeper is basic now; run it again with --new');
    if (launcher?.name === 'slurm' && !launcher.wait) {
      throw new PlanError(`sweeper=${cfg.name} proposes each trial from the results of the ones before: set launcher.wait=true (the driver follows the trials), or use sweeper=basic`);
    }
    const repository = configRepository(configDir);
    const driver = planStudies({
      cells, cfg, presetParams: { ...presetSweeper?.params, ...dimensions.params }, presetConditions: presetSweeper?.conditions,
      groupOptions: (group) => repository.groupOptions(group),
      // the command line's sweeper and launcher overrides (taken out of the cells' overrides) choose them again
      compose: (num, trial) => composeJobs([{ num, overrides: [...overrides.filter((o) => isSweeperOverride(o) || isLauncherOverride(o)), ...trial] }])[0],
      constraintFor: opts.constraintFor, restored: opts.studies,
    });
    let jobs: PlannedJob[];
    if (opts.studies) {
      jobs = driver.studies.flatMap((study) => study.trials.filter((t) => t.state === 'running').map((t) => driver.trialJob(study, t)));
    } else {
      jobs = [];
      for (let num = 0; num < cells.length; num++) jobs.push(driver.next(num)!); // the first trial of every study
    }
    return { multirun: true, overrides, preset: sweep.preset, zip: sweep.zip, jobs, launcher: launcher ?? DEFAULT_LAUNCHER, study: driver };
  }
}

const STUDIES_NOTE = 'no studies/ folder';
const SWEEPER_FIX = 'every job of a sweep runs under one sweeper: give sweeper and its keys one value each';

/**
 * Refuses a sweep over a setting every job of a sweep shares (`launcher=local,pool`, `sweeper.n_trials=4,8`):
 * the first override that `isSetting` picks and that sweeps, with `fix` after it.
 */
function refuseSharedSweep(overrides: string[], isSetting: (text: string) => boolean, fix: string, fixFor: (text: string) => string | null = () => null): void {
  for (const text of overrides.filter(isSetting)) {
    let sweep = false;
    try {
      sweep = isSweep(parseOverride(text));
    } catch {
      // composing the job reports the syntax error
    }
    if (sweep) throw new PlanError(`${text.trim()}: ${fixFor(text) ?? fix}`);
  }
}

/** `sweep=<preset>`'s `sweeper:` as overrides (sweeper=<name>, sweeper.<key>=<value>) and its search space, or null. */
function presetSweeperOf(overrides: string[], configDir: string): { overrides: string[]; params: Record<string, unknown>; conditions: Record<string, string> } | null {
  const name = overrides.map((o) => /^\s*sweep\s*=\s*([\w.-]+)\s*$/.exec(o)?.[1]).filter(Boolean).pop();
  if (!name) return null;
  let node: Record<string, unknown> | null;
  try {
    node = loadPreset(configDir, name).sweeper;
  } catch {
    return null; // createSweep reports the preset's mistake
  }
  if (!node) return null;
  const { name: sweeper, params = {}, conditions = {}, ...keys } = node as { name: string; params?: Record<string, unknown>; conditions?: Record<string, string> };
  const scalar = (v: unknown) => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return { overrides: [`sweeper=${sweeper}`, ...Object.entries(keys).map(([k, v]) => `sweeper.${k}=${scalar(v)}`)], params, conditions };
}

const LAUNCHER_FIX = 'every job of a sweep runs on one launcher: give launcher and its keys one value each (run one sweep per launcher)';

function launcherMismatch(jobOverrides: string[]): string {
  const set = jobOverrides.filter(isLauncherOverride);
  return `its launcher differs from the first job's${set.length ? ` (${set.join(' ')})` : ''}: ${LAUNCHER_FIX}`;
}
