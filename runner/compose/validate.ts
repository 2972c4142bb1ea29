import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { groupSchemas, runnerGroupSchemas, specSchema, type Spec } from '../../schemas/spec.js';
import { ConfigError } from '../errors.js';
import { nearest } from '../suggest.js';
import type { KeyOrigin } from './origin.js';
import type { ConfigDict, ConfigValue } from './types.js';

/**
 * Ajv instances that know Ladder's schemas by $id (`ladder/model`, `ladder/spec`, ...), so that a
 * config dir's schema file may say `{"$ref": "ladder/trainer"}`. `allErrors` is on where `???` values
 * are tolerated (the first error may be one of them). Ladder's own schemas compile in strict mode;
 * a config dir's files compile leniently (unknown keywords such as `x-notes` are ignored).
 */
const instances = new Map<string, Ajv>();
export function schemaCompiler(options: { allErrors: boolean; strict: boolean }): Ajv {
  const key = `${options.allErrors}:${options.strict}`;
  let ajv = instances.get(key);
  if (!ajv) {
    ajv = new Ajv(ajvOptions(options));
    for (const schema of builtinSchemas()) ajv.addSchema(schema);
    instances.set(key, ajv);
  }
  return ajv;
}

/** The Ajv options of schemaCompiler (scripts/precompile-validators.mjs compiles with the same). */
export const ajvOptions = (options: { allErrors: boolean; strict: boolean }): Options =>
  ({ allErrors: options.allErrors, verbose: true, strict: options.strict, strictRequired: false, allowUnionTypes: true });

/** Ladder's own schemas, each with its $id (ladder/<group>, ladder/spec). */
export const builtinSchemas = (): ({ $id: string } & object)[] => [...Object.values(groupSchemas), ...Object.values(runnerGroupSchemas), specSchema];

/** sha256 of the built-in schemas: a precompiled file made from other schemas (a stale build) is not used. */
export const schemasHash = (): string => createHash('sha256').update(JSON.stringify(builtinSchemas())).digest('hex');

let precompiled: Map<string, ValidateFunction> | null | undefined;

/**
 * The built-in schema `id`'s strict validator with allErrors off, from validators.precompiled.cjs (Ajv
 * standalone code that `npm run build` writes next to this file: compiling the schemas at each launch
 * costs ~0.3 s of CPU); undefined when there is none for these schemas (run from the sources, a stale
 * build), and the schema is compiled as before. allErrors on (the error messages) always compiles.
 */
function precompiledValidator(id: string): ValidateFunction | undefined {
  if (precompiled === undefined) {
    precompiled = null;
    try {
      const m = createRequire(import.meta.url)('./validators.precompiled.cjs') as { ids: Record<string, string>; hash: string } & Record<string, ValidateFunction>;
      if (m.hash === schemasHash()) precompiled = new Map(Object.entries(m.ids).map(([name, schemaId]) => [schemaId, m[name]!]));
    } catch {
      // not built: compiled at run time
    }
  }
  return precompiled?.get(id);
}

/** A built-in schema's strict validator by $id (`ladder/trainer`), precompiled when it can be. */
export function builtinValidatorById(id: string, allErrors: boolean): ValidateFunction | undefined {
  return (allErrors ? undefined : precompiledValidator(id)) ?? schemaCompiler({ allErrors, strict: true }).getSchema(id);
}

const compiled = new Map<boolean, WeakMap<object, ValidateFunction>>();

