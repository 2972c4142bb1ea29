// The Override record (Hydra's core.override_parser.types.Override) and what can be asked of it:
// its plain value, whether it sweeps, and the per-job value strings of a sweep.
import { builtinFunctions } from './builtins.js';
import { OverrideParseError } from './errors.js';
import { EvaluationError, evaluate } from './evaluate.js';
import type { Functions } from './functions.js';
import { globFilter } from './glob.js';
import { LexerError, type LexerMode } from './lexer.js';
import { type Node, Parser, SyntaxError } from './parser.js';
import { Float, toFloat } from './float.js';
import { pyFloatStr, pyShuffled } from './python.js';
import { rangeValues } from './ranges.js';
import { NestedSweepError, encodeElement, valueElementAsStr } from './render.js';
import { ChoiceSweep, Glob, IntervalSweep, QuotedString, RangeSweep, Sweep, isDict, type ParsedValue } from './values.js';

export type OverrideType = 'change' | 'add' | 'force_add' | 'delete';
export type ValueType =
  | 'element' | 'choice_sweep' | 'simple_choice_sweep' | 'range_sweep' | 'interval_sweep' | 'glob_choice_sweep';

/** A config value; a float with a whole-number value is a Float (see float.ts), every other number a number. */
export type ConfigValue = null | boolean | number | Float | string | ConfigValue[] | { [key: string]: ConfigValue };

export interface Override {
  /** `k=v` change, `+k=v` add, `++k=v` force_add, `~k` / `~k=v` delete */
  type: OverrideType;
  /** config path `a.b` or group path `db`, `server/db` */
  key: string;
  /** text after `@` in the key, or null */
  package: string | null;
  /** null for a bare `~k` */
  valueType: ValueType | null;
  /** parser-level value: ints are bigint, floats number, quoted strings QuotedString, dicts Map */
  value: ParsedValue;
  /** the original text */
  input: string;
}

export interface ParseOptions {
  /** the functions callable in values; defaults to Hydra's built-ins */
  functions?: Functions;
}

let defaultFunctions: Functions | undefined;
const functionsOf = (opts?: ParseOptions): Functions => opts?.functions ?? (defaultFunctions ??= builtinFunctions());

/** Run one grammar rule over `input`, turning failures into OverrideParseError. */
export function runRule<T>(input: string, mode: LexerMode, rule: (p: Parser) => T, untilEof = true): T {
  try {
    return new Parser(input, mode).parseAll(rule, untilEof);
  } catch (e) {
    if (e instanceof LexerError) throw new OverrideParseError(input, e.message, 'lexer', e.start);
    if (e instanceof SyntaxError) throw new OverrideParseError(input, e.message, 'syntax', e.offending.start);
    throw e;
  }
}

export function evaluateNode(input: string, node: Node, opts?: ParseOptions): unknown {
  try {
    return evaluate(node, functionsOf(opts));
  } catch (e) {
    if (e instanceof EvaluationError) throw new OverrideParseError(input, e.message, 'evaluation');
    throw e;
  }
}

function valueTypeOf(value: unknown): ValueType {
  if (value instanceof ChoiceSweep) return value.simpleForm ? 'simple_choice_sweep' : 'choice_sweep';
  if (value instanceof Glob) return 'glob_choice_sweep';
  if (value instanceof IntervalSweep) return 'interval_sweep';
  if (value instanceof RangeSweep) return 'range_sweep';
  return 'element';
}

/** Parse one command-line override (`key=value`, `+key=value`, `++key=value`, `~key[=value]`). */
export function parseOverride(text: string, opts?: ParseOptions): Override {
  const node = runRule(text, 'KEY', (p) => p.override());
  if (node.value === null) {
    return { type: 'delete', key: node.key.key, package: node.key.package, valueType: null, value: null, input: text };
  }
  const value = evaluateNode(text, node.value, opts) as ParsedValue;
  return {
    type: node.type, key: node.key.key, package: node.key.package, valueType: valueTypeOf(value), value, input: text,
  };
}

export function parseOverrides(texts: readonly string[], opts?: ParseOptions): Override[] {
  return texts.map((t) => parseOverride(t, opts));
}

export function isSweep(o: Override): boolean {
  return o.valueType !== null && o.valueType !== 'element';
}

