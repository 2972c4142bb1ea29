// What a Hydra project's hydra node means to Ladder: the keys and hydra/* options that have a Ladder
// equivalent, resolved, and one line for each thing that has none (accepted, reported by --info).
import { ConfigError } from '../errors.js';
import { HYDRA_GROUPS, type HydraNode } from './hydra.js';
import { resolveHydraValue } from './interpolate.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';

/** hydra/launcher option → Ladder's launcher (the `launcher` config group's option, else that launcher with its defaults). */
export const LAUNCHER_MAP: Readonly<Record<string, string>> = { basic: 'local', joblib: 'pool', submitit_local: 'pool', submitit_slurm: 'slurm' };
/** hydra/sweeper option → Ladder's sweeper (optuna: a TPE study over hydra.sweeper.params per grid cell). */
export const SWEEPER_MAP: Readonly<Record<string, string>> = { basic: 'grid', optuna: 'tpe' };

export interface HydraMapping {
  /** hydra.run.dir resolved (a path; relative ones are relative to the project folder), when the project sets it. */
  runDir: string | null;
  /** hydra.sweep.dir resolved, when set. */
  sweepDir: string | null;
  /** hydra.sweep.subdir resolved for this job, when set (Hydra's default is the job number). */
  sweepSubdir: string | null;
  /** hydra.job.name (default: the primary config's name). */
  jobName: string;
  /** hydra.job.chdir: run the job with its run folder as the working directory. */
  chdir: boolean;
  /** Ladder's launcher for the hydra/launcher option, or null for Hydra's default (basic: keep Ladder's). */
  launcher: string | null;
  /** What the project sets that Ladder has no equivalent for, one line each (accepted; `--info` lists them). */
  ignored: string[];
}

/**
 * Maps the hydra node (`runtimeNode`: hydraRuntime's, `node`: the composed one) for the job config `job`.
 * Errors: ConfigError naming the key when a mapped value does not resolve or has the wrong type.
 */
export function mapHydra(node: HydraNode, runtimeNode: ConfigDict, job: ConfigDict): HydraMapping {
  const set = (section: string, key: string): boolean => isDict(node.config[section]) && (node.config[section] as ConfigDict)[key] !== undefined;
  const value = (key: string): ConfigValue => resolveHydraValue(job, runtimeNode, key);
  const text = (key: string): string => {
    const v = value(key);
    if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(`hydra.${key}: expected a folder name, got ${JSON.stringify(v)}`);
    return String(v);
  };
  const chdir = set('job', 'chdir') ? value('job.chdir') : false;
  if (typeof chdir !== 'boolean') throw new ConfigError(`hydra.job.chdir: expected true or false, got ${JSON.stringify(chdir)}`);
  const launcherChoice = node.choices['hydra/launcher'];
  return {
    runDir: set('run', 'dir') ? text('run.dir') : null,
    sweepDir: set('sweep', 'dir') ? text('sweep.dir') : null,
    sweepSubdir: set('sweep', 'subdir') ? text('sweep.subdir') : null,
    jobName: text('job.name'),
    chdir,
    launcher: launcherChoice && launcherChoice !== 'basic' ? LAUNCHER_MAP[launcherChoice] ?? null : null,
    ignored: withoutEquivalent(node),
  };
}

/** Hydra sections with no Ladder equivalent, and why each is safe to leave. */
const NO_EQUIVALENT: Readonly<Record<string, string>> = {
  job_logging: "Ladder writes run.log itself; Python logging configs do not apply",
  hydra_logging: "Ladder's own messages are not Python logging",
  help: "npx run --help prints Ladder's help",
  hydra_help: "npx run --help prints Ladder's help",
  callbacks: 'Hydra callbacks are Python classes; Ladder tasks use training-loop hooks',
  output_subdir: 'Ladder writes config.yaml and overrides.yaml in the run folder itself',
  verbose: "Ladder's messages are not Python loggers",
  env: 'no Hydra environment plugins in Ladder',
  mode: 'choose a multirun with -m',
};

/** What the hydra node sets that Ladder has no equivalent for, one line each (needs nothing resolved). */
export function withoutEquivalent(node: HydraNode): string[] {
  const lines: string[] = [];
  for (const [group, info] of Object.entries(HYDRA_GROUPS)) {
    const section = group.slice('hydra/'.length);
    const option = node.choices[group];
    const changed = option !== undefined && option !== info.default;
    if (section === 'launcher' && changed && option && !(option in LAUNCHER_MAP)) lines.push(`hydra/launcher=${option}: no Ladder launcher runs jobs this way; jobs use the local launcher`);
    if (section === 'sweeper' && changed && option && !(option in SWEEPER_MAP)) {
      lines.push(`hydra/sweeper=${option}: no equivalent; -m sweeps hydra.sweeper.params as a grid`);
    }
    const why = NO_EQUIVALENT[section];
    if (why && (changed || node.config[section] !== undefined)) lines.push(`hydra.${section}${changed ? ` (${group}=${option})` : ''}: ignored, ${why}`);
  }
  for (const key of ['output_subdir', 'verbose', 'mode']) if (node.config[key] !== undefined) lines.push(`hydra.${key}: ignored, ${NO_EQUIVALENT[key]}`);
  const job = isDict(node.config.job) ? node.config.job : {};
  for (const key of Object.keys(job)) {
    if (!['name', 'chdir', 'config'].includes(key)) lines.push(`hydra.job.${key}: ignored, Ladder has no equivalent`);
  }
  return lines;
}
