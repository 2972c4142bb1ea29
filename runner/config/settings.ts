import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { settingsSchema, type SettingsFile } from '../../schemas/settings.js';
import { ConfigError } from '../errors.js';
import { patternEscapes } from '../outputs/dirs.js';
import { fileSignature } from './signature.js';

/** Project-level settings with defaults filled in and paths absolute (schemas/settings describes each key). */
export type Settings = Required<SettingsFile> & {
  /** The file the settings came from, or null when only defaults apply. */
  source: string | null;
};

const KEYS = Object.keys(settingsSchema.properties);

const SEARCH_PLACES = [
  'package.json',
  '.ladderrc',
  '.ladderrc.json',
  '.ladderrc.yaml',
  '.ladderrc.yml',
  'ladder.config.js',
  'ladder.config.cjs',
];

/**
 * The project folder for `cwd`, found as git and npm find theirs: the nearest folder, from `cwd` up,
 * with Ladder settings (a `ladder` key in package.json or an rc file) or a `conf/config.yaml`.
 * Returns `cwd` itself when no folder above it is a Ladder project.
 */
export function findProjectRoot(cwd: string = process.cwd()): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (findSettingsFile(dir) || fs.existsSync(path.join(dir, 'conf', 'config.yaml'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}

/**
 * Reads settings from the `ladder` key of package.json or an rc file in the project folder of `cwd`
 * (see findProjectRoot; cosmiconfig), filling in defaults; relative paths are resolved against the
 * folder of the file that set them, or the project folder.
 */
export function loadSettings(cwd: string = process.cwd()): Settings {
  const root = findProjectRoot(cwd);
  const found = findSettingsFile(root);
  const raw = found?.config ?? {};
  const where = found ? path.relative(cwd, found.filepath) || found.filepath : '';
  const values = checkSettings(raw, where);
  for (const key of ['runDir', 'sweepDir'] as const) {
    if (patternEscapes(values[key]!)) {
      throw new ConfigError(`${where}: ladder setting '${key}' ('${values[key]}') must name a folder inside the outputs dir: give a pattern relative to it, without '..'`);
    }
  }
  const base = found ? path.dirname(found.filepath) : root;
  const outputsDir = path.resolve(base, values.outputsDir);
  return {
    configDir: path.resolve(base, values.configDir),
    configName: values.configName,
    outputsDir,
    indexPath: values.indexPath ? path.resolve(base, values.indexPath) : path.join(outputsDir, 'index.sqlite'),
    runDir: values.runDir,
    sweepDir: values.sweepDir,
    source: found?.filepath ?? null,
  };
}

const cache = new Map<string, { signature: string; settings: Settings }>();

/**
 * loadSettings(cwd), kept for the life of the process and read again when a settings file of its project
 * appears, changes or goes (a JS settings file that Node has already imported as ESM stays as first read).
 */
export function settingsFor(cwd: string = process.cwd()): Settings {
  const root = findProjectRoot(cwd);
  const signature = [root, ...SEARCH_PLACES.map((name) => fileSignature(path.join(root, name)))].join('|');
  const cached = cache.get(cwd);
  if (cached?.signature === signature) return cached.settings;
  const settings = loadSettings(cwd);
  cache.set(cwd, { signature, settings });
  return settings;
}

let validator: ValidateFunction<SettingsFile> | undefined;

/** Every setting's default, from schemas/settings. */
const DEFAULTS = Object.fromEntries(
  Object.entries(settingsSchema.properties).flatMap(([key, p]) => ('default' in p ? [[key, p.default]] : [])),
) as SettingsFile;

/**
 * Checks the settings against schemas/settings and fills in the defaults, on a copy (a ladder.config.js
 * export is not the caller's to change). Throws one ConfigError line naming the file and its first bad key.
 */
function checkSettings(raw: unknown, where: string): SettingsFile {
  if (raw === undefined || (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0)) {
    return { ...DEFAULTS }; // no settings: nothing to check, and no validator to load (every `runs` command starts here)
  }
  // loaded on first use: compiling the schema costs more than the rest of a `runs` command's start-up
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  validator ??= new Ajv({ strict: true, allErrors: true, useDefaults: true }).compile<SettingsFile>(settingsSchema);
  const copy = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw } : raw;
  if (typeof copy === 'object' && copy !== null && Object.hasOwn(copy, 'launcher')) {
    throw new ConfigError(`${where}: ladder setting 'launcher' is now the \`launcher\` config group: remove the setting and choose the launcher in the defaults list of the primary config (- launcher: pool) or on the command line (launcher=pool)`);
  }
  if (validator(copy)) return copy;
  const errors = validator.errors!;
  if (errors.some((e) => e.instancePath === '' && e.keyword === 'type')) {
    throw new ConfigError(`${where}: ladder settings must be an object with keys ${KEYS.join(', ')}`);
  }
  const keyOf = (e: ErrorObject) => (e.params as { additionalProperty?: string }).additionalProperty ?? e.instancePath.slice(1);
  const key = Object.keys(copy as object).find((k) => errors.some((e) => keyOf(e) === k))!;
  if (!KEYS.includes(key)) throw new ConfigError(`${where}: unknown ladder setting '${key}'. Known settings: ${KEYS.join(', ')}`);
  const value = (copy as Record<string, unknown>)[key];
  throw new ConfigError(`${where}: ladder setting '${key}' must be a non-empty string, got ${JSON.stringify(value)}`);
}

/**
 * Files cosmiconfig reads in the working directory for its own options ("meta config", also a
 * `cosmiconfig` key in package.json), which can add search places: without them, SEARCH_PLACES are all
 * it looks at.
 */
const META_PLACES = ['package.yaml', '.config/config.json', '.config/config.yaml', '.config/config.yml', '.config/config.js', '.config/config.ts', '.config/config.cjs', '.config/config.mjs'];

/**
 * False when cosmiconfig would surely find no settings in `dir`: no rc file, no meta config, and a
 * package.json (if any) without a `ladder` key. Then a command never loads cosmiconfig and its YAML
 * parser; whenever in doubt, cosmiconfig reads the files (and reports what is wrong with them).
 */
function maySetLadder(dir: string): boolean {
  const cwd = process.cwd();
  const present = (folder: string, names: string[]) => names.some((name) => fs.existsSync(path.join(folder, name)));
  if (present(dir, SEARCH_PLACES.filter((name) => name !== 'package.json')) || present(cwd, META_PLACES)) return true;
  return packageMayHave(dir, 'ladder') || packageMayHave(cwd, 'cosmiconfig');
}

/** Whether `folder`/package.json has `key`, or exists but is not a JSON object (cosmiconfig then says why). */
function packageMayHave(folder: string, key: string): boolean {
  const file = path.join(folder, 'package.json');
  if (!fs.existsSync(file)) return false;
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof parsed !== 'object' || parsed === null || Object.hasOwn(parsed, key);
  } catch {
    return true;
  }
}

function findSettingsFile(cwd: string): { config: unknown; filepath: string } | null {
  if (!maySetLadder(cwd)) return null;
  try {
    const { cosmiconfigSync } = createRequire(import.meta.url)('cosmiconfig') as typeof import('cosmiconfig');
    const result = cosmiconfigSync('ladder', { searchPlaces: SEARCH_PLACES, searchStrategy: 'none' }).search(cwd);
    if (!result || result.isEmpty) return null;
    // ladder.config.js in an ESM package loads (require(esm)) as a namespace: use its default export
    const config = result.filepath.endsWith('.js') && isNamespace(result.config) ? result.config.default : result.config;
    return { config, filepath: result.filepath };
  } catch (error) {
    throw new ConfigError(`could not read ladder settings: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}

function isNamespace(value: unknown): value is { default: unknown } {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Module]' && 'default' in value;
}
