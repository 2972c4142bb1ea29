import path from 'node:path';
import { applyOverrides, ConfigOverrideError, copyConfigValue, isSweep, overrideValue, parseOverride, plainConfig, pyTypeOf, type Override } from '../overrides/index.js';
import { clearConfigRepositories, configRepository, settingsFor, type ConfigRepository, type ConfigSource } from '../config/index.js';
import type { Spec } from '../../schemas/spec.js';
import { buildDefaults, type DefaultsNode, type GroupOverrides } from './defaults.js';
import { ConfigError } from '../errors.js';
import { coerceInterpolated } from './coerce.js';
import { resolveWithProvenance } from './interpolate.js';
import { mergeConfigs, placeAtPackage } from './merge.js';
import { keyOrigin } from './origin.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';
import { placedSchemas, validateComposed, type PlacedSchema } from './schemas.js';
import { checkSections, HYDRA_GROUPS, hydraRuntime, splitHydra, type HydraNode } from './hydra.js';
import { LAUNCHER_MAP, mapHydra, type HydraMapping } from './hydra-map.js';
import { composeSearchPath } from './search-path.js';

export interface ComposeOptions {
  /** Config folder; default: the `configDir` setting (conf/). */
  configDir?: string;
  /** Primary config name; default: the `configName` setting (config). */
  configName?: string;
  /** Command-line overrides, e.g. ['model=patchtst', 'trainer.lr=1e-3']. */
  overrides?: string[];
  /**
   * Leave a group whose option is still `???` unchosen instead of failing (Hydra's multirun reads its
   * sweeper's config this way: the sweep chooses the option later).
   */
  skipMissingGroups?: boolean;
  /** compose() only: the job's run-time values for `${hydra:...}` (default: job 0 of a single run, no folder yet). */
  runtime?: { num?: number; outputDir?: string | null; multirun?: boolean; cwd?: string };
}

export interface Composed {
  /**
   * Resolved (interpolations done) and validated against its groups' schemas and its task's spec
   * (schemas/spec for `task=train`). Plain: every number a number (no Float). Typed as Ladder's spec; a user config dir's tree is what its schemas allow.
   */
  config: Spec;
  /** Group (or group@pkg) → chosen option, e.g. { budget: '2m' }. */
  choices: Record<string, string>;
  /** The command-line overrides applied. */
  overrides: string[];
  /**
   * `config` as run folders and the index may keep it: a value that came from the environment stays
   * the interpolation that read it (`token: ${oc.env:TOKEN}`), never the value itself; a float with a
   * whole-number value stays a Float, so that config.yaml says `1.0` where the YAML or override did.
   */
  stored: ConfigDict;
  /** Present for a Hydra project (its configs or command line set something of Hydra's): what it maps to. */
  hydra?: HydraMapping & { node: ConfigDict };
}

/** The composed config before interpolation and validation, with what made it. */
export interface ComposedTree {
  config: ConfigDict;
  choices: Record<string, string | null>;
  overrides: string[];
  defaults: DefaultsNode;
  configDir: string;
  configName: string;
  /** Where config files were looked up, first match wins. */
  searchPath: readonly ConfigSource[];
  /** The JSON Schemas of the chosen groups, each with the package it checks (validateComposed). */
  schemas: readonly PlacedSchema[];
  /** Hydra's own node, composed apart from `config` (as Hydra keeps it out of the job config). */
  hydra: HydraNode;
}


/**
 * Composes, resolves and validates one run spec (Hydra's compose API): each group against its schema
 * where the config dir has one, the whole against the spec its task declares. Synchronous.
 */
export function compose(options: ComposeOptions = {}): Composed {
  const tree = composeTree(options);
  const node = runtimeNode(tree, options.runtime);
  const origin = keyOrigin(tree);
  const { config: resolved, fromEnv, strings } = resolveWithProvenance(tree.config, { hydra: node, origin });
  coerceInterpolated(resolved, strings, tree.schemas);
  validateComposed(resolved, tree.schemas, { origin });
  const config = plainConfig(resolved) as unknown as Spec;
  const choices: Record<string, string> = {};
  for (const [key, option] of Object.entries(tree.choices)) if (option !== null) choices[key] = option;
  const hydra = tree.hydra.used ? { ...mapHydra(tree.hydra, node, tree.config), node } : undefined;
  return { config, choices, overrides: tree.overrides, stored: withInterpolations(resolved, tree.config, fromEnv), ...(hydra ? { hydra } : {}) };
}

