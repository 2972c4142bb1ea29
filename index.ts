// Package entry: the programmatic API (Hydra's compose API, in TypeScript).
export { compose, ConfigError, loadSettings, parseOverride, parseOverrides } from './runner/index.js';
export type { ComposeOptions, Composed, ConfigDict, ConfigValue, Override, Settings } from './runner/index.js';
export type { Spec, ModelConfig, BudgetConfig, HorizonConfig, TargetConfig, SplitConfig, TrainerConfig, DataConfig, TaskConfig } from './schemas/index.js';
export { specSchema, groupSchemas } from './schemas/index.js';
// Sweeps and tasks: expand a multirun as `run -m` does; register your own task and run the CLI with it.
export { expandSweep, type ExpandOptions } from './sweeps/index.js';
export { registerTask, type Metric, type Progress, type RunContext, type Task, type TaskOptions, type TaskResult } from './runner/tasks/index.js';
export { main as runCli } from './runner/cli/run.js';
