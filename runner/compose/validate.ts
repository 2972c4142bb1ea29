import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { specSchema, type Spec } from '../../schemas/spec.js';
import { ConfigError } from '../errors.js';
import { nearest } from '../suggest.js';
import type { KeyOrigin } from './origin.js';
import type { ConfigDict, ConfigValue } from './types.js';

const validators = new Map<boolean, ValidateFunction>();

/** Compiled once per process: validating 1,000 sweep jobs must not recompile. */
function specValidator(allErrors: boolean): ValidateFunction {
  let validate = validators.get(allErrors);
  if (!validate) {
    validate = new Ajv({ allErrors, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(specSchema);
    validators.set(allErrors, validate);
  }
  return validate;
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
  if (specValidator(skipMissing)(config)) return config as unknown as Spec;
  const validate = specValidator(true);
  validate(config);
  const errors = (validate.errors ?? []).filter((e) => !(skipMissing && e.data === '???'));
  if (errors.length === 0) return config as unknown as Spec;
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (!unknown) throw new ConfigError(describeError(errors[0]!));
  const key = [...pathOf(unknown), String((unknown.params as { additionalProperty: string }).additionalProperty)];
  const place = options.origin?.(key);
  throw new ConfigError(`${place ? `${place}: ` : ''}${describeError(unknown)}`);
}

function pathOf(error: ErrorObject): string[] {
  return error.instancePath.slice(1).split('/').filter(Boolean);
}

export function describeError(error: ErrorObject): string {
  const at = pathOf(error).join('.');
  const place = at || '<top level>';
  const got = `got ${formatValue(error.data as ConfigValue)} (${typeName(error.data)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `${place}: expected ${String(params.type).split(',').join(' or ')}, ${got}`;
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
      return `${place}: expected a number ${String(params.comparison)} ${String(params.limit)}, ${got}`;
    case 'minItems':
    case 'maxItems':
      return `${place}: expected ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} items, ${got}`;
    case 'pattern': {
      const description = (error.parentSchema as { description?: string }).description;
      return `${place}: expected ${description ?? `a string matching ${String(params.pattern)}`}, ${got}`;
    }
    default:
      return `${place}: ${error.message ?? 'invalid value'}, ${got}`;
  }
}

function formatValue(value: ConfigValue | undefined): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dict';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
