// Package entry: the programmatic API (Hydra's compose API, in TypeScript).
export { compose, ConfigError, loadSettings, parseOverride, parseOverrides } from './runner/index.js';
export type { ComposeOptions, Composed, ConfigDict, ConfigValue, Override, Settings } from './runner/index.js';
export type { Spec, ModelConfig, BudgetConfig, HorizonConfig, TargetConfig, SplitConfig, TrainerConfig, DataConfig, TaskConfig } from './schemas/index.js';
export { specSchema, groupSchemas } from './schemas/index.js';
