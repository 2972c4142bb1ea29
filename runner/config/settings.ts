import path from 'node:path';
import { cosmiconfigSync } from 'cosmiconfig';
import { ConfigError } from '../errors.js';
import { fileSignature } from './repository.js';

/** Project-level settings: where configs live and where results go. */
export interface Settings {
  /** Folder holding the config groups (absolute). */
  configDir: string;
  /** Primary config name, without `.yaml`. */
  configName: string;
  /** Folder for run folders (absolute). */
  outputsDir: string;
  /** SQLite index of all runs (absolute). */
  indexPath: string;
  /** Launcher used when none is chosen on the command line. */
  launcher: string;
  /** Single-run folder under outputsDir, strftime-style (%Y %m %d %H %M %S). */
  runDir: string;
  /** Multirun root under outputsDir; each job goes to <root>/<job#>/. */
  sweepDir: string;
  /** The file the settings came from, or null when only defaults apply. */
  source: string | null;
}

const KEYS = ['configDir', 'configName', 'outputsDir', 'indexPath', 'launcher', 'runDir', 'sweepDir'] as const;
type SettingKey = (typeof KEYS)[number];

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
 * Reads settings from the `ladder` key of package.json or an rc file in `cwd` (cosmiconfig),
 * filling in defaults; relative paths are resolved against the folder of the file that set them.
 */
export function loadSettings(cwd: string = process.cwd()): Settings {
  const found = findSettingsFile(cwd);
  const raw = found?.config ?? {};
  const where = found ? path.relative(cwd, found.filepath) || found.filepath : '';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${where}: ladder settings must be an object with keys ${KEYS.join(', ')}`);
  }
  const values: Partial<Record<SettingKey, string>> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${where}: unknown ladder setting '${key}'. Known settings: ${KEYS.join(', ')}`);
    }
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(`${where}: ladder setting '${key}' must be a non-empty string, got ${JSON.stringify(value)}`);
    }
    values[key as SettingKey] = value;
  }
  const base = found ? path.dirname(found.filepath) : cwd;
  const outputsDir = path.resolve(base, values.outputsDir ?? 'outputs');
  return {
    configDir: path.resolve(base, values.configDir ?? 'conf'),
    configName: values.configName ?? 'config',
    outputsDir,
    indexPath: values.indexPath ? path.resolve(base, values.indexPath) : path.join(outputsDir, 'index.sqlite'),
    launcher: values.launcher ?? 'local',
    runDir: values.runDir ?? '%Y-%m-%d/%H-%M-%S',
    sweepDir: values.sweepDir ?? 'multirun/%Y-%m-%d/%H-%M-%S',
    source: found?.filepath ?? null,
  };
}

const cache = new Map<string, { signature: string; settings: Settings }>();

/**
 * loadSettings(cwd), kept for the life of the process and read again when a settings file in `cwd`
 * appears, changes or goes (a JS settings file that Node has already imported as ESM stays as first read).
 */
export function settingsFor(cwd: string = process.cwd()): Settings {
  const signature = SEARCH_PLACES.map((name) => fileSignature(path.join(cwd, name))).join('|');
  const cached = cache.get(cwd);
  if (cached?.signature === signature) return cached.settings;
  const settings = loadSettings(cwd);
  cache.set(cwd, { signature, settings });
  return settings;
}

function findSettingsFile(cwd: string): { config: unknown; filepath: string } | null {
  try {
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
