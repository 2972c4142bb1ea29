import { ConfigError } from '../errors.js';
import type { ConfigFile, ConfigRepository } from '../config/index.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';

/** One config file as composition sees it: its body split from its defaults list. */
export interface LoadedConfig {
  /** Path as the user should see it in messages, e.g. `conf/model/patchtst.yaml`. */
  displayPath: string;
  /** The file's content without its `defaults` list (frozen: never mutate). */
  body: ConfigDict;
  /** The raw `defaults` list, or null when the file has none. */
  defaults: ConfigValue[] | null;
  /** The `# @package <pkg>` header, or null. */
  packageHeader: string | null;
  /** The file's text (for line numbers in messages). */
  text: string;
  /** Set for a config with no file (Hydra's hydra/config and its built-in options): nothing to merge. */
  builtin?: true;
}

// keyed by the repository's file object, which is replaced when the file changes on disk
const loaded = new WeakMap<ConfigFile, LoadedConfig>();

/**
 * Loads config `configPath` (e.g. `model/patchtst`, no extension) from the repository, or returns null
 * when no source has it. Errors: ConfigError when the file is no mapping or its `defaults` no list.
 */
export function loadConfig(repository: ConfigRepository, configPath: string): LoadedConfig | null {
  const file = repository.load(configPath);
  if (!file) return null;
  let config = loaded.get(file);
  if (!config) {
    config = toLoadedConfig(file);
    loaded.set(file, config);
  }
  return config;
}

function toLoadedConfig(file: ConfigFile): LoadedConfig {
  const where = file.displayPath;
  if (!isDict(file.content)) {
    throw new ConfigError(`${where}:1: a config file must be a mapping of keys to values, got ${describe(file.content)}`);
  }
  const { defaults, ...body } = file.content as ConfigDict;
  if (defaults !== undefined && !Array.isArray(defaults)) {
    throw new ConfigError(`${where}: 'defaults' must be a list, e.g. defaults: [ {model: patchtst}, _self_ ]`);
  }
  return { displayPath: where, body: Object.freeze(body), defaults: defaults ?? null, packageHeader: readPackageHeader(file.text), text: file.text };
}

function readPackageHeader(text: string): string | null {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#')) break;
    const match = /^#\s*@package\s*:?\s*(\S+)\s*$/.exec(trimmed);
    if (match) return match[1]!;
  }
  return null;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}
