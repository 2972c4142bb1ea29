import { ConfigError } from '../errors.js';
import { Float, pyTypeOf } from '../overrides/index.js';
import { isDict, type ConfigValue } from './types.js';

/** One parsed item of a config's `defaults` list. */
export type DefaultEntry =
  | { kind: 'self' }
  | { kind: 'config'; path: string; absolute: boolean; package: string | null }
  | {
      kind: 'group';
      /** Group path as written, without a leading `/`. */
      group: string;
      absolute: boolean;
      package: string | null;
      option: string | string[] | null;
      optional: boolean;
      override: boolean;
      /** Added from the command line with `+group=option`. */
      external?: boolean;
    };

export type GroupEntry = Extract<DefaultEntry, { kind: 'group' }>;

/**
 * Parses one defaults-list item: `_self_`, `path/to/config(@pkg)`, or
 * `{ [optional|override] group(@pkg): option | [options] | null }`.
 */
export function parseDefaultEntry(item: ConfigValue, where: string): DefaultEntry {
  if (typeof item === 'string') {
    if (item === '_self_') return { kind: 'self' };
    const { name, pkg } = splitPackage(item.trim(), where, item);
    return { kind: 'config', path: name.replace(/^\//, ''), absolute: name.startsWith('/'), package: pkg };
  }
  if (isDict(item) && Object.keys(item).length === 1) {
    const [rawKey, value] = Object.entries(item)[0]!;
    const words = rawKey.trim().split(/\s+/);
    const keyword = words.length === 2 ? words[0] : null;
    if (words.length > 2 || (keyword !== null && keyword !== 'optional' && keyword !== 'override')) {
      throw invalid(where, item, `only 'optional' or 'override' may precede the group name`);
    }
    const { name, pkg } = splitPackage(words[words.length - 1]!, where, item);
    const option = parseOption(value, where, item);
    return {
      kind: 'group',
      group: name.replace(/^\//, ''),
      absolute: name.startsWith('/'),
      package: pkg,
      option,
      optional: keyword === 'optional',
      override: keyword === 'override',
    };
  }
  throw invalid(where, item, 'expected _self_, a config name, or {group: option}');
}

/**
 * Hydra takes a string, a list or null. A YAML 1.1 bool (`switch: off`) or float (`version: 1.0`)
 * is refused with Hydra's message, since the file name it was meant to be is not what YAML reads;
 * an int (`horizon: 96`) names the option `96`, as Ladder always allowed.
 */
function parseOption(value: ConfigValue, where: string, item: ConfigValue): string | string[] | null {
  if (value === null) return null;
  const isName = (v: ConfigValue) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  if (isName(value)) return String(value);
  if (Array.isArray(value) && value.every(isName)) return value.map(String);
  const bad = Array.isArray(value) ? value.find((v) => !isName(v))! : value;
  if (typeof bad === 'boolean' || typeof bad === 'number' || bad instanceof Float) {
    const example = typeof bad === 'boolean' ? `'off', 'yes' (YAML 1.1 reads yes/no/on/off as booleans)` : `'${String(bad)}'`;
    throw new ConfigError(
      `${where}: Unsupported item value in defaults : ${pyTypeOf(bad)} (${JSON.stringify(item)}): quote the option name as its file is named, e.g. ${example}`,
    );
  }
  throw invalid(where, item, 'an option must be a config name, a list of names, or null');
}

function splitPackage(text: string, where: string, item: ConfigValue): { name: string; pkg: string | null } {
  const at = text.indexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const pkg = at < 0 ? null : text.slice(at + 1);
  if (name === '' || name === '/' || (pkg !== null && !/^[\w.]*$/.test(pkg))) throw invalid(where, item, 'malformed name');
  return { name, pkg };
}

function invalid(where: string, item: ConfigValue, why: string): ConfigError {
  return new ConfigError(`${where}: invalid defaults entry ${JSON.stringify(item)}: ${why}`);
}

/** True when the entry's option (or a config entry's path) holds a `${...}` to resolve from the group choices. */
export function isInterpolated(entry: DefaultEntry): boolean {
  if (entry.kind === 'config') return entry.path.includes('${');
  return entry.kind === 'group' && typeof entry.option === 'string' && entry.option.includes('${');
}

/**
 * Hydra's defaults-list interpolation: each `${key}` in `text` is replaced by the option chosen for
 * config group `key` (`db`, `server/db`, `db@backup`) so far; config values are not visible, because
 * the config does not exist yet. Errors: ConfigError naming the text and the keys that could be used.
 */
export function interpolateChoices(text: string, known: ReadonlyMap<string, string | null>, where: string): string {
  const resolved = text.replace(/\$\{\s*([^{}]*?)\s*\}/g, (match, key: string) => {
    const choice = known.get(key);
    return typeof choice === 'string' ? choice : match;
  });
  if (!resolved.includes('${')) return resolved;
  const keys = [...known.keys()];
  const possible = keys.length > 0 ? `, possible interpolation keys: ${keys.join(', ')}` : '';
  throw new ConfigError(
    `In '${where}': Error resolving interpolation '${text}'${possible}` +
      ` (a defaults list can only interpolate the options of config groups chosen so far, not config values)`,
  );
}
