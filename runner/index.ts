// Public surface of runner/: composition, settings, the config repository and the run CLI.
export { compose, composeTree, ConfigError, resolveConfig, validateComposed, validateSpec, clearConfigCache } from './compose/index.js';
export type { ComposeOptions, Composed, ComposedTree, ConfigDict, ConfigValue, DefaultsNode, PlacedSchema } from './compose/index.js';
export { configRepository, ConfigRepository, loadSettings, searchPath, type ConfigFile, type ConfigSource, type SchemaFile, type Settings } from './config/index.js';
export { parseOverride, parseOverrides, Float, plainConfig } from './overrides/index.js';
export { parseConfigYaml, stringifyConfig } from './yaml/index.js';
export type { Override } from './overrides/index.js';
