export { clearConfigCache, compose, composeTree, type ComposeOptions, type Composed, type ComposedTree } from './compose.js';
export { ConfigError } from '../errors.js';
export { resolveConfig, resolveWithProvenance, type ResolveOptions } from './interpolate.js';
export { keyOrigin, type KeyOrigin } from './origin.js';
export { builtinValidator, checkWith, validateSpec } from './validate.js';
export { validateComposed, type PlacedSchema } from './schemas.js';
export type { DefaultsNode } from './defaults.js';
export type { ConfigDict, ConfigValue } from './types.js';