/** A validator for one of Ladder's schema objects (or a task's declared spec), compiled once per process. */
export function builtinValidator(schema: object, allErrors: boolean): ValidateFunction {
  let cache = compiled.get(allErrors);
  if (!cache) compiled.set(allErrors, (cache = new WeakMap()));
  let validate = cache.get(schema);
  if (!validate) {
    const id = (schema as { $id?: unknown }).$id;
    const builtin = !allErrors && typeof id === 'string' && builtinSchemas().includes(schema as { $id: string }) ? precompiledValidator(id) : undefined;
    validate = builtin ?? schemaCompiler({ allErrors, strict: true }).compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

/**
 * Validates `value` and throws a ConfigError with one error as one line. `validator(allErrors)` gives the
 * compiled schema; on a failure every error is collected, and an unknown key is reported before anything
 * else (a renamed key also leaves the old one missing, and the rename is the fix), prefixed with the file
 * and line (or override) that set it when `origin` knows. `at` is the dotted place of `value` in the whole
 * config ('' for the top level), so that messages name full keys. `skipMissing` tolerates `???` values,
 * for printing a config that is not complete yet.
 */
export function checkWith(
  validator: (allErrors: boolean) => ValidateFunction,
  value: unknown,
  options: { at?: string; skipMissing?: boolean; origin?: KeyOrigin } = {},
): void {
  if (validator(options.skipMissing ?? false)(value)) return;
  const validate = validator(true);
  validate(value);
  const errors = (validate.errors ?? []).filter((e) => !(options.skipMissing && e.data === '???'));
  if (errors.length === 0) return;
  const prefix = options.at ? `/${options.at.split('.').join('/')}` : '';
  const full = (e: ErrorObject): ErrorObject => ({ ...e, instancePath: `${prefix}${e.instancePath}` });
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  // a value that fits none of a described anyOf's branches: the description names them all
  const alternatives = errors.find((e) => e.keyword === 'anyOf' && (e.parentSchema as { description?: string }).description);
  if (!unknown) throw new ConfigError(describeError(full(alternatives ?? errors[0]!)));
  const key = [...pathOf(full(unknown)), String((unknown.params as { additionalProperty: string }).additionalProperty)];
  const place = options.origin?.(key);
  throw new ConfigError(`${place ? `${place}: ` : ''}${describeError(full(unknown))}`);
}

function pathOf(error: ErrorObject): string[] {
  return error.instancePath.slice(1).split('/').filter(Boolean);
}

/**
 * Checks a resolved config against schemas/spec (struct mode: unknown keys rejected).
 * `skipMissing` tolerates `???` values, for printing a config that is not complete yet.
 * `origin` names the file and line (or override) that set a key, for unknown keys. An unknown key is
 * reported before anything else: a renamed key also leaves the old one missing, and the rename is the
 * fix.
 */
export function validateSpec(config: ConfigDict, options: { skipMissing?: boolean; origin?: KeyOrigin } = {}): Spec {
  const skipMissing = options.skipMissing ?? false;
  checkWith((allErrors) => builtinValidator(specSchema, allErrors), config, { skipMissing, origin: options.origin });
  return config as unknown as Spec;
}

export function describeError(error: ErrorObject): string {
  const at = pathOf(error).join('.');
  const place = at || '<top level>';
  const got = `got ${formatValue(error.data as ConfigValue)} (${typeName(error.data)})`;
  const params = error.params as Record<string, unknown>;
  // nan and inf are numbers to JavaScript (and to ajv, which then fails a range keyword) but no JSON number
  if (typeof error.data === 'number' && !Number.isFinite(error.data)) return `${place}: expected a finite number, got ${formatValue(error.data)}`;
  // a bounded number says the whole of what it takes, whether the value was out of range or not a number
  const bounded = boundedNumber(error.parentSchema);
  switch (error.keyword) {
    case 'type': {
      const keys = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const types = [params.type].flat();
      if (types.includes('object') && keys.length && at) {
        // a dict's keys are set one by one (Hydra's grammar has no dict literal for a typed node's fields)
        const description = (error.parentSchema as { description?: string }).description;
        const orNull = types.includes('null') ? ' or null' : '';
        return `${place}: expected a dict with keys ${keys.join(', ')}${orNull}, ${got}: set its keys, e.g. ${at}.${keys[0]}=<value>${description ? `; ${description}` : ''}`;
      }
      return `${place}: expected ${bounded ?? String(params.type).split(',').join(' or ')}, ${got}`;
    }
    case 'enum':
      return `${place}: expected one of ${(params.allowedValues as unknown[]).map((v) => formatValue(v as ConfigValue)).join(', ')}, ${got}`;
    case 'const':
      return `${place}: expected ${formatValue(params.allowedValue as ConfigValue)}, ${got}`;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const full = at ? `${at}.${key}` : key;
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const hint = nearest(key, known).map((k) => (at ? `${at}.${k}` : k));
      const suggestion = hint.length ? ` Did you mean ${hint.map((h) => `'${h}'`).join(' or ')}?` : '';
      return `Unknown key '${full}': not in the schema for '${place}'.${suggestion} Known keys: ${known.join(', ')}`;
    }
    case 'required': {
      const key = String(params.missingProperty);
      const full = at ? `${at}.${key}` : key;
      return `Missing key '${full}'. Add it to the config file or set it with +${full}=<value>`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${place}: expected ${bounded ?? `a number ${String(params.comparison)} ${String(params.limit)}`}, ${got}`;
    case 'minItems':
    case 'maxItems':
      return `${place}: expected ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items, ${got}`;
    case 'pattern': {
      const description = (error.parentSchema as { description?: string }).description;
      return `${place}: expected ${description ?? `a string matching ${String(params.pattern)}`}, ${got}`;
    }
    case 'anyOf': {
      const description = (error.parentSchema as { description?: string }).description;
      if (description) return `${place}: expected ${description}, ${got}`;
      return `${place}: ${error.message ?? 'invalid value'}, ${got}`;
    }
    default:
      return `${place}: ${error.message ?? 'invalid value'}, ${got}`;
  }
}

/**
 * What a number schema with bounds takes, in words: 'an integer >= 1 or null', 'a number > 0 and <= 1';
 * null for any other schema.
 */
function boundedNumber(schema: unknown): string | null {
  const s = (schema ?? {}) as { type?: string | string[]; minimum?: number; exclusiveMinimum?: number; maximum?: number; exclusiveMaximum?: number };
  const types = [s.type ?? []].flat();
  if (!types.includes('integer') && !types.includes('number')) return null;
  const bounds = [['>=', s.minimum], ['>', s.exclusiveMinimum], ['<=', s.maximum], ['<', s.exclusiveMaximum]].filter(([, v]) => typeof v === 'number');
  if (!bounds.length) return null;
  const kind = types.includes('integer') && !types.includes('number') ? 'an integer' : 'a number';
  return `${kind} ${bounds.map(([op, v]) => `${op} ${v}`).join(' and ')}${types.includes('null') ? ' or null' : ''}`;
}

function formatValue(value: ConfigValue | undefined): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return JSON.stringify(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dict';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
