// OmegaConf's conversion of an interpolation's result to its node's type: `d_model: ${oc.env:D,8}` resolves
// to the string '8', and a typed (structured-config) node turns it into 8, as `trainer.devices=${oc.env:NGPU,1}`
// expects. Here the type is the JSON Schema's: a key whose schemas allow only integer, number or boolean gets
// the string converted (OmegaConf's rules); a string that does not convert is left for validation to refuse,
// naming the key and the value. Only keys whose value came out of an interpolation are touched.
import { taskSpec } from '../tasks/registry.js';
import type { PlacedSchema } from './schemas.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';
import { builtinSchemas } from './validate.js';

type Json = Record<string, unknown>;

const builtins = new Map<string, Json>(builtinSchemas().map((s) => [s.$id, s as unknown as Json]));

/** The schema a `$ref` names: Ladder's by id (`ladder/trainer`), or relative to Ladder's ids (`launcher`). */
function refTarget(ref: string): Json | undefined {
  return builtins.get(ref) ?? builtins.get(`ladder/${ref}`);
}

/** The JSON types `schema` allows at `path`; null when unknown or unconstrained (then nothing converts). */
function typesAt(schema: unknown, path: string[], depth = 0): Set<string> | null {
  if (!isDict(schema as ConfigValue) || depth > 32) return null;
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const target = refTarget(s.$ref);
    return target ? typesAt(target, path, depth + 1) : null;
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(s[keyword])) continue;
    const union = new Set<string>();
    for (const branch of s[keyword] as unknown[]) {
      const types = typesAt(branch, path, depth + 1);
      if (!types) return null;
      types.forEach((t) => union.add(t));
    }
    return union;
  }
  if (path.length === 0) {
    if (typeof s.type === 'string') return new Set([s.type]);
    if (Array.isArray(s.type)) return new Set(s.type as string[]);
    return null;
  }
  const [head, ...rest] = path;
  const properties = s.properties as Json | undefined;
  if (properties && head! in properties) return typesAt(properties[head!], rest, depth + 1);
  return isDict(s.additionalProperties as ConfigValue) ? typesAt(s.additionalProperties, rest, depth + 1) : null;
}

/** `text` as the first of `types` it converts to (OmegaConf's IntegerNode, FloatNode, BooleanNode), or undefined. */
function convert(text: string, types: Set<string>): ConfigValue | undefined {
  const t = text.trim();
  if (types.has('integer') && /^[+-]?\d+$/.test(t)) return Number(t);
  if (types.has('number') && t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (types.has('boolean')) {
    const lower = t.toLowerCase();
    if (['true', 'yes', 'on', 'y'].includes(lower)) return true;
    if (['false', 'no', 'off', 'n'].includes(lower)) return false;
  }
  return undefined;
}

function accepts(types: Set<string>, value: ConfigValue): boolean {
  if (typeof value === 'boolean') return types.has('boolean');
  return types.has('number') || (types.has('integer') && Number.isInteger(value));
}

/**
 * Converts, in place, the string value at each dotted key of `keys` (keys whose value an interpolation
 * gave) to the integer, number or boolean that every schema checking it requires: the group schemas
 * `schemas` at their packages, and the spec of the task `config.task.name` selects. A key some schema
 * lets be a string, or that no schema types, keeps its string. Returns `config`.
 */
export function coerceInterpolated(config: ConfigDict, keys: Iterable<string>, schemas: readonly PlacedSchema[]): ConfigDict {
  const task = (config.task as { name?: unknown } | undefined)?.name;
  const spec = typeof task === 'string' ? taskSpec(task) : undefined;
  for (const key of keys) {
    const path = key.split('.');
    const parent = path.slice(0, -1).reduce<ConfigValue | undefined>((node, k) => (isDict(node ?? null) ? (node as ConfigDict)[k] : undefined), config);
    const last = path.at(-1)!;
    if (!isDict(parent ?? null) || typeof (parent as ConfigDict)[last] !== 'string') continue;
    const wanted: Set<string>[] = [];
    if (spec) wanted.push(typesAt(spec, path) ?? new Set());
    for (const placed of schemas) {
      const at = placed.package.split('.');
      if (at.every((k, i) => path[i] === k) && path.length > at.length) wanted.push(typesAt(placed.schema.content, path.slice(at.length)) ?? new Set());
    }
    if (wanted.length === 0 || wanted.some((types) => types.size === 0 || types.has('string'))) continue;
    const value = convert((parent as ConfigDict)[last] as string, wanted[0]!);
    if (value !== undefined && wanted.every((types) => accepts(types, value))) (parent as ConfigDict)[last] = value;
  }
  return config;
}
