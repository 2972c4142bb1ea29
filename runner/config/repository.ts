// The config repository: the one place that reads the config folder. Composition, sweep glob()
// and presets, and `--info` all list and load through it (Hydra's ConfigRepository over its
// ConfigSources). It searches an ordered list of sources, first match wins, so that a user's
// config folder can later sit on top of the groups Ladder ships.
//
// Files and folder listings are cached for the life of the process, each with the stat signature
// it was read under; refresh() drops whatever changed on disk since (a UI server or a long search
// runs for hours while configs are edited).
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { fileSignature } from './signature.js';
import { plainConfig } from '../overrides/index.js';
import { parseConfigYaml } from '../yaml/index.js';

/**
 * File endings read as config files, everywhere (loading, listing options, glob(), presets).
 * Hydra reads only `.yaml`; Ladder also takes `.yml`, but one folder may not hold both for one name.
 */
export const CONFIG_EXTENSIONS: readonly string[] = ['.yaml', '.yml'];

/**
 * A group's JSON Schema sits beside the group's folder: `conf/model.schema.json` for `conf/model/`,
 * `conf/server/db.schema.json` for `conf/server/db/`. Not an option of any group (only YAML files are).
 */
export const SCHEMA_SUFFIX = '.schema.json';

/** One folder on the search path. */
export interface ConfigSource {
  /** Who put it there, e.g. `main` for the configDir setting or --config-dir. */
  provider: string;
  /** Absolute folder. */
  dir: string;
}

/** One config file, read and parsed. */
export interface ConfigFile {
  /** Config path without extension, e.g. `model/patchtst`. */
  configPath: string;
  /** Absolute file name, with its extension. */
  file: string;
  /** `file` relative to the working directory when inside it, e.g. `conf/model/patchtst.yaml` (for messages). */
  displayPath: string;
  /** The source it was found in. */
  source: ConfigSource;
  /** The raw text (for header comments such as `# @package`). */
  text: string;
  /** The parsed YAML, deep-frozen; an empty file gives {}. */
  content: unknown;
}

/** A group's JSON Schema file, read and parsed. */
export interface SchemaFile {
  /** The group it belongs to, e.g. `model`. */
  group: string;
  /** Absolute file name. */
  file: string;
  /** `file` relative to the working directory when inside it (for messages). */
  displayPath: string;
  /** The parsed schema, deep-frozen. */
  content: unknown;
}

/** A folder's sub-folders (groups) and config files (option name → file name). */
interface Listing {
  groups: string[];
  options: Map<string, string>;
}

interface Cached<T> {
  signature: string;
  value: T;
}

/**
 * Lists and loads config files over a search path. Reads are cached until refresh(), which is due at
 * the start of each operation (a compose, a sweep plan: configRepository() does it) so that the
 * operation sees the files as they are now.
 */
export class ConfigRepository {
  /** Bumped by refresh() whenever something cached changed on disk (for caches built from reads). */
  generation = 0;
  private readonly listings = new Map<string, Cached<Listing | null>>();
  private readonly files = new Map<string, Cached<ConfigFile>>();
  private readonly schemas = new Map<string, Cached<SchemaFile | null>>();

  /** @param sources the search path, first match wins; at least one. */
  constructor(readonly sources: readonly ConfigSource[]) {
    if (sources.length === 0) throw new Error('a config repository needs at least one source');
  }

  /** True when `group` (e.g. `model`, `db/mysql`) is a folder in some source; '' (the root) is no group. */
  isGroup(group: string): boolean {
    return group !== '' && this.sources.some((source) => this.listing(source, group) !== null);
  }

  /** Option names of a group across all sources, sorted, without extension; [] when there is no such group. */
  groupOptions(group: string): string[] {
    const names = new Set<string>();
    for (const source of this.sources) for (const name of this.listing(source, group)?.options.keys() ?? []) names.add(name);
    return [...names].sort();
  }

  /** Every group under `parent` (default: all), nested ones as `a/b`, depth first in sorted order. */
  groups(parent = ''): string[] {
    const names = new Set<string>();
    for (const source of this.sources) for (const name of this.listing(source, parent)?.groups ?? []) names.add(name);
    return [...names].sort().flatMap((name) => {
      const group = parent ? `${parent}/${name}` : name;
      return [group, ...this.groups(group)];
    });
  }

  /** True when `configPath` (e.g. `budget/2m`, no extension) names a config file in some source. */
  exists(configPath: string): boolean {
    return this.find(configPath) !== null;
  }

  /**
   * Reads and parses `configPath` (no extension) from the first source that has it, or null when none does.
   * Errors: ConfigError `<file>:<line>: <reason>` for invalid YAML, `<file>: cannot read: ...` for I/O failures.
   */
  load(configPath: string): ConfigFile | null {
    const found = this.find(configPath);
    if (!found) return null;
    const cached = this.files.get(found.file);
    if (cached) return cached.value;
    const signature = fileSignature(found.file);
    const where = displayPath(found.file);
    let text: string;
    try {
      text = fs.readFileSync(found.file, 'utf8');
    } catch (error) {
      throw new ConfigError(`${where}: cannot read: ${(error as Error).message}`, { cause: error });
    }
    const value: ConfigFile = { configPath, file: found.file, displayPath: where, source: found.source, text, content: parseConfigYaml(text, where) };
    this.files.set(found.file, { signature, value });
    return value;
  }

