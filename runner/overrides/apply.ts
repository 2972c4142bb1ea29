// Applying non-group overrides to a plain config, with the semantics of Hydra's
// ConfigLoaderImpl._apply_overrides_to_config on a struct-mode OmegaConf config:
// `k=v` changes an existing key, `+k=v` adds a new one, `++k=v` sets or adds, `~k[=v]` deletes.
// Dict values merge into existing dicts; lists and scalars replace.
import { type ConfigValue, type Override, isSweep, overrideValue, parseOverride } from './override.js';
import { Float } from './float.js';
import { pyStr } from './python.js';
import { nearest } from '../suggest.js';

type Dict = { [key: string]: ConfigValue };

/** Types of a structured config (like a dataclass schema); `???` (missing) is accepted everywhere. */
export type ConfigSchema = 'str' | 'int' | 'float' | 'bool' | 'any' | { list: ConfigSchema } | { fields: { [key: string]: ConfigSchema } };

export interface ApplyOptions {
  /** reject changes to keys that do not exist (OmegaConf struct mode); default true */
  struct?: boolean;
  /** when given, every value is checked and converted against it, and new dicts get its missing fields */
  schema?: ConfigSchema;
}

/** A user mistake in an override, explained in one line. */
export class ConfigOverrideError extends Error {
  override readonly name = 'ConfigOverrideError';
  constructor(
    message: string,
    readonly override: string,
  ) {
    super(message);
  }
}

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Float);

function child(node: ConfigValue | undefined, segment: string): ConfigValue | undefined {
  if (Array.isArray(node)) return /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
  return isDict(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
}

function select(config: Dict, key: string): ConfigValue | undefined {
  let node: ConfigValue | undefined = config;
  for (const segment of key.split('.')) node = child(node, segment);
  return node;
}

function allPaths(node: ConfigValue, prefix = ''): string[] {
  if (!isDict(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...allPaths(v, path)];
  });
}

/** The existing keys nearest to a mistyped one: close in spelling, or the same leaf name elsewhere. */
export function nearestKeys(config: Dict, key: string, max = 3): string[] {
  const leaf = key.split('.').pop() ?? key;
  const candidates = allPaths(config).filter((path) => !key.startsWith(`${path}.`)); // an existing parent is not what was meant
  return nearest(key, candidates, {
    limit: max,
    ignoreCase: false,
    distance: (path, edits) => (path.split('.').pop() === leaf ? Math.min(edits, 1) : edits),
    budget: (path) => Math.max(2, Math.floor(Math.max(path.length, key.length) / 3)),
  });
}

function couldNotOverride(config: Dict, o: Override): ConfigOverrideError {
  if (o.key === '') {
    return new ConfigOverrideError(`Override '${o.input}' has no key before '=': write key=value, e.g. budget=2m or trainer.lr=1e-3`, o.input);
  }
  const near = nearestKeys(config, o.key);
  const hint = near.length ? ` Did you mean ${near.map((k) => `'${k}'`).join(' or ')}?` : '';
  return new ConfigOverrideError(
    `Could not override '${o.key}'. To append to your config use +${o.input}.${hint}`, o.input);
}

/**
 * A deep copy in which every dict and list is a new object, even where the input shares one
 * (structuredClone keeps shared references shared: a YAML alias, or one option placed twice).
 */
