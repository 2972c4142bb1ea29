export { specSchema, groupSchemas, type Spec } from './spec.js';
export { modelSchema, type ModelConfig } from './model.js';
export { budgetSchema, type BudgetConfig } from './budget.js';
export { horizonSchema, type HorizonConfig } from './horizon.js';
export { targetSchema, type TargetConfig } from './target.js';
export { splitSchema, type SplitConfig } from './split.js';
export { trainerSchema, type TrainerConfig } from './trainer.js';
export { dataSchema, type DataConfig } from './data.js';
export { taskSchema, type TaskConfig } from './task.js';