/** The hydra node that `${hydra:...}` reads for this job (see hydraRuntime). */
export function runtimeNode(tree: ComposedTree, runtime: ComposeOptions['runtime'] = {}): ConfigDict {
  const overrides = tree.overrides.filter((text) => !/^\s*[+~]*hydra[./]/.test(text));
  return hydraRuntime(tree.hydra, { configName: tree.configName, overrides, num: runtime.num ?? 0, outputDir: runtime.outputDir ?? null, multirun: runtime.multirun ?? false, cwd: runtime.cwd });
}

/** A copy of `config` with the value at each dotted key in `keys` put back to what `raw` has there (its interpolation). */
function withInterpolations(config: ConfigDict, raw: ConfigDict, keys: string[]): ConfigDict {
  if (keys.length === 0) return config;
  const copy = copyConfigValue(config);
  for (const key of keys) {
    const path = key.split('.');
    let into: ConfigValue = copy;
    let from: ConfigValue = raw;
    for (const segment of path.slice(0, -1)) {
      into = (into as Record<string, ConfigValue>)?.[segment] ?? null;
      from = (from as Record<string, ConfigValue>)?.[segment] ?? null;
    }
    const last = path.at(-1)!;
    if (into !== null && typeof into === 'object' && from !== null && typeof from === 'object') {
      (into as Record<string, ConfigValue>)[last] = (from as Record<string, ConfigValue>)[last] ?? null;
    }
  }
  return copy;
}

/**
 * Composes the defaults list and applies the overrides (Hydra's order: groups first, then
 * key=value in struct mode), leaving interpolations unresolved and the schema unchecked.
 */
export function composeTree(options: ComposeOptions = {}): ComposedTree {
  const settings = options.configDir && options.configName ? null : settingsFor(process.cwd());
  const configDir = path.resolve(options.configDir ?? settings!.configDir);
  const configName = options.configName ?? settings!.configName;
  const overrides = options.overrides ?? [];
  const parsed = overrides.map(parseCached);
  const repository = configRepository(composeSearchPath(configDir, configName, parsed));
  const { groups, keys } = splitOverrides(repository, parsed);
  const skip = options.skipMissingGroups ?? false;
  let composed = composeGroups(repository, configName, groups, skip);
  const launcher = hydraLauncherChoice(repository, composed, groups);
  if (launcher) composed = composeGroups(repository, configName, launcher, skip);
  const { merged, choices, tree, schemas, runtimeChoices } = composed;
  const split = splitHydra(merged);
  const isHydraKey = (o: Override) => o.key === 'hydra' || o.key.startsWith('hydra.');
  const config = applyKeyOverrides(split.job, keys.filter((o) => !isHydraKey(o)));
  const hydraConfig = applyHydraOverrides(split.hydra, keys.filter(isHydraKey));
  const used = Object.keys(hydraConfig).length > 0 || Object.keys(runtimeChoices).some((key) => key === 'hydra' || (key in HYDRA_GROUPS && runtimeChoices[key] !== HYDRA_GROUPS[key]!.default));
  const hydra: HydraNode = { config: hydraConfig, choices: { ...runtimeChoices }, used };
  return { config, choices: { ...choices }, overrides: [...overrides], defaults: tree, configDir, configName, searchPath: repository.sources, schemas, hydra };
}

/**
 * hydra/launcher=joblib (or submitit_slurm) in a config dir that has Ladder's `launcher` group: the group
 * options that stand for it (LAUNCHER_MAP), unless the command line chose a launcher itself. Null when
 * nothing changes.
 */
function hydraLauncherChoice(repository: ConfigRepository, composed: MergedGroups, groups: GroupOverrides): GroupOverrides | null {
  const option = composed.runtimeChoices['hydra/launcher'];
  const mapped = option && option !== 'basic' ? LAUNCHER_MAP[option] : undefined;
  if (!mapped || !repository.isGroup('launcher') || !repository.groupOptions('launcher').includes(mapped)) return null;
  if (composed.choices.launcher === mapped || groups.select.some((s) => s.key === 'launcher') || groups.add.some((a) => a.group === 'launcher')) return null;
  const input = `launcher=${mapped} (for hydra/launcher=${option})`;
  if ('launcher' in composed.choices) return { ...groups, select: [...groups.select, { key: 'launcher', option: mapped, input }] };
  return { ...groups, add: [...groups.add, { group: 'launcher', package: null, option: mapped, input }] };
}

/**
 * `hydra.*=` overrides change the hydra node. Hydra's node has all of its keys from its own defaults,
 * which Ladder does not fill in: any key below one of its sections may be set without `+`.
 */
