// Hydra's own config node. A Hydra project's defaults lists choose `hydra/...` groups (job_logging,
// launcher, sweeper, help, ...) and its configs set `hydra:` keys; Hydra composes both into a separate
// config, the `hydra` node, that is never part of the job config. Ladder does the same: Hydra's root
// defaults (hydra/config) are a virtual node of the defaults tree, their options exist without a file
// in the user's tree (Hydra ships them, or its plugins do), and the merged `hydra` key is split off.
import { ConfigError } from '../errors.js';
import { nearest } from '../suggest.js';
import { isDict, type ConfigDict } from './types.js';

/**
 * Hydra 1.3's built-in hydra/* groups, each with the options Hydra or its official plugins ship
 * (hydra_colorlog, hydra_joblib_launcher, hydra_submitit_launcher, hydra_ray_launcher,
 * hydra_rq_launcher, hydra_optuna_sweeper, hydra_ax_sweeper, hydra_nevergrad_sweeper). The first option
 * is the one hydra/config chooses (null: none).
 */
export const HYDRA_GROUPS: Readonly<Record<string, { default: string | null; options: readonly string[] }>> = {
  'hydra/output': { default: 'default', options: ['default'] },
  'hydra/launcher': { default: 'basic', options: ['basic', 'joblib', 'submitit_local', 'submitit_slurm', 'ray', 'rq'] },
  'hydra/sweeper': { default: 'basic', options: ['basic', 'optuna', 'ax', 'nevergrad'] },
  'hydra/help': { default: 'default', options: ['default'] },
  'hydra/hydra_help': { default: 'default', options: ['default'] },
  'hydra/hydra_logging': { default: 'default', options: ['default', 'disabled', 'hydra_debug', 'none', 'colorlog'] },
  'hydra/job_logging': { default: 'default', options: ['default', 'disabled', 'none', 'stdout', 'colorlog'] },
  'hydra/callbacks': { default: null, options: [] },
  'hydra/env': { default: 'default', options: ['default'] },
};

/** What a Hydra project's configs and command line say to Hydra itself (never part of the job config). */
export interface HydraNode {
  /** The `hydra:` keys set by the configs and by `hydra.*=` overrides (Hydra's own defaults are not filled in). */
  config: ConfigDict;
  /** hydra.runtime.choices as Hydra records it (job groups and hydra/* groups; see DefaultsResult.runtimeChoices). */
  choices: Record<string, string | null>;
  /** True when the project sets anything of Hydra's: a `hydra:` key, a hydra/* choice other than Hydra's default, `- hydra: ...`. */
  used: boolean;
}

/** What a job knows of its run when its hydra node is read (Hydra's runtime values). */
export interface HydraRuntime {
  configName: string;
  /** The job's task overrides (for job.override_dirname). */
  overrides: readonly string[];
  /** Job number in a multirun (0 for a single run). */
  num: number;
  /** The job's run folder, or null while it is not known yet (under --cfg: as Hydra, null). */
  outputDir: string | null;
  multirun: boolean;
  /** hydra.runtime.cwd: the working directory the command started in (default process.cwd()). */
  cwd?: string;
}

/**
 * The hydra node as `${hydra:...}` and `--cfg hydra` see it: what the project set, plus the values Hydra
 * fills in at run time: job.name (default: the primary config's name, as Hydra's is the script's),
 * job.num, job.override_dirname, runtime.output_dir, runtime.choices, mode, and run.dir (default: the
 * run folder).
 */
export function hydraRuntime(node: HydraNode, runtime: HydraRuntime): ConfigDict {
  const config = node.config;
  const section = (key: string): ConfigDict => (isDict(config[key]) ? (config[key] as ConfigDict) : {});
  const job = section('job');
  const run = section('run');
  return {
    ...config,
    mode: runtime.multirun ? 'MULTIRUN' : 'RUN',
    run: { ...run, dir: run.dir ?? runtime.outputDir },
    job: {
      ...job,
      name: job.name ?? runtime.configName,
      config_name: runtime.configName,
      num: runtime.num,
      override_dirname: overrideDirname(runtime.overrides, config),
    },
    runtime: { ...section('runtime'), cwd: runtime.cwd ?? process.cwd(), output_dir: runtime.outputDir, choices: { ...node.choices } },
  };
}

