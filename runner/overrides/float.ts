// Python's int/float split for config values. JavaScript has one number type, so `1.0` and `1`
// are the same value; in a Hydra config they are not (Lightning's limit_train_batches: 1.0 is all
// batches, 1 is one batch). Composition keeps a float whose value is a whole number (1.0, -0.0, 1e3)
// as a Float; every other number is an int when Number.isInteger says so and a float otherwise.
// Tasks never see a Float: compose() hands them plain numbers (plainConfig), and only what is
// written or printed (config.yaml, --cfg, the index) keeps the `.0`.

/** A float with a whole-number value, e.g. 1.0 (YAML `1.0`, `1e3`, `1.`; override `x=1.0`). Immutable. */
export class Float {
  constructor(readonly value: number) {
    Object.freeze(this);
  }

  /** Python's str(): `1.0`, `1000.0`, `-0.0`, `1e+16`. */
  toString(): string {
    return pyFloatStr(this.value);
  }

  valueOf(): number {
    return this.value;
  }

  toJSON(): number {
    return this.value;
  }
}

/** A parsed float as a config value: a Float when its value is a whole number, else the number itself. */
export function toFloat(n: number): number | Float {
  return Number.isInteger(n) ? new Float(n) : n;
}

export function isFloat(value: unknown): value is Float {
  return value instanceof Float;
}

/** The Python type name of a config value, as Hydra would hold it: int, float, bool, str, NoneType, list or dict. */
export function pyTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (value instanceof Float) return 'float';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/**
 * `value` with every Float replaced by its number, for tasks and schema checks. Containers without a
 * Float are returned as they are (no copy), so that an unchanged config stays the same object.
 */
export function plainConfig<T>(value: T): T {
  if (value instanceof Float) return value.value as T;
  if (Array.isArray(value)) {
    const items = value.map(plainConfig);
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (typeof value === 'object' && value !== null) {
    let out: Record<string, unknown> | null = null;
    for (const [key, child] of Object.entries(value)) {
      const plain = plainConfig(child);
      if (plain !== child) out ??= { ...(value as Record<string, unknown>) };
      if (out) out[key] = plain;
    }
    return (out ?? value) as T;
  }
  return value;
}

/** Python's repr()/str() of a float: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyFloatStr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** JSON text of a config, as Python's json.dumps writes it: a Float keeps its `.0` (`{"frac": 1.0}`). */
export function configJson(value: unknown): string {
  if (value instanceof Float) return pyFloatStr(value.value);
  if (Array.isArray(value)) return `[${value.map(configJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${configJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * JSON.stringify's replacer that keeps Floats as {"$float": n} (toJSON alone would make them plain
 * numbers), for job files a child process reads back with reviveFloats. Uses the holder (`this`),
 * which still has the value before toJSON.
 */
export function keepFloats(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Float ? { $float: raw.value } : value;
}

/** JSON.parse's reviver for keepFloats' output. */
export function reviveFloats(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const n = (value as { $float?: unknown }).$float;
  return keys.length === 1 && typeof n === 'number' ? new Float(n) : value;
}

/** True when the value at dotted `key` of `config` is a Float: written 1.0, not 1. */
export function isFloatAt(config: unknown, key: string): boolean {
  let node: unknown = config;
  for (const segment of key.split('.')) {
    if (typeof node !== 'object' || node === null || node instanceof Float) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return node instanceof Float;
}
