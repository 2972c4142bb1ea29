// YAML as OmegaConf 2.3 reads and writes it: one reader for config files, schema files, sweep
// presets and run folders' config.yaml, and the writer whose output reads back the same.
export { configDocument, parseConfigYaml, stringifyConfig } from './yaml.js';
