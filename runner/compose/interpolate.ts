import { ConfigError } from '../errors.js';
import { copyConfigValue, Float, isSweep, overrideValue, parseOverride, toFloat } from '../overrides/index.js';
import { strftime } from './now.js';
import { nearest } from '../suggest.js';
import { hasInterpolation, parseTemplate, type Argument, type Interpolation, type Part } from './template.js';
import type { KeyOrigin } from './origin.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';

export interface ResolveOptions {
  /** Environment for `${oc.env:...}` (default process.env). */
  env?: Record<string, string | undefined>;
  /** Leave `???` (and interpolations that need one) in place instead of failing: for printing. */
  allowMissing?: boolean;
  /**
   * Treat a value that cannot be had here as missing (`???`) instead of failing: one that needs a
   * resolver Ladder does not know (`${eval:...}`, registered by a Python application), an unset
   * environment variable, or a run-time value of the hydra node. For checking a config printed unresolved.
   */
  unknownAsMissing?: boolean;
  /**
   * Hydra's node for `${hydra:key}` (see hydraRuntime); its values may interpolate the job config.
   * Absent: `${hydra:...}` is an error that says it needs a Hydra run.
   */
  hydra?: ConfigDict;
  /** Names the file and line (or override) that set a key, for interpolation errors (see keyOrigin). */
  origin?: KeyOrigin;
}

const MISSING = '???';

/** Returns a copy of `root` with every interpolation resolved; errors name the key that failed. */
export function resolveConfig(root: ConfigDict, options: ResolveOptions = {}): ConfigDict {
  return resolveWithProvenance(root, options).config;
}

export interface Resolved {
  config: ConfigDict;
  /** See resolveWithProvenance. */
  fromEnv: string[];
  /** The dotted keys whose interpolation gave a string (to convert for a typed key: runner/compose/coerce.ts). */
  strings: string[];
}

/**
 * resolveConfig, `strings` (keys whose interpolation resolved to a string), and `fromEnv`: the dotted keys whose value came from the environment, through
 * `${oc.env:...}` directly or through keys that did (such a value must never be stored); a key that
 * took oc.env's default because the variable is unset is not among them.
 */
export function resolveWithProvenance(root: ConfigDict, options: ResolveOptions = {}): Resolved {
  if (!options.hydra) {
    const resolver = new Resolver(root, options);
    return { config: resolver.resolveNode([], root) as ConfigDict, fromEnv: [...resolver.fromEnv], strings: [...resolver.strings] };
  }
  // the hydra node sits beside the job's keys so that its values can read them, and is left out
  const resolver = new Resolver({ ...root, hydra: options.hydra }, options);
  const config: ConfigDict = {};
  for (const key of Object.keys(root)) config[key] = resolver.resolveNode([key], root[key]!);
  return { config, fromEnv: [...resolver.fromEnv], strings: [...resolver.strings] };
}

/** The value of `hydra.<key>` in Hydra's node `hydra`, resolved against it and the job config `root`. */
export function resolveHydraValue(root: ConfigDict, hydra: ConfigDict, key: string, options: Omit<ResolveOptions, 'hydra'> = {}): ConfigValue {
  const resolver = new Resolver({ ...root, hydra }, { ...options, hydra });
  return resolver.resolveKey(`hydra.${key}`);
}

/** A value that cannot be had here: an unknown resolver, an unset environment variable, a hydra key with no value. */
class NotAvailable extends Error {}

/** Thrown inside resolution when a value is still missing; turned into a message at the top. */
class MissingValue extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

class Resolver {
  private readonly resolved = new Map<string, ConfigValue>();
  private readonly active: string[] = [];
  private readonly env: Record<string, string | undefined>;
  /** Keys whose value came from the environment; `envReads` counts reads of it, to tell which leaf did one. */
  readonly fromEnv = new Set<string>();
  /** Keys whose interpolation gave a string. */
  readonly strings = new Set<string>();
  private envReads = 0;

  constructor(private readonly root: ConfigDict, private readonly options: ResolveOptions) {
    this.env = options.env ?? process.env;
  }

  /** The value at dotted `key`, resolved; undefined-safe: a key that is not there is null. */
  resolveKey(key: string): ConfigValue {
    try {
      return this.lookup(key, []);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (/not found/.test((error as Error).message)) return null;
      throw new ConfigError(`Interpolation error at '${key}': ${(error as Error).message}`, { cause: error });
    }
  }

  /** `conf/trainer/smoke.yaml:4: ` for a key a config file set, when options.origin knows; else ''. */
  private placeOf(path: string[]): string {
    const place = this.options.origin?.(path);
    return place ? `${place}: ` : '';
  }

  resolveNode(path: string[], value: ConfigValue): ConfigValue {
    if (typeof value === 'string') return this.resolveLeaf(path, value);
    if (Array.isArray(value)) return value.map((item, i) => this.resolveNode([...path, String(i)], item));
    if (isDict(value)) {
      const out: ConfigDict = {};
      for (const key of Object.keys(value)) out[key] = this.resolveNode([...path, key], value[key]!);
      return out;
    }
    return value;
  }