export function copyConfigValue<T extends ConfigValue>(value: T): T {
  if (Array.isArray(value)) return value.map(copyConfigValue) as T;
  if (isDict(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyConfigValue(v);
    return out as T;
  }
  return value;
}

function mergeInto(target: Dict, source: Dict, allowNewKeys: boolean, onUnknown: (key: string) => Error): void {
  for (const [k, v] of Object.entries(source)) {
    if (!Object.hasOwn(target, k) && !allowNewKeys) throw onUnknown(k);
    const existing = target[k];
    if (isDict(existing) && isDict(v)) mergeInto(existing, v, allowNewKeys, onUnknown);
    else target[k] = copyConfigValue(v);
  }
}

/** OmegaConf.update(cfg, key, value, merge=True, force_add=...) on a plain object. */
function update(config: Dict, o: Override, value: ConfigValue, forceAdd: boolean, struct: boolean): void {
  const segments = o.key.split('.');
  const last = segments.pop() as string;
  let node: Dict | ConfigValue[] = config;
  for (const segment of segments) {
    const next = child(node, segment);
    if (isDict(next) || Array.isArray(next)) {
      node = next;
      continue;
    }
    if ((!forceAdd && struct) || Array.isArray(node)) throw couldNotOverride(config, o);
    const created: Dict = {};
    (node as Dict)[segment] = created;
    node = created;
  }
  if (Array.isArray(node)) {
    if (!/^\d+$/.test(last) || Number(last) >= node.length) throw couldNotOverride(config, o);
    node[Number(last)] = value;
    return;
  }
  const existing = child(node, last);
  if (existing === undefined && !forceAdd && struct) throw couldNotOverride(config, o);
  if (isDict(existing) && isDict(value)) {
    mergeInto(existing, value, forceAdd || !struct, (k) =>
      couldNotOverride(config, { ...o, key: `${o.key}.${k}` }));
  } else if ((isDict(existing) && Array.isArray(value)) || (Array.isArray(existing) && isDict(value))) {
    throw new ConfigOverrideError(
      `Error merging override ${o.input}: cannot merge a ${isDict(value) ? 'dict' : 'list'} into the ${isDict(existing) ? 'dict' : 'list'} at '${o.key}'`,
      o.input);
  } else {
    node[last] = value;
  }
}

function pyEquals(a: ConfigValue | undefined, b: ConfigValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return (a instanceof Float ? a.value : a) === (b instanceof Float ? b.value : b); // Python: 1.0 == 1
}

function remove(config: Dict, o: Override): void {
  const existing = select(config, o.key);
  if (existing === undefined || existing === null) {
    throw new ConfigOverrideError(`Could not delete from config. '${o.key}' does not exist.`, o.input);
  }
  const value = o.valueType === null ? null : overrideValue(o);
  if (value !== null && !pyEquals(existing, value)) {
    throw new ConfigOverrideError(
      `Could not delete from config. The value of '${o.key}' is ${pyStr(existing)} and not ${pyStr(value)}.`, o.input);
  }
  const dot = o.key.lastIndexOf('.');
  const parent = dot < 0 ? config : select(config, o.key.slice(0, dot));
  const leaf = o.key.slice(dot + 1);
  if (Array.isArray(parent)) parent.splice(Number(leaf), 1);
  else delete (parent as Dict)[leaf];
}

/**
 * Hydra refuses sweeps outside --multirun; this gives its explanation and the fix.
 */
export function checkSweepsAllowed(overrides: readonly Override[], opts: { multirun: boolean }): void {
  if (opts.multirun) return;
  const sweep = overrides.find(isSweep);
  if (!sweep) return;
  const message = sweep.valueType === 'simple_choice_sweep'
    ? `Ambiguous value for argument '${sweep.input}': to use it as a list, use key=[value1,value2]; ` +
      `to use it as a string, quote the value: key='value1,value2'; ` +
      `to sweep over it, add --multirun to your command line`
    : `Sweep parameters '${sweep.input}' requires --multirun`;
  throw new ConfigOverrideError(message, sweep.input);
}

/** Apply overrides (strings or parsed) to a copy of `config`; the input is never modified. */
export function applyOverrides(
  config: Dict, overrides: readonly (string | Override)[], opts: ApplyOptions = {},
): Dict {
  const struct = opts.struct ?? true;
  const result = copyConfigValue(config);
  const parsed = overrides.map((o) => (typeof o === 'string' ? parseOverride(o) : o));
  checkSweepsAllowed(parsed, { multirun: false });
  let current = result;
  for (const o of parsed) {
    if (o.package !== null) {
      throw new ConfigOverrideError(
        `Override ${o.input} looks like a config group override, but config group '${o.key}' does not exist.`, o.input);
    }
    if (o.type === 'delete') {
      remove(current, o);
    } else {
      const value = overrideValue(o);
      if (o.type === 'add') {
        const existing = select(current, o.key);
        if (existing !== undefined && existing !== null && !isDict(value) && !Array.isArray(value)) {
          throw new ConfigOverrideError(
            `Could not append to config. An item is already at '${o.key}'. ` +
            `Either remove + prefix: '${o.input.slice(1)}' Or add a second + to add or override '${o.key}': '+${o.input}'`,
            o.input);
        }
      }
      update(current, o, value, o.type !== 'change', struct);
    }
    if (opts.schema) current = conformToSchema(current, opts.schema, o) as Dict;
  }
  return current;
}

const MISSING = '???';

function conformToSchema(value: ConfigValue, schema: ConfigSchema, o: Override, path = ''): ConfigValue {
  const fail = (why: string) => new ConfigOverrideError(`Error merging override ${o.input}: ${why}`, o.input);
  if (value === MISSING || schema === 'any') return value;
  const where = path ? ` at '${path}'` : '';
  if (typeof schema === 'object' && 'list' in schema) {
    if (!Array.isArray(value)) throw fail(`expected a list${where}, got ${pyStr(value)}`);
    return value.map((v, i) => conformToSchema(v, schema.list, o, `${path}[${i}]`));
  }
  if (typeof schema === 'object') {
    if (!isDict(value)) throw fail(`expected a dict${where}, got ${pyStr(value)}`);
    const out: Dict = {};
    for (const k of Object.keys(value)) {
      if (!Object.hasOwn(schema.fields, k)) throw fail(`key '${k}' is not in the schema${where}`);
    }
    for (const [k, t] of Object.entries(schema.fields)) {
      out[k] = Object.hasOwn(value, k) ? conformToSchema(value[k], t, o, path ? `${path}.${k}` : k) : MISSING;
    }
    return out;
  }
  if (value === null) return value;
  const text = String(value);
  if (schema === 'str') {
    if (isDict(value) || Array.isArray(value)) throw fail(`expected a string${where}, got ${pyStr(value)}`);
    return text;
  }
  if (schema === 'bool') {
    if (typeof value === 'boolean') return value;
    const b = { true: true, yes: true, on: true, '1': true, false: false, no: false, off: false, '0': false }[text.toLowerCase()];
    if (b === undefined) throw fail(`Value '${text}' of type '${typeof value}' is not a valid bool${where}`);
    return b;
  }
  const n = typeof value === 'number' ? value : value instanceof Float ? value.value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isNaN(n) || (schema === 'int' && !Number.isInteger(n))) {
    throw fail(`Value '${text}' could not be converted to ${schema === 'int' ? 'Integer' : 'Float'}${where}`);
  }
  return n;
}
