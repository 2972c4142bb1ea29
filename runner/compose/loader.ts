import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';

/** One config file, parsed once per process. */
export interface LoadedConfig {
  /** Path as the user should see it in messages, e.g. `conf/model/patchtst.yaml`. */
  displayPath: string;
  /** The file's content without its `defaults` list (frozen: never mutate). */
  body: ConfigDict;
  /** The raw `defaults` list, or null when the file has none. */
  defaults: ConfigValue[] | null;
  /** The `# @package <pkg>` header, or null. */
  packageHeader: string | null;
}

const fileCache = new Map<string, LoadedConfig>();
const dirCache = new Map<string, { groups: string[]; options: string[] } | null>();

/** Forgets every cached file and folder listing. */
export function clearFileCache(): void {
  fileCache.clear();
  dirCache.clear();
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Loads `<configDir>/<configPath>.yaml`, or returns null when that file does not exist. */
export function loadConfig(configDir: string, configPath: string): LoadedConfig | null {
  const file = path.join(configDir, `${configPath}.yaml`);
  const cached = fileCache.get(file);
  if (cached) return cached;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw new ConfigError(`${displayPath(file)}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  const loaded = parseConfigText(text, displayPath(file));
  fileCache.set(file, loaded);
  return loaded;
}

export function parseConfigText(text: string, where: string): LoadedConfig {
  const doc = parseDocument(text);
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line ?? lineOf(text, problem.pos[0]);
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${where}:${line}: ${reason}`);
  }
  const content: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  if (!isDict(content)) {
    throw new ConfigError(`${where}:1: a config file must be a mapping of keys to values, got ${describe(content)}`);
  }
  const { defaults, ...body } = content as ConfigDict;
  if (defaults !== undefined && !Array.isArray(defaults)) {
    throw new ConfigError(`${where}: 'defaults' must be a list, e.g. defaults: [ {model: patchtst}, _self_ ]`);
  }
  return { displayPath: where, body: deepFreeze(body), defaults: defaults ?? null, packageHeader: readPackageHeader(text) };
}

/** Sub-folders (groups) and `.yaml` names (options) of `<configDir>/<group>`, or null when it is no folder. */
export function listDir(configDir: string, group: string): { groups: string[]; options: string[] } | null {
  const dir = path.join(configDir, group);
  if (dirCache.has(dir)) return dirCache.get(dir)!;
  let listing: { groups: string[]; options: string[] } | null = null;
  try {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    listing = {
      groups: entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(),
      options: entries.filter((e) => e.isFile() && e.name.endsWith('.yaml')).map((e) => e.name.slice(0, -5)).sort(),
    };
  } catch {
    listing = null;
  }
  dirCache.set(dir, listing);
  return listing;
}

export function groupExists(configDir: string, group: string): boolean {
  return group !== '' && listDir(configDir, group) !== null;
}

export function listOptions(configDir: string, group: string): string[] {
  return listDir(configDir, group)?.options ?? [];
}

/** Every config group under configDir, nested ones as `a/b`. */
export function listGroups(configDir: string, parent = ''): string[] {
  const listing = listDir(configDir, parent);
  if (!listing) return [];
  return listing.groups.flatMap((name) => {
    const group = parent ? `${parent}/${name}` : name;
    return [group, ...listGroups(configDir, group)];
  });
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

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
