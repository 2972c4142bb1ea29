export { findProjectRoot, loadSettings, settingsFor, type Settings } from './settings.js';
export {
  clearConfigRepositories,
  CONFIG_EXTENSIONS,
  SCHEMA_SUFFIX,
  configRepository,
  ConfigRepository,
  displayPath,
  searchPath,
  type ConfigFile,
  type ConfigSource,
  type SchemaFile,
} from './repository.js';
