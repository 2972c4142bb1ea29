// hydra.searchpath: a Hydra project adds config folders to the search path in its primary config
// (`hydra: {searchpath: [pkg://additional_conf, file://extra]}`) or on the command line
// (`hydra.searchpath=[file://extra]`). Hydra reads it from the primary config file alone, before
// composing, and appends each entry after the config dir (the config dir's files win).
//
// Where a source is, in a Node project:
// - `file://<path>`: a folder; a relative path is relative to the project folder (Hydra: the working dir).
// - `pkg://<module>[/<sub>]`: a folder shipped by a package: the npm package `<module>` as Node resolves it
//   from the config dir (node_modules, scoped names too), else, as Hydra would import it, the folder
//   `<module>` (dots as `/`) in one of the folders on PYTHONPATH. A source that is nowhere is skipped, as
//   Hydra skips a package it cannot import (a missing option then names the search path).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { configRepository, findProjectRoot, searchPath, type ConfigSource } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { overrideValue, type Override } from '../overrides/index.js';
import { resolveConfig } from './interpolate.js';
import { isDict } from './types.js';

/**
 * The search path for composing `configName` from `configDir`: the config dir, then the sources
 * `hydra.searchpath` names (the primary config's list, replaced by a `hydra.searchpath=` override).
 * Errors: ConfigError for a searchpath that is no list of strings, or an entry with another scheme.
 */
export function composeSearchPath(configDir: string, configName: string, overrides: readonly Override[], env: NodeJS.ProcessEnv = process.env): ConfigSource[] {
  const main = searchPath(configDir);
  let entries = fromPrimary(configDir, configName);
  for (const o of overrides) {
    if (o.key !== 'hydra.searchpath') continue;
    const value = o.type === 'delete' ? [] : overrideValue(o);
    entries = checkList(value, `'${o.input}'`);
  }
  if (entries.length === 0) return main;
  const sources = [...main];
  for (const entry of entries) {
    const dir = sourceDir(entry, configDir, env);
    if (dir !== null && !sources.some((s) => s.dir === dir)) sources.push({ provider: `hydra.searchpath ${entry}`, dir });
  }
  return sources;
}

function fromPrimary(configDir: string, configName: string): string[] {
  const file = configRepository(configDir).load(configName);
  const hydra = isDict(file?.content) ? file.content.hydra : undefined;
  const list = isDict(hydra) ? hydra.searchpath : undefined;
  if (list === undefined || list === null) return [];
  const where = `${file!.displayPath}: hydra.searchpath`;
  // entries may read the environment, e.g. file://${oc.env:HOME}/.my_app
  const resolved = resolveConfig({ searchpath: checkList(list, where) }).searchpath;
  return checkList(resolved ?? [], where);
}

function checkList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ConfigError(`${where} must be a list of sources, e.g. [pkg://my_package.conf, file://extra_conf]`);
  }
  return value as string[];
}

function sourceDir(entry: string, configDir: string, env: NodeJS.ProcessEnv): string | null {
  const scheme = /^(\w+):\/\/(.*)$/.exec(entry);
  if (!scheme) throw new ConfigError(`hydra.searchpath entry '${entry}': give a scheme, file://<folder> or pkg://<package>`);
  const [, kind, rest] = scheme;
  if (kind === 'file') {
    const dir = path.resolve(findProjectRoot(process.cwd()), rest!);
    return isFolder(dir) ? dir : null;
  }
  if (kind === 'pkg') return packageDir(rest!, configDir, env);
  throw new ConfigError(`hydra.searchpath entry '${entry}': unknown scheme '${kind}://'; Ladder reads file:// and pkg://`);
}

/** `module/sub` → the folder: an npm package resolved from `from`, else a folder on PYTHONPATH. */
function packageDir(spec: string, from: string, env: NodeJS.ProcessEnv): string | null {
  const parts = spec.split('/').filter(Boolean);
  const nameParts = parts[0]?.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/');
  const sub = parts.slice(nameParts);
  if (name === '') return null;
  try {
    const manifest = createRequire(path.join(from, 'package.json')).resolve(`${name}/package.json`);
    const dir = path.join(path.dirname(manifest), ...sub);
    if (isFolder(dir)) return dir;
  } catch {
    // not an npm package: try it as Hydra imports a Python package
  }
  for (const root of (env.PYTHONPATH ?? '').split(path.delimiter).filter(Boolean)) {
    const dir = path.resolve(root, ...name.split('.'), ...sub);
    if (isFolder(dir)) return dir;
  }
  return null;
}

function isFolder(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
