// Public surface of runner/: composition, settings and the run CLI.
export { compose, composeTree, ConfigError, resolveConfig, validateSpec, clearConfigCache, listGroups, listOptions } from './compose/index.js';
export type { ComposeOptions, Composed, ComposedTree, ConfigDict, ConfigValue, DefaultsNode } from './compose/index.js';
export { loadSettings, type Settings } from './config/settings.js';
export { parseOverride, parseOverrides } from './overrides/index.js';
export type { Override } from './overrides/index.js';