/** The config path of Hydra's virtual root of the hydra node (its defaults are HYDRA_GROUPS). */
export const HYDRA_CONFIG = 'hydra/config';

/** Hydra's defaults list of hydra/config, relative to the `hydra` group, ending in `_self_`. */
export function hydraRootDefaults(): Array<Record<string, string | null> | string> {
  return [...Object.entries(HYDRA_GROUPS).map(([group, g]) => ({ [group.slice('hydra/'.length)]: g.default })), '_self_'];
}

/** True for the `hydra` group and `hydra/...` groups (`hydra/launcher`, `hydra@x`): they belong to the hydra node. */
export function isHydraGroupKey(key: string): boolean {
  const group = key.split('@')[0]!;
  return group === 'hydra' || group.startsWith('hydra/');
}

/** True when `group`/`option` is one of Hydra's built-in options (no file needed in the user's tree). */
export function isBuiltinOption(group: string, option: string): boolean {
  return HYDRA_GROUPS[group]?.options.includes(option) ?? false;
}

/** The sections a `hydra:` node may have (HydraConf's fields in Hydra 1.3). */
export const HYDRA_SECTIONS: readonly string[] = [
  'mode', 'searchpath', 'run', 'sweep', 'hydra_logging', 'job_logging', 'sweeper', 'launcher', 'callbacks', 'help',
  'hydra_help', 'output_subdir', 'overrides', 'job', 'runtime', 'verbose', 'env',
];

/**
 * Splits the merged config into the job config and the hydra node (the `hydra` key), keeping the job
 * keys' order. Errors: ConfigError when `hydra` is no mapping or has a section Hydra does not know.
 */
export function splitHydra(merged: ConfigDict): { job: ConfigDict; hydra: ConfigDict } {
  if (!Object.hasOwn(merged, 'hydra')) return { job: merged, hydra: {} };
  const { hydra, ...job } = merged;
  if (hydra === null || hydra === undefined) return { job, hydra: {} };
  if (!isDict(hydra)) throw new ConfigError(`'hydra' is Hydra's own config node and must be a mapping, got ${JSON.stringify(hydra)}`);
  checkSections(hydra, (key) => `hydra.${key}`);
  return { job, hydra };
}

/** Refuses a `hydra.<section>` that Hydra's HydraConf does not have, naming the nearest ones. */
export function checkSections(hydra: ConfigDict, label: (key: string) => string): void {
  for (const key of Object.keys(hydra)) {
    if (HYDRA_SECTIONS.includes(key)) continue;
    const near = nearest(key, [...HYDRA_SECTIONS]);
    const hint = near.length ? ` Did you mean ${near.map((k) => `'hydra.${k}'`).join(' or ')}?` : '';
    throw new ConfigError(`'${label(key)}' is not a key of Hydra's config node.${hint} Its sections: ${HYDRA_SECTIONS.join(', ')}`);
  }
}

/**
 * Hydra's `job.override_dirname`: the task overrides (not hydra.* ones, nor the keys in
 * `hydra.job.config.override_dirname.exclude_keys`), sorted, `key=value` joined with `,`.
 */
export function overrideDirname(overrides: readonly string[], hydra: ConfigDict): string {
  const options = (((hydra.job as ConfigDict | undefined)?.config as ConfigDict | undefined)?.override_dirname ?? {}) as ConfigDict;
  const kvSep = typeof options.kv_sep === 'string' ? options.kv_sep : '=';
  const itemSep = typeof options.item_sep === 'string' ? options.item_sep : ',';
  const exclude = Array.isArray(options.exclude_keys) ? options.exclude_keys.map(String) : [];
  const items = overrides
    .map((text) => {
      const eq = text.indexOf('=');
      return eq < 0 ? { key: text, value: '' } : { key: text.slice(0, eq), value: text.slice(eq + 1) };
    })
    .filter(({ key }) => !key.replace(/^[+~]+/, '').startsWith('hydra.') && !exclude.includes(key.replace(/^[+~]+/, '')))
    .map(({ key, value }) => `${key}${kvSep}${value}`);
  return items.sort().join(itemSep);
}