  private resolveLeaf(path: string[], raw: string): ConfigValue {
    if (raw === MISSING) {
      if (this.options.allowMissing) return raw;
      const id = path.join('.');
      throw this.active.length > 0 ? new MissingValue(id) : missingError(id);
    }
    if (!hasInterpolation(raw)) return raw;
    const id = path.join('.');
    // every place that reads a resolved dict or list gets its own copy (no shared nodes, as in OmegaConf)
    if (this.resolved.has(id)) {
      if (this.fromEnv.has(id)) this.envReads++;
      return copyConfigValue(this.resolved.get(id)!);
    }
    const readsBefore = this.envReads;
    if (this.active.includes(id)) {
      const cycle = [...this.active.slice(this.active.indexOf(id)), id].join(' -> ');
      throw new ConfigError(`${this.placeOf(path)}Interpolation error at '${id}': cycle ${cycle}`);
    }
    this.active.push(id);
    let value: ConfigValue;
    try {
      value = this.evaluate(parsedTemplate(raw), path);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (error instanceof NotAvailable && this.options.unknownAsMissing) return MISSING;
      if (error instanceof MissingValue) {
        if (this.options.allowMissing) return raw;
        if (this.active.length > 1) throw error;
        throw missingError(error.key, id);
      }
      throw new ConfigError(`${this.placeOf(path)}Interpolation error at '${id}': ${(error as Error).message}`, { cause: error });
    } finally {
      this.active.pop();
    }
    this.resolved.set(id, value);
    if (typeof value === 'string') this.strings.add(id);
    if (this.envReads > readsBefore) this.fromEnv.add(id);
    return value;
  }

  /** A lone `${...}` keeps its type (number, dict...); anything else becomes a string. */
  private evaluate(parts: Part[], at: string[]): ConfigValue {
    if (parts.length === 1 && typeof parts[0] !== 'string') return this.interpolate(parts[0]!, at);
    return parts.map((part) => (typeof part === 'string' ? part : asText(this.interpolate(part, at)))).join('');
  }

  private interpolate(interpolation: Interpolation, at: string[]): ConfigValue {
    if (interpolation.kind === 'node') return this.lookup(asText(this.evaluate(interpolation.key, at)), at);
    const args = interpolation.args.map((arg) => this.argument(arg, at));
    if (interpolation.name === 'oc.select') return this.select(args, at);
    if (interpolation.name === 'hydra') return this.hydra(args);
    if (interpolation.name === 'oc.env' && this.env[String(args[0])] !== undefined) this.envReads++; // a default is no secret
    return callResolver(interpolation.name, args, this.env);
  }

  private argument(arg: Argument, at: string[]): ConfigValue {
    const value = this.evaluate(arg.parts, at);
    if (arg.quoted || typeof value !== 'string' || !arg.parts.every((p) => typeof p === 'string')) return value;
    return primitive(value);
  }

  /**
   * `${oc.select:key,default}` (OmegaConf 2.3): the key's value; the default (null when none is given)
   * when the key does not exist, is `???`, or is relative and reaches above the top of the config.
   * A null value stays null.
   */
  private select(args: ConfigValue[], at: string[]): ConfigValue {
    if (args.length < 1 || args.length > 2) throw new Error('oc.select takes a key and an optional default, e.g. ${oc.select:trainer.resume,null}');
    const key = asText(args[0]!);
    const segments = keySegments(key, at);
    const raw = segments === null ? undefined : this.raw(segments);
    if (raw === undefined || raw === MISSING) return args.length === 2 ? args[1]! : null;
    return this.lookup(key, at);
  }

  /** `${hydra:job.name}`: a key of Hydra's node (ResolveOptions.hydra). */
  private hydra(args: ConfigValue[]): ConfigValue {
    if (args.length !== 1) throw new Error('hydra takes one key of the hydra node, e.g. ${hydra:runtime.output_dir}');
    if (!this.options.hydra) throw new Error(`\${hydra:${asText(args[0]!)}} reads Hydra's node, which only a composed run has`);
    try {
      return this.lookup(`hydra.${asText(args[0]!)}`, []);
    } catch (error) {
      if (!(error instanceof Error) || !/not found/.test(error.message) || error instanceof ConfigError) throw error;
      throw new NotAvailable(`\${hydra:${asText(args[0]!)}}: ${error.message} in the hydra node`);
    }
  }

