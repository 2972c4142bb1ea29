// The few pieces of Python behaviour the grammar's results depend on: str()/repr() of values,
// int()/float() parsing, comparison and sorted(). Kept faithful so rendered values match Hydra.
import { Float, pyFloatStr } from './float.js';
import { ChoiceSweep, Glob, IntervalSweep, QuotedString, RangeSweep, isDict } from './values.js';

export { pyFloatStr };

/** A Python exception raised while evaluating a grammar function (type name kept for the message). */
export class PyError extends Error {
  constructor(
    readonly pyType: 'ValueError' | 'TypeError' | 'OverflowError' | 'AssertionError' | 'HydraException',
    message: string,
  ) {
    super(message);
  }
}

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (v instanceof QuotedString) return 'QuotedString';
  if (v instanceof ChoiceSweep) return 'ChoiceSweep';
  if (v instanceof RangeSweep) return 'RangeSweep';
  if (v instanceof IntervalSweep) return 'IntervalSweep';
  if (v instanceof Glob) return 'Glob';
  return typeof v;
}

/** Python repr() of a str: single quotes unless the text has a ' and no ". */
export function pyReprStr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return q + out + q;
}

/** Python str() of a plain value (used in Hydra's messages, e.g. "The value of 'x' is 20"). */
export function pyStr(v: unknown, nested = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) && !nested ? String(v) : pyFloatStr(v);
  if (v instanceof Float) return v.toString();
  if (typeof v === 'string') return nested ? pyReprStr(v) : v;
  if (v instanceof QuotedString) return `QuotedString(text=${pyReprStr(v.text)}, quote=Quote.${v.quote})`;
  if (Array.isArray(v)) return `[${v.map((x) => pyStr(x, true)).join(', ')}]`;
  if (isDict(v)) return `{${[...v].map(([k, x]) => `${pyStr(k, true)}: ${pyStr(x, true)}`).join(', ')}}`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as object).map(([k, x]) => `${pyReprStr(k)}: ${pyStr(x, true)}`).join(', ')}}`;
  }
  return String(v);
}

const INT_TEXT = /^[+-]?\d(?:_?\d)*$/;
const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** Python int(x) for the scalar types the grammar produces. */
export function pyInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (!INT_TEXT.test(t)) throw new PyError('ValueError', `invalid literal for int() with base 10: ${pyReprStr(v)}`);
    return BigInt(t.replace(/_/g, ''));
  }
  throw new PyError('TypeError', `int() argument must be a string or a number, not '${pyTypeName(v)}'`);
}

/** Python float(x) for the scalar types the grammar produces. */
export function pyFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    const special = FLOAT_SPECIAL.exec(t);
    if (special) {
      const sign = special[1] === '-' ? -1 : 1;
      return special[2].toLowerCase() === 'nan' ? NaN : sign * Infinity;
    }
    if (!FLOAT_TEXT.test(t)) throw new PyError('ValueError', `could not convert string to float: ${pyReprStr(v)}`);
    return Number(t.replace(/_/g, ''));
  }
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

const isNumeric = (v: unknown): v is bigint | number | boolean =>
  typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';

function numCompare(a: bigint | number | boolean, b: bigint | number | boolean): number {
  const x = typeof a === 'boolean' ? BigInt(a) : a;
  const y = typeof b === 'boolean' ? BigInt(b) : b;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  const nx = Number(x);
  const ny = Number(y);
  if (Number.isNaN(nx) || Number.isNaN(ny)) return NaN;
  return nx < ny ? -1 : nx > ny ? 1 : 0;
}

/** Python `a == b` for grammar values. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return numCompare(a, b) === 0;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (a === null || b === null) return a === b;
  if (a instanceof QuotedString && b instanceof QuotedString) return a.text === b.text && a.quote === b.quote;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isDict(a) && isDict(b)) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && pyEq(v, b.get(k)));
  }
  return false;
}

/** Python `a < b`; throws Python's TypeError for unorderable pairs. */
export function pyLt(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return numCompare(a, b) < 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (!pyEq(a[i], b[i])) return pyLt(a[i], b[i]);
    return a.length < b.length;
  }
  throw new PyError('TypeError', `'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/**
 * Python sorted(list, reverse=): CPython's run detection + binary insertion sort, so the
 * comparisons (and therefore any TypeError message) happen in the same order as in Python.
 */
export function pySorted<T>(items: readonly T[], reverse = false): T[] {
  const a = [...items];
  if (reverse) a.reverse();
  if (a.length > 1) {
    let run = 2;
    if (pyLt(a[1], a[0])) {
      while (run < a.length && pyLt(a[run], a[run - 1])) run++;
      const head = a.slice(0, run).reverse();
      a.splice(0, run, ...head);
    } else {
      while (run < a.length && !pyLt(a[run], a[run - 1])) run++;
    }
    for (let start = run; start < a.length; start++) {
      const pivot = a[start];
      let lo = 0;
      let hi = start;
      while (lo < hi) {
        const mid = lo + ((hi - lo) >> 1);
        if (pyLt(pivot, a[mid])) hi = mid;
        else lo = mid + 1;
      }
      a.splice(start, 1);
      a.splice(lo, 0, pivot);
    }
  }
  if (reverse) a.reverse();
  return a;
}

/** random.shuffle on a copy: Hydra's shuffle() is unseeded too, so the order differs on every parse. */
export function pyShuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
