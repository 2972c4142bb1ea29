import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { specSchema, type Spec } from '../../schemas/spec.js';
import { ConfigError } from '../errors.js';
import { nearest } from '../suggest.js';
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
 */
export function validateSpec(config: ConfigDict, options: { skipMissing?: boolean } = {}): Spec {
  const skipMissing = options.skipMissing ?? false;
  const validate = specValidator(skipMissing);
  if (validate(config)) return config as unknown as Spec;
  const errors = (validate.errors ?? []).filter((e) => !(skipMissing && e.data === '???'));
  if (errors.length === 0) return config as unknown as Spec;
  throw new ConfigError(describeError(errors[0]!));
}

export function describeError(error: ErrorObject): string {
  const at = error.instancePath.slice(1).split('/').filter(Boolean).join('.');
  const place = at || '<top level>';
  const got = `got ${formatValue(error.data as ConfigValue)} (${typeName(error.data)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      // nan and inf are numbers to JavaScript but no schema number (JSON has neither)
      if (typeof error.data === 'number' && !Number.isFinite(error.data)) return `${place}: expected a finite number, got ${formatValue(error.data)}`;
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