  /** The unresolved value at `segments`, or undefined when there is none. */
  private raw(segments: string[]): ConfigValue | undefined {
    let node: ConfigValue | undefined = this.root;
    for (const segment of segments) {
      node = Array.isArray(node) ? node[Number(segment)] : isDict(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** Finds `key` (absolute `a.b`, or relative `.x`/`..x` to the container of `at`) and resolves it. */
  private lookup(key: string, at: string[]): ConfigValue {
    const segments = keySegments(key, at);
    if (segments === null) throw new Error(`key '${key}' goes above the top of the config`);
    let node: ConfigValue = this.root;
    for (let i = 0; i < segments.length; i += 1) {
      const segment = segments[i]!;
      const next: ConfigValue | undefined = Array.isArray(node) ? node[Number(segment)] : isDict(node) ? node[segment] : undefined;
      if (next === undefined) {
        const container = segments.slice(0, i);
        const siblings = isDict(node) ? Object.keys(node).map((k) => [...container, k].join('.')) : [];
        const hint = nearest(segments.slice(0, i + 1).join('.'), siblings);
        throw new Error(`key '${segments.join('.')}' not found${hint.length ? `. Did you mean ${hint.map((h) => `'${h}'`).join(' or ')}?` : ''}`);
      }
      node = next;
    }
    return this.resolveNode(segments, node);
  }
}

/**
 * Path segments of `a.b[0]`, or of `.x`/`..x` relative to the container of the key at `at`; null when
 * the dots climb above the top of the config.
 */
function keySegments(key: string, at: string[]): string[] | null {
  let base: string[] = [];
  let rest = key;
  if (key.startsWith('.')) {
    const dots = /^\.+/.exec(key)![0].length;
    if (dots > at.length) return null;
    base = at.slice(0, at.length - dots);
    rest = key.slice(dots);
  }
  return [...base, ...(rest === '' ? [] : rest.replace(/\[(\d+)\]/g, '.$1').split('.'))];
}

/** Configs of a sweep repeat the same interpolation strings: parse each once. */
const templates = new Map<string, Part[]>();
function parsedTemplate(text: string): Part[] {
  let parts = templates.get(text);
  if (!parts) {
    parts = parseTemplate(text);
    templates.set(text, parts);
  }
  return parts;
}

function callResolver(name: string, args: ConfigValue[], env: Record<string, string | undefined>): ConfigValue {
  switch (name) {
    case 'oc.env': {
      if (args.length < 1 || args.length > 2) throw new Error(`oc.env takes a variable name and an optional default, e.g. \${oc.env:HOME,/tmp}`);
      const value = env[String(args[0])];
      if (value !== undefined) return value;
      if (args.length === 2) return args[1] === null ? null : asText(args[1]!);
      throw new NotAvailable(`environment variable '${String(args[0])}' is not set (give a default: \${oc.env:${String(args[0])},<default>})`);
    }
    case 'oc.decode':
      if (args.length !== 1) throw new Error('oc.decode takes one argument');
      return typeof args[0] === 'string' ? decode(args[0]) : args[0]!;
    case 'now':
      if (args.length !== 1) throw new Error('now takes one strftime format, e.g. ${now:%Y-%m-%d}');
      return strftime(asText(args[0]!));
    default:
      throw new NotAvailable(
        `unsupported interpolation type '${name}' (known: now, oc.env, oc.decode, oc.select, hydra; a resolver a Python application registers has no equivalent here)`,
      );
  }
}

const DIGITS = '[0-9](?:_?[0-9])*';
const INT_RE = /^[-+]?(?:0|[1-9](?:_?[0-9])*)$/;
const FLOAT_RE = new RegExp(`^[-+]?(?:(?:(?:${DIGITS})?\\.${DIGITS}|${DIGITS}\\.)(?:[eE][-+]?${DIGITS})?|${DIGITS}[eE][-+]?${DIGITS}|inf|nan)$`, 'i');

/**
 * An unquoted resolver argument (or oc.decode's text) typed as OmegaConf's grammar does: int, float
 * (a whole number as a Float), bool, null or string. Not YAML: `yes` and `017` stay strings.
 */
function primitive(text: string): ConfigValue {
  if (/^null$/i.test(text)) return null;
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (INT_RE.test(text)) return Number(text.replaceAll('_', ''));
  if (FLOAT_RE.test(text)) {
    const lower = text.toLowerCase().replaceAll('_', '');
    const n = lower.endsWith('inf') ? (lower.startsWith('-') ? -Infinity : Infinity) : lower.endsWith('nan') ? NaN : Number(lower);
    return toFloat(n);
  }
  return text;
}

/**
 * `oc.decode`: a string read as OmegaConf's grammar reads a value (not as YAML: `yes` stays a string);
 * a list or dict in the override grammar, its close relative (`[1, 1.0]`, `{a: 1}`).
 */
function decode(text: string): ConfigValue {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return primitive(trimmed);
  const parsed = parseOverride(`decoded=${trimmed}`);
  if (isSweep(parsed)) throw new Error(`oc.decode cannot read '${trimmed}': write one list or dict, e.g. [1, 2]`);
  return overrideValue(parsed);
}

/** Python's str() of a value inside a string interpolation: `v${flag}` is `vTrue`, `${x}` of 1.0 is `1.0`. */
function asText(value: ConfigValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  return typeof value !== 'object' || value instanceof Float ? String(value) : JSON.stringify(value);
}

function missingError(key: string, neededBy?: string): ConfigError {
  const user = neededBy ? ` (needed by '${neededBy}')` : '';
  return new ConfigError(`Missing mandatory value: ${key}${user}. Set it on the command line, e.g. ${key}=<value>`);
}
