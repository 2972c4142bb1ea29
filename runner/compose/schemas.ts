// Which JSON Schemas a composed config answers to: the schema of each group where the config dir has
// one (`<group>.schema.json` beside the group's folder), checked at every package the group's options
// were placed at, then the spec schema of the task the config selects, where that task declares one.
// A tree with neither (a user's own groups, task=echo) is taken as composed.
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { ConfigRepository, SchemaFile } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { taskSpec } from '../tasks/registry.js';
import type { DefaultsNode } from './defaults.js';
import type { KeyOrigin } from './origin.js';
import { plainConfig } from '../overrides/index.js';
import { isDict, type ConfigDict, type ConfigValue } from './types.js';
import { builtinValidator, builtinValidatorById, checkWith, schemaCompiler } from './validate.js';

/** A group's schema and the package (dotted path) its option was placed at, e.g. `server/db` at `src`. */
export interface PlacedSchema {
  group: string;
  package: string;
  schema: SchemaFile;
}

/**
 * The schemas of the groups chosen in a defaults tree, in tree order, one per (group, package). Groups
 * placed at the top level (`@_global_`) are not checked: their keys mix with everyone else's.
 */
export function placedSchemas(repository: ConfigRepository, tree: DefaultsNode): PlacedSchema[] {
  const placed: PlacedSchema[] = [];
  const seen = new Set<string>();
  const walk = (node: DefaultsNode): void => {
    for (const child of node.children) {
      if (child === 'self') continue;
      const group = child.groupPath ?? path.posix.dirname(child.configPath); // `model: vit/b16` answers to model's schema
      const key = `${group}@${child.package}`;
      if (child.choice && child.package !== '' && group !== '.' && !seen.has(key)) {
        seen.add(key);
        const schema = repository.schema(group);
        if (schema) placed.push({ group, package: child.package, schema });
      }
      walk(child);
    }
  };
  walk(tree);
  return placed;
}

/**
 * Checks a resolved config against its groups' schemas (struct mode wherever a schema says
 * `additionalProperties: false`), then against the declared spec of the task `task.name` selects.
 * Throws ConfigError, one line naming the full key. `skipMissing` tolerates `???` (for --cfg).
 */
export function validateComposed(config: ConfigDict, schemas: readonly PlacedSchema[], options: { skipMissing?: boolean; origin?: KeyOrigin } = {}): void {
  const { skipMissing = false, origin } = options;
  config = plainConfig(config); // JSON Schema has one number type: 1.0 is a number, and an integer (as JSON Schema says)
  for (const { package: at, schema } of schemas) {
    const node = valueAt(config, at);
    if (node !== undefined) checkWith((allErrors) => fileValidator(schema, allErrors), node, { at, skipMissing, origin });
  }
  const task = (config.task as { name?: unknown } | undefined)?.name;
  const spec = typeof task === 'string' ? taskSpec(task) : undefined;
  if (spec) checkWith((allErrors) => builtinValidator(spec, allErrors), config, { skipMissing, origin });
}

function valueAt(config: ConfigDict, dotted: string): ConfigValue | undefined {
  let node: ConfigValue | undefined = config;
  for (const key of dotted.split('.')) {
    if (!isDict(node)) return undefined;
    node = node[key];
  }
  return node;
}

const fileValidators = new WeakMap<SchemaFile, Map<boolean, ValidateFunction>>();

/** The id of the built-in schema a schema file is nothing but a reference to, or null. */
function builtinRef(content: unknown): string | null {
  if (!isDict(content as ConfigValue)) return null;
  const keys = Object.keys(content as object);
  const ref = (content as { $ref?: unknown }).$ref;
  return keys.length === 1 && typeof ref === 'string' && ref.startsWith('ladder/') ? ref : null;
}

/** Compiled once per file version (an edited file is a new SchemaFile). */
function fileValidator(schema: SchemaFile, allErrors: boolean): ValidateFunction {
  let byMode = fileValidators.get(schema);
  if (!byMode) fileValidators.set(schema, (byMode = new Map()));
  let validate = byMode.get(allErrors);
  if (!validate) {
    // a file that only points at one of Ladder's schemas (conf/*.schema.json: {"$ref": "ladder/trainer"}) takes
    // that schema's validator, compiled once with the task's spec, not again in the lenient instance
    const builtin = builtinRef(schema.content);
    validate = builtin ? builtinValidatorById(builtin, allErrors) : undefined;
    if (validate) {
      byMode.set(allErrors, validate);
      return validate;
    }
    const ajv = schemaCompiler({ allErrors, strict: false });
    const id = (schema.content as { $id?: unknown }).$id;
    if (typeof id === 'string' && !id.startsWith('ladder/') && ajv.getSchema(id)) ajv.removeSchema(id); // the file was edited
    try {
      validate = ajv.compile(schema.content as object);
    } catch (error) {
      throw new ConfigError(`${schema.displayPath}: not a valid JSON Schema: ${(error as Error).message}`, { cause: error });
    }
    byMode.set(allErrors, validate);
  }
  return validate;
}
