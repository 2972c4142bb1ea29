// Helpers for replaying Hydra's own override-grammar tests (tests/fixtures/hydra-overrides).
// The fixture distinguishes Python int from float by how a number is written (10 vs 10.0), so it
// is read with a small JSON reader that keeps that distinction: ints become bigint, floats number
// — the same representation the grammar uses at parser level.
import { readFileSync } from 'node:fs';
import {
  ChoiceSweep, Functions, Glob, IntervalSweep, QuotedString, RangeSweep, type ConfigSchema, type GrammarFunction,
  rangeValues,
} from '../../../runner/overrides/index.js';
import { pySorted } from '../../../runner/overrides/python.js';

export type Json = null | boolean | bigint | number | string | Json[] | { [key: string]: Json };

/** JSON.parse, except integer literals become bigint and float literals number. */
export function parseExactJson(text: string): Json {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i])) i++;
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: Json } = {};
      ws();
      if (text[i] === '}') return i++, obj;
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        i++; // ':'
        obj[key] = value();
        ws();
        if (text[i++] === '}') return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === ']') return i++, arr;
      for (;;) {
        arr.push(value());
        ws();
        if (text[i++] === ']') return arr;
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) return (i += word.length), v;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new Error(`bad JSON at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return m[1] || m[2] ? Number(m[0]) : BigInt(m[0]);
  };
  return value();
}

export interface Case {
  id: string;
  source: string;
  category: string;
  kind: string;
  rule?: string;
  method?: string;
  params?: { [key: string]: Json };
  input: Json;
  registered_functions?: { [name: string]: string };
  expect?: { [key: string]: Json };
  error?: { exception: string; message_contains: string; match: 'contains' | 'prefix' };
}

export function loadCases(): Case[] {
  const path = new URL('../../fixtures/hydra-overrides/cases.json', import.meta.url);
  const doc = parseExactJson(readFileSync(path, 'utf8')) as unknown as { case_count: bigint; cases: Case[] };
  if (BigInt(doc.cases.length) !== doc.case_count) throw new Error('fixture case count mismatch');
  return doc.cases;
}

/** Drop the fixture's provenance flags (`*_is_derived`) and sort tag sets, recursively. */
export function normalizeExpected(v: Json): Json {
  if (Array.isArray(v)) return v.map(normalizeExpected);
  if (v === null || typeof v !== 'object') return v;
  const out: { [key: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.endsWith('_is_derived')) continue;
    out[k] = k === 'tags' && Array.isArray(x) ? [...(x as string[])].sort() : normalizeExpected(x);
  }
  return out;
}

/** A grammar value in the fixture's encoding ($float, $quoted, $dict, sweep objects). */
export function encode(v: unknown): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $float: 'nan' };
    if (!Number.isFinite(v)) return { $float: v > 0 ? 'inf' : '-inf' };
    return v;
  }
  if (v instanceof QuotedString) return { $quoted: v.text, quote: v.quote };
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Map) {
    const entries = [...v.entries()];
    if (entries.every(([k]) => typeof k === 'string')) return Object.fromEntries(entries.map(([k, x]) => [k, encode(x)]));
    return { $dict: entries.map(([k, x]) => [encode(k), encode(x)]) };
  }
  if (v instanceof ChoiceSweep) {
    return { sweep: 'choice', values: v.list.map(encode), simple_form: v.simpleForm, shuffle: v.shuffle, tags: [...v.tags].sort() };
  }
  if (v instanceof RangeSweep) {
    return {
      sweep: 'range', start: encode(v.start), stop: encode(v.stop), step: encode(v.step), shuffle: v.shuffle,
      tags: [...v.tags].sort(), expanded: rangeValues(v).map(encode),
    };
  }
  if (v instanceof IntervalSweep) return { sweep: 'interval', start: encode(v.start), end: encode(v.end), tags: [...v.tags].sort() };
  if (v instanceof Glob) return { sweep: 'glob', include: [...v.include], exclude: [...v.exclude] };
  throw new Error(`cannot encode ${String(v)}`);
}

/** Python ints read as bigint, for comparing with plain config values (numbers). */
export function plain(v: Json): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The fixture's dataclass schema ({root, ClassName: {field: "List[User]"|"int"...}}) as a ConfigSchema. */
export function toConfigSchema(schema: { [key: string]: Json }): ConfigSchema {
  const convert = (type: string): ConfigSchema => {
    const list = /^List\[(.+)\]$/.exec(type);
    if (list) return { list: convert(list[1]) };
    if (['str', 'int', 'float', 'bool'].includes(type)) return type as ConfigSchema;
    const fields = schema[type] as { [key: string]: string };
    return { fields: Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, convert(t)])) };
  };
  return convert(schema.root as string);
}

const typeName = (v: unknown) => (typeof v === 'bigint' ? 'int' : typeof v === 'number' ? 'float' : typeof v === 'boolean' ? 'bool' : 'str');

/** TypeScript versions of the Python functions the custom_function cases register, keyed by their source text. */
const CUSTOM: { [source: string]: GrammarFunction } = {
  'Python builtin abs': {
    params: [{ name: 'x', kind: 'positional', type: 'any' }],
    call: ({ x }) => (typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x as number)),
  },
  'lambda n, m: n * m': {
    params: [{ name: 'n', kind: 'positional', type: 'any' }, { name: 'm', kind: 'positional', type: 'any' }],
    call: ({ n, m }) => (n as bigint) * (m as bigint),
  },
  "def foo1(value: int) -> str: return f'{type(value).__name__}:{value}'": {
    params: [{ name: 'value', kind: 'positional', type: 'int' }],
    call: ({ value }) => `${typeName(value)}:${String(value)}`,
  },
  "def foo2(x: Union[int, str], y: Union[int, str]) -> str: return f'{type(x).__name__}:{x},{type(y).__name__}:{y}'": {
    params: [
      { name: 'x', kind: 'positional', type: { union: ['int', 'str'] } },
      { name: 'y', kind: 'positional', type: { union: ['int', 'str'] } },
    ],
    call: ({ x, y }) => `${typeName(x)}:${String(x)},${typeName(y)}:${String(y)}`,
  },
  'def empty() -> int: return 10': { params: [], call: () => 10n },
  'def sum(*args: int) -> int: return sum(args, 0)': {
    params: [{ name: 'args', kind: 'varargs', type: 'int' }],
    call: ({ args }) => (args as bigint[]).reduce((a, b) => a + b, 0n),
  },
  "def range(start: int, stop: int, step: int = 1) -> str: return f'res:range(start={start},stop={stop},step={step})'": {
    params: [
      { name: 'start', kind: 'positional', type: 'int' },
      { name: 'stop', kind: 'positional', type: 'int' },
      { name: 'step', kind: 'positional', type: 'int', optional: true, default: 1n },
    ],
    call: ({ start, stop, step }) => `res:range(start=${start},stop=${stop},step=${step})`,
  },
  'def sort(*args: int, reverse: bool = False) -> List[int]: sorted ascending, or descending if reverse': {
    params: [
      { name: 'args', kind: 'varargs', type: 'int' },
      { name: 'reverse', kind: 'keyword', type: 'bool', optional: true, default: false },
    ],
    call: ({ args, reverse }) => pySorted(args as bigint[], reverse as boolean),
  },
};

/** A registry holding exactly the functions a custom_function case registers. */
export function customFunctions(registered: { [name: string]: string }): Functions {
  const functions = new Functions();
  for (const [name, source] of Object.entries(registered)) {
    const def = CUSTOM[source];
    if (!def) throw new Error(`no TypeScript version of registered function: ${source}`);
    functions.register(name, def);
  }
  return functions;
}
