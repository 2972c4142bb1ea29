import path from 'node:path';
import { applyOverrides, ConfigOverrideError, copyConfigValue, isSweep, overrideValue, parseOverride, plainConfig, pyTypeOf, type Override } from '../overrides/index.js';
import { clearConfigRepositories, configRepository, settingsFor, type ConfigRepository, type ConfigSource } from '../config/index.js';
import type { Spec } from '../../schemas/spec.js';
import { buildDefaults, type DefaultsNode, type GroupOverrides } from './defaults.js';
import { ConfigError } from '../errors.js';
import { resolveWithProvenance } from './interpolate.js';
import { mergeConfigs, placeAtPackage } from './merge.js';
import { keyOrigin } from './origin.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';
import { placedSchemas, validateComposed, type PlacedSchema } from './schemas.js';

export interface ComposeOptions {
  /** Config folder; default: the `configDir` setting (conf/). */
  configDir?: string;
  /** Primary config name; default: the `configName` setting (config). */
  configName?: string;
  /** Command-line overrides, e.g. ['model=patchtst', 'trainer.lr=1e-3']. */
  overrides?: string[];
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
}

/**
 * Composes, resolves and validates one run spec (Hydra's compose API): each group against its schema
 * where the config dir has one, the whole against the spec its task declares. Synchronous.
 */
export function compose(options: ComposeOptions = {}): Composed {
  const tree = composeTree(options);
  const { config: resolved, fromEnv } = resolveWithProvenance(tree.config);
  validateComposed(resolved, tree.schemas, { origin: keyOrigin(tree) });
  const config = plainConfig(resolved) as unknown as Spec;
  const choices: Record<string, string> = {};
  for (const [key, option] of Object.entries(tree.choices)) if (option !== null) choices[key] = option;
  return { config, choices, overrides: tree.overrides, stored: withInterpolations(resolved, tree.config, fromEnv) };
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
  const repository = configRepository(configDir);
  const parsed = overrides.map(parseCached);
  const { groups, keys } = splitOverrides(repository, parsed);
  const { merged, choices, tree, schemas } = composeGroups(repository, configName, groups);
  const config = applyKeyOverrides(merged, keys);
  return { config, choices: { ...choices }, overrides: [...overrides], defaults: tree, configDir, configName, searchPath: repository.sources, schemas };
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
}
const groupCache = new WeakMap<ConfigRepository, Map<string, MergedGroups>>();
function composeGroups(repository: ConfigRepository, configName: string, groups: GroupOverrides): MergedGroups {
  let cache = groupCache.get(repository);
  if (!cache) groupCache.set(repository, (cache = new Map()));
  const key = JSON.stringify([configName, groups.select, groups.add, groups.remove]);
  let hit = cache.get(key);
  if (!hit || hit.generation !== repository.generation) {
    const { sequence, choices, tree } = buildDefaults(repository, configName, groups);
    const merged = mergeConfigs(sequence.map((item) => placeAtPackage(item.package, item.loaded.body)));
    hit = { generation: repository.generation, merged: Object.freeze(merged), choices, tree, schemas: placedSchemas(repository, tree) };
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
    if (!repository.isGroup(o.key) || isDict(value)) {
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
