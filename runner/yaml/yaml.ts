// The one YAML reader and writer for config files, as OmegaConf 2.3 reads them: PyYAML's YAML 1.1
// resolver (yes/no/on/off are booleans, 017 is octal, 1:30 is 90, 55_000 is 55000) with OmegaConf's
// two changes, a wider float rule (1e3 is a float) and no timestamp rule (dates stay strings).
// Config files, schema files, sweep presets and run folders' config.yaml all go through here, so a
// value reads the same everywhere, and what stringifyConfig writes reads back as the same value.
import { parseDocument, stringify, visit, type Document, type LineCounter, type ScalarTag, type Tags, type ToStringOptions } from 'yaml';
import { ConfigError } from '../errors.js';
import { Float, pyFloatStr, toFloat } from '../overrides/index.js';

const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';

/** PyYAML's int rule (YAML 1.1): decimal, 0b binary, 0 octal, 0x hex, base 60 (`1:30`); `_` anywhere after the first digit. */
const INT_RE = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

/** OmegaConf's float rule (PyYAML's, plus an exponent without a dot: `1e3`). `-.5` is not in it: a string, as in OmegaConf. */
const FLOAT_RE =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** PyYAML's bool rule: `y` and `n` are strings (the YAML 1.1 spec lists them; PyYAML does not). */
const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

/** The sign and the rest, without `_` (PyYAML's first step for ints and floats). */
function signed(text: string): { sign: 1 | -1; digits: string } {
  const clean = text.replaceAll('_', '');
  const sign = clean.startsWith('-') ? -1 : 1;
  return { sign, digits: /^[-+]/.test(clean) ? clean.slice(1) : clean };
}

function sexagesimal(digits: string, part: (s: string) => number): number {
  return digits.split(':').reduce((total, piece) => total * 60 + part(piece), 0);
}

/** PyYAML's construct_yaml_int, as a bigint (parseConfigYaml refuses those beyond 2^53). */
function resolveInt(text: string): bigint {
  const { sign, digits } = signed(text);
  let n: bigint;
  if (digits.startsWith('0b')) n = BigInt(digits);
  else if (digits.startsWith('0x')) n = BigInt(digits);
  else if (digits !== '0' && digits.startsWith('0')) n = BigInt(`0o${digits.slice(1)}`);
  else if (digits.includes(':')) n = BigInt(sexagesimal(digits, Number));
  else n = BigInt(digits);
  return sign < 0 ? -n : n;
}

/** PyYAML's construct_yaml_float; a whole-number value is kept as a Float. */
function resolveFloat(text: string): number | Float {
  const { sign, digits } = signed(text.toLowerCase());
  if (digits === '.inf') return sign * Infinity;
  if (digits === '.nan') return NaN;
  const n = digits.includes(':') ? sexagesimal(digits, Number) : Number(digits);
  return toFloat(sign * n);
}

function floatText(value: number | Float): string {
  const n = value instanceof Float ? value.value : value;
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  return value instanceof Float ? pyFloatStr(n) : String(n);
}

const scalarTags: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:null', default: true, test: /^(?:~|null|Null|NULL)?$/,
    identify: (value) => value === null || value === undefined, resolve: () => null, stringify: () => 'null',
  },
  {
    tag: 'tag:yaml.org,2002:bool', default: true, test: BOOL_RE,
    identify: (value) => typeof value === 'boolean', resolve: (text) => /^(?:yes|true|on)$/i.test(text),
    stringify: ({ value }) => (value ? 'true' : 'false'),
  },
  {
    tag: FLOAT, default: true, test: FLOAT_RE,
    identify: (value) => value instanceof Float || (typeof value === 'number' && !Number.isInteger(value)),
    resolve: resolveFloat, stringify: ({ value }) => floatText(value as number | Float),
  },
  {
    tag: INT, default: true, test: INT_RE,
    identify: (value) => typeof value === 'bigint' || Number.isInteger(value), resolve: resolveInt,
    stringify: ({ value }) => String(value),
  },
  // explicit `!!float 1` and `!!int 7`, where the text is outside the implicit rule (PyYAML: float('1'), int('7'))
  { tag: FLOAT, resolve: (text) => resolveFloat(/^[-+]?\.?(inf|nan)$/i.test(text) ? text : text.replace(/^([-+]?)\./, '$10.')) },
  { tag: INT, resolve: resolveInt },
];

/** yaml's YAML 1.1 schema with its scalar rules replaced by OmegaConf's (and no timestamp, binary, omap, pairs, set). */
function omegaconfTags(defaults: Tags): Tags {
  const kept = defaults.filter((tag) => {
    const name = typeof tag === 'object' ? tag.tag : '';
    return name === 'tag:yaml.org,2002:map' || name === 'tag:yaml.org,2002:seq' || name === 'tag:yaml.org,2002:str' || name === 'tag:yaml.org,2002:merge';
  });
  return [...kept, ...scalarTags];
}

const SCHEMA = { version: '1.1', schema: 'yaml-1.1', customTags: omegaconfTags } as const;

/** The YAML document of a config file with the same scalar rules, for finding a key's line (compose/origin). */
export function configDocument(text: string, options: { lineCounter?: LineCounter } = {}): Document.Parsed {
  return parseDocument(text, { ...SCHEMA, ...options });
}

/**
 * Parses one config document as OmegaConf 2.3 does; errors name the file and line. The result is
 * deep-frozen, an empty document is {}, and whole-number floats are Floats.
 * Refused, rather than read as something else: a duplicate key (OmegaConf: "found duplicate key"),
 * an unknown tag (e.g. `!!js/undefined`), an integer beyond 2^53 (which a number would round), and
 * more than 1000 alias expansions (an alias bomb).
 */
export function parseConfigYaml(text: string, where: string): unknown {
  const doc = configDocument(text);
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line ?? lineOf(problem.pos[0]);
    if (problem.code === 'DUPLICATE_KEY') {
      const key = /^\s*([^:\n]+?)\s*:/.exec(text.split('\n')[line - 1] ?? '')?.[1] ?? '?';
      throw new ConfigError(`${where}:${line}: found duplicate key ${key}: a mapping may set each key once; delete one of them`);
    }
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const fix = problem.code === 'TAG_RESOLVE_FAILED' ? ': remove the tag (config files are plain YAML: maps, lists, strings, numbers, booleans, null)' : '';
    throw new ConfigError(`${where}:${line}: ${reason}${fix}`);
  }
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'bigint') return;
      if (node.value > MAX_SAFE || node.value < -MAX_SAFE) {
        throw new ConfigError(
          `${where}:${lineOf(node.range?.[0] ?? 0)}: ${node.value} is an integer beyond 2^53, which a config number cannot hold exactly (it would be rounded): quote it for a string or write it as a float`,
        );
      }
      node.value = Number(node.value);
    },
  });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    if (!/alias/i.test((error as Error).message)) throw error;
    throw new ConfigError(`${where}: its aliases (*name) expand to too many values (an alias bomb?): write the values out or use fewer aliases`, { cause: error });
  }
  return deepFreeze(value ?? {});
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * A config as YAML that parseConfigYaml reads back as the same values: a Float keeps its `.0`, and a
 * string that YAML 1.1 would read as something else (`yes`, `017`, `1:30`, `1e3`) is quoted.
 */
export function stringifyConfig(value: unknown, options: ToStringOptions = {}): string {
  // one Float (or dict) may sit at two keys after interpolation: written out twice, never as &anchor/*alias
  return stringify(value, { ...SCHEMA, aliasDuplicateObjects: false, ...options });
}