function applyHydraOverrides(hydra: ConfigDict, overrides: Override[]): ConfigDict {
  if (overrides.length === 0) return hydra;
  const local = overrides.map((o) => {
    if (o.key === 'hydra') throw new ConfigError(`'${o.input}': set keys of the hydra node one by one, e.g. hydra.run.dir=out`);
    return { ...o, key: o.key.slice('hydra.'.length), type: o.type === 'change' ? ('force_add' as const) : o.type };
  });
  const section = (o: Override) => o.key.split('.')[0]!;
  checkSections(Object.fromEntries(local.map((o) => [section(o), null])), (key) => `hydra.${key}`);
  return applyKeyOverrides(hydra, local);
}

/**
 * The jobs of a sweep repeat a few group choices many times: the merged result of each distinct
 * choice is kept (frozen, like the files it comes from; applyOverrides works on a copy), until any
 * config file of its repository changes.
 */
interface MergedGroups {
  generation: number;
  merged: ConfigDict;
  choices: Record<string, string | null>;
  tree: DefaultsNode;
  schemas: PlacedSchema[];
  runtimeChoices: Record<string, string | null>;
}
const groupCache = new WeakMap<ConfigRepository, Map<string, MergedGroups>>();
function composeGroups(repository: ConfigRepository, configName: string, groups: GroupOverrides, skipMissing: boolean): MergedGroups {
  let cache = groupCache.get(repository);
  if (!cache) groupCache.set(repository, (cache = new Map()));
  const key = JSON.stringify([configName, groups.select, groups.add, groups.remove, skipMissing]);
  let hit = cache.get(key);
  if (!hit || hit.generation !== repository.generation) {
    const { sequence, choices, tree, runtimeChoices } = buildDefaults(repository, configName, groups, { skipMissing });
    const merged = mergeConfigs(sequence.map((item) => placeAtPackage(item.package, item.loaded.body)));
    hit = { generation: repository.generation, merged: Object.freeze(merged), choices, tree, schemas: placedSchemas(repository, tree), runtimeChoices };
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Forgets parsed files, folder listings and merged choices. Edits on disk are noticed without it;
 * tests use it to time a cold start.
 */
export function clearConfigCache(): void {
  clearConfigRepositories();
}

/** key=value, +key, ++key, ~key in struct mode, on a copy (cached file contents stay untouched). */
function applyKeyOverrides(config: ConfigDict, overrides: Override[]): ConfigDict {
  try {
    return applyOverrides(config, overrides, { struct: true });
  } catch (error) {
    if (error instanceof ConfigOverrideError) throw new ConfigError(error.message, { cause: error });
    throw error;
  }
}

const parseCache = new Map<string, Override>();
function parseCached(text: string): Override {
  let parsed = parseCache.get(text);
  if (!parsed) {
    try {
      parsed = parseOverride(text);
    } catch (error) {
      throw new ConfigError((error as Error).message, { cause: error });
    }
    parseCache.set(text, parsed);
  }
  return parsed;
}

/** Hydra's rule: an override whose key names a config group (and whose value is no dict) picks options. */
function splitOverrides(repository: ConfigRepository, parsed: Override[]): { groups: GroupOverrides; keys: Override[] } {
  const groups: GroupOverrides = { select: [], add: [], remove: [] };
  const keys: Override[] = [];
  for (const o of parsed) {
    if (isSweep(o)) {
      throw new ConfigError(
        `Ambiguous value for argument '${o.input}'. Sweeps need --multirun: npx run --multirun ${o.input}` +
          ` (for a list write key=[a,b]; for a string with commas quote it: key='a,b')`,
      );
    }
    const value = o.valueType === null ? null : overrideValue(o);
    if (!(repository.isGroup(o.key) || o.key in HYDRA_GROUPS) || isDict(value)) {
      keys.push(o);
      continue;
    }
    const key = o.package === null ? o.key : `${o.key}@${o.package}`;
    if (o.type === 'delete') {
      if (value !== null && typeof value !== 'string') throw new ConfigError(`'${o.input}': a group deletion takes an option name, e.g. ~${o.key}=<option>`);
      groups.remove.push({ key, option: value, input: o.input });
    } else if (o.type === 'force_add') {
      throw new ConfigError(`'${o.input}': ++ cannot add a config group; use +${o.input.slice(2)}`);
    } else if (!(value === null || typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))) {
      throw new ConfigError(
        `'${o.input}': Config group override must be a string or a list. Got ${pyTypeOf(value)}: name an option of '${o.key}', quoted where it reads as a number or bool (${o.key}='${String(value)}')`,
      );
    } else if (o.type === 'add') {
      if (value === null) throw new ConfigError(`'${o.input}': +${o.key} needs an option name`);
      groups.add.push({ group: o.key, package: o.package, option: value as string | string[], input: o.input });
    } else {
      groups.select.push({ key, option: value as string | string[] | null, input: o.input });
    }
  }
  return { groups, keys };
}
