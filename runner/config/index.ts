export { findProjectRoot, loadSettings, settingsFor, type Settings } from './settings.js';
export {
  clearConfigRepositories,
  CONFIG_EXTENSIONS,
  configRepository,
  ConfigRepository,
  displayPath,
  searchPath,
  type ConfigFile,
  type ConfigSource,
} from './repository.js';
