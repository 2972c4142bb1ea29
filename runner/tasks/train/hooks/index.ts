// Training-loop hooks: the interface and events (types.ts), how the loop calls them (dispatch.ts), and
// the hooks the train task uses. The loop imports none of the concrete hooks; task.ts assembles them.
export type {
  Answer, CheckpointEvent, EndEvent, EpochEndEvent, EvalEvent, Hook, LoopEnd, LoopHandle, StepEvent, Stop, TrainEpochEndEvent,
} from './types.js';
export { decodeJson, encodeJson, HookList, stateKey } from './dispatch.js';
export { Checkpointing, type CheckpointState } from './checkpoint.js';
export { EarlyStopping, type EarlyStoppingState } from './early-stopping.js';
export { logEpoch, MetricLogger, MetricsMark } from './metrics.js';
export { MonitorHook, type MonitorOptions, type MonitorState, type PauseRecord } from './monitor.js';
export { PruneHook, type PruneState } from './prune.js';
export { ProgressReport, type ProgressPlan, type ProgressState } from './progress.js';
