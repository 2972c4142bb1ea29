// The `launcher` node of a composed job says how the job runs, not what it computes (Hydra keeps it
// under `hydra.launcher`, outside the job's config). planJobs takes it out of each job: the task, the
// run folder's config.yaml and overrides.yaml, run.json's choices and the index's params never see
// it, so one job run by `local` or by `pool` is the same job.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { launcherSchema, type LauncherConfig } from '../../../schemas/launcher.js';
import { builtinValidator, checkWith, type ConfigDict, type ConfigValue } from '../../compose/index.js';

/** The launchers Ladder ships, each with its conf/launcher/<name>.yaml. */
const SHIPPED = ['local', 'pool', 'slurm'];
const shipped = new Map<string, LauncherConfig>();

/**
 * A launcher's defaults by name, read from Ladder's own conf/launcher/<name>.yaml (the one source of them),
 * schema-checked: for a config dir without a `launcher` group (whose hydra/launcher option stands for one),
 * and for the keys a composed launcher node leaves out. Undefined for a name Ladder has no launcher for.
 */
export function launcherDefaults(name: string): LauncherConfig | undefined {
  if (!SHIPPED.includes(name)) return undefined;
  if (!shipped.has(name)) {
    const node = parse(shippedFile(`launcher/${name}.yaml`)) as ConfigValue;
    checkWith((allErrors) => builtinValidator(launcherSchema, allErrors), node, { at: 'launcher' });
    shipped.set(name, node as unknown as LauncherConfig);
  }
  return structuredClone(shipped.get(name)); // each caller its own copy: a shared default is never changed through one
}

/** The text of Ladder's own conf/<rel>, from the sources (runner/launch/launchers) or from dist/. */
function shippedFile(rel: string): string {
  for (const up of ['../../../conf/', '../../../../conf/']) {
    try {
      return readFileSync(new URL(`${up}${rel}`, import.meta.url), 'utf8');
    } catch {
      // not at this depth
    }
  }
  throw new Error(`Ladder's own conf/${rel} is missing from its install: reinstall ladder`);
}

/** The launcher of a config dir without a `launcher` group: conf/launcher/local.yaml's. */
export const DEFAULT_LAUNCHER: LauncherConfig = launcherDefaults('local')!;

/** Whether an override sets the launcher or a key under it: `launcher=pool`, `launcher.n_jobs=2`, `+launcher.x=1`, `~launcher`. */
export function isLauncherOverride(text: string): boolean {
  return /^\s*(?:\+\+|\+|~)?launcher(?:[.@=\s]|$)/.test(text);
}

export interface SplitJob {
  config: ConfigValue;
  stored?: ConfigValue;
  choices: Record<string, string>;
  overrides: string[];
}

/**
 * The launcher node of a composed job (checked against schemas/launcher, whether or not the config dir
 * has a schema file for its `launcher` group), and the job without it.
 */
export function splitLauncher(job: SplitJob): { launcher: LauncherConfig; job: SplitJob } {
  const node = (job.config as ConfigDict).launcher;
  let launcher = DEFAULT_LAUNCHER;
  if (node !== undefined) {
    checkWith((allErrors) => builtinValidator(launcherSchema, allErrors), node, { at: 'launcher' });
    launcher = node as unknown as LauncherConfig;
  }
  const { launcher: _choice, ...choices } = job.choices;
  return {
    launcher,
    job: {
      config: without(job.config),
      ...(job.stored !== undefined ? { stored: without(job.stored) } : {}),
      choices,
      overrides: job.overrides.filter((o) => !isLauncherOverride(o)),
    },
  };
}

function without(config: ConfigValue): ConfigValue {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || !('launcher' in config)) return config;
  const { launcher: _node, ...rest } = config;
  return rest;
}