  /**
   * The JSON Schema of `group` (`<group>.schema.json` beside its folder) from the first source that has
   * one, or null. Errors: ConfigError `<file>:<line>: <reason>` for invalid JSON, `<file>: ...` when it is no object.
   */
  schema(group: string): SchemaFile | null {
    for (const source of this.sources) {
      const file = path.join(source.dir, `${group}${SCHEMA_SUFFIX}`);
      let cached = this.schemas.get(file);
      if (!cached) {
        const signature = fileSignature(file);
        cached = { signature, value: signature === 'missing' ? null : readSchema(group, file) };
        this.schemas.set(file, cached);
      }
      if (cached.value) return cached.value;
    }
    return null;
  }

  /** Drops every cached file and listing whose file or folder changed on disk; true when any did. */
  refresh(): boolean {
    let changed = false;
    for (const cache of [this.listings, this.files, this.schemas] as Array<Map<string, Cached<unknown>>>) {
      for (const [file, entry] of cache) {
        if (fileSignature(file) === entry.signature) continue;
        cache.delete(file);
        changed = true;
      }
    }
    if (changed) this.generation += 1;
    return changed;
  }

  private find(configPath: string): { source: ConfigSource; file: string } | null {
    checkConfigPath(configPath);
    const name = path.posix.basename(configPath);
    const dir = path.posix.dirname(configPath);
    for (const source of this.sources) {
      const fileName = this.listing(source, dir === '.' ? '' : dir)?.options.get(name);
      if (fileName !== undefined) return { source, file: path.join(source.dir, dir, fileName) };
    }
    return null;
  }

  private listing(source: ConfigSource, group: string): Listing | null {
    checkConfigPath(group);
    const dir = path.join(source.dir, group);
    const cached = this.listings.get(dir);
    if (cached) return cached.value;
    const signature = fileSignature(dir);
    const value = readListing(dir);
    this.listings.set(dir, { signature, value });
    return value;
  }
}

/**
 * Every group and option name is read through here, so this is where a name that would leave the config
 * folder (`trainer=../../x`, `trainer=a//b`) is refused: each `/`-separated part must be a plain name.
 */
function checkConfigPath(configPath: string): void {
  if (configPath === '') return; // the root of the config folder
  const bad = configPath.split('/').find((part) => part === '' || part === '.' || part === '..' || /[\\\0]/.test(part));
  if (bad === undefined) return;
  throw new ConfigError(
    `config name '${configPath}': group and option names are plain names inside the config folder (e.g. trainer=smoke); '${bad}' is not one`,
  );
}

function readListing(dir: string): Listing | null {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const groups: string[] = [];
  const options = new Map<string, string>();
  for (const entry of entries) {
    const target = entry.isSymbolicLink() ? fs.statSync(path.join(dir, entry.name), { throwIfNoEntry: false }) : entry;
    if (target?.isDirectory()) groups.push(entry.name);
    const extension = CONFIG_EXTENSIONS.find((ext) => entry.name.endsWith(ext));
    if (!target?.isFile() || extension === undefined || entry.name === extension) continue;
    const name = entry.name.slice(0, -extension.length);
    const other = options.get(name);
    if (other !== undefined) {
      const both = [other, entry.name].sort();
      throw new ConfigError(`${displayPath(dir)}: both ${both[0]} and ${both[1]} define '${name}'; delete or rename one of them`);
    }
    options.set(name, entry.name);
  }
  return { groups: groups.sort(), options };
}

function readSchema(group: string, file: string): SchemaFile {
  const where = displayPath(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${where}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  const content = plainConfig(parseConfigYaml(text, where)); // JSON is YAML: the same file:line messages; 1.0 is a plain number to Ajv
  if (typeof content !== 'boolean' && (content === null || typeof content !== 'object' || Array.isArray(content))) {
    throw new ConfigError(`${where}: a JSON Schema must be an object (or true/false), got ${JSON.stringify(content)}`);
  }
  return { group, file, displayPath: where, content };
}

/** `file` relative to the working directory when inside it, else as given. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

const repositories = new Map<string, ConfigRepository>();

/** The search path for a config folder: today just that folder (provider `main`), made absolute. */
export function searchPath(configDir: string): ConfigSource[] {
  return [{ provider: 'main', dir: path.resolve(configDir) }];
}

/**
 * The process-wide repository for a config folder (or a whole search path), shared by every caller
 * so that they share one cache, and refreshed: call it once at the start of an operation.
 */
export function configRepository(configDir: string | readonly ConfigSource[]): ConfigRepository {
  const sources = typeof configDir === 'string' ? searchPath(configDir) : configDir;
  const key = JSON.stringify(sources.map((s) => [s.provider, s.dir]));
  let repository = repositories.get(key);
  if (!repository) {
    repository = new ConfigRepository(sources);
    repositories.set(key, repository);
  } else {
    repository.refresh();
  }
  return repository;
}

/** Forgets every repository and what it cached (tests that rewrite configs; a refresh() would also do). */
export function clearConfigRepositories(): void {
  repositories.clear();
}