/** Hydra's Override.get_key_element(): the key with its prefix and package, e.g. `+db@backup`. */
export function getKeyElement(o: Override): string {
  const prefix = { change: '', add: '+', force_add: '++', delete: '~' }[o.type];
  return `${prefix}${o.key}${o.package === null ? '' : `@${o.package}`}`;
}

/** Hydra's Override.get_value_element_as_str(): the value re-rendered as override text. */
export function getValueElementAsStr(o: Override, spaceAfterSep = false): string {
  if (o.value instanceof Sweep || o.value instanceof Glob) {
    throw new OverrideParseError(o.input, 'Cannot convert sweep to str', 'evaluation');
  }
  return rendering(o, () => valueElementAsStr(o.value, spaceAfterSep));
}

function dictKeyToString(k: unknown): string {
  if (typeof k === 'number') return pyFloatStr(k);
  return String(k);
}

/** A parser-level element as a config value: quotes dropped, ints as numbers, floats via toFloat, dicts as objects. */
export function toConfigValue(value: unknown): ConfigValue {
  if (value instanceof QuotedString) return value.text;
  if (typeof value === 'number') return toFloat(value);
  if (typeof value === 'bigint') {
    if (value > MAX_SAFE || value < -MAX_SAFE) throw new UnsafeIntegerError(value);
    return Number(value);
  }
  if (Array.isArray(value)) return value.map(toConfigValue);
  if (isDict(value)) {
    const out: { [key: string]: ConfigValue } = {};
    for (const [k, v] of value) out[dictKeyToString(k)] = toConfigValue(v);
    return out;
  }
  if (value instanceof Sweep || value instanceof Glob) throw new NestedSweepError();
  return value as ConfigValue;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer a config number (a float64) cannot hold exactly: refused rather than rounded. */
class UnsafeIntegerError extends Error {
  constructor(value: bigint) {
    super(`${value} is an integer beyond 2^53, which a config number cannot hold exactly (it would be rounded): quote it for a string ('${value}') or write it as a float (${Number(value).toExponential()})`);
  }
}

/** Run `fn`, reporting a sweep nested inside a value, or an integer too big, as an error about this override. */
function rendering<T>(o: Override, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NestedSweepError || e instanceof UnsafeIntegerError) throw new OverrideParseError(o.input, e.message, 'evaluation');
    throw e;
  }
}

/** Hydra's Override.value() for non-sweeps: the plain value to put in the config. */
export function overrideValue(o: Override): ConfigValue {
  if (isSweep(o)) {
    throw new OverrideParseError(o.input,
      `'${o.input}' is a sweep (${o.valueType}); it has one value per job, see sweepStrings()`, 'evaluation');
  }
  return rendering(o, () => toConfigValue(o.value));
}

/**
 * Hydra's Override.sweep_iterator(): the parser-level element of each job, in sweep order
 * (shuffled sweeps are shuffled here). A glob needs the group's options.
 */
export function sweepElements(o: Override, opts?: { groupOptions?: readonly string[] }): unknown[] {
  const v = o.value;
  if (v instanceof ChoiceSweep) return v.shuffle ? pyShuffled(v.list) : [...v.list];
  if (v instanceof RangeSweep) return v.shuffle ? pyShuffled(rangeValues(v)) : rangeValues(v);
  if (v instanceof Glob) {
    if (!opts?.groupOptions) {
      throw new OverrideParseError(o.input, `glob() in '${o.input}' needs the options of config group '${o.key}'`, 'evaluation');
    }
    return globFilter(v, opts.groupOptions);
  }
  const kind = o.valueType === 'interval_sweep'
    ? 'interval() is continuous: only a sampler (e.g. Optuna-style) can draw from it'
    : 'it is not a sweep';
  throw new OverrideParseError(o.input, `Cannot enumerate the values of '${o.input}': ${kind}`, 'evaluation');
}

/** Per-job value strings (Hydra's sweep_string_iterator): what goes after `key=` in each job. */
export function sweepStrings(o: Override, opts?: { groupOptions?: readonly string[] }): string[] {
  const elements = sweepElements(o, opts);
  return o.value instanceof Glob ? (elements as string[]) : rendering(o, () => elements.map((e) => valueElementAsStr(e)));
}

/** sweep_iterator(Transformer.encode): scalars stay typed, containers become override text. */
export function sweepEncoded(o: Override, opts?: { groupOptions?: readonly string[] }): unknown[] {
  return rendering(o, () => sweepElements(o, opts).map(encodeElement));
}
