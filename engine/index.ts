/** Public surface of the ONNX training engine. */
export { Graph, GraphAttr, Tensor, float } from './graph/builder.js';
export type { DType } from './graph/dtype.js';
export { toModelBytes, saveModel, OPSET } from './graph/serialize.js';
export * as ops from './autodiff/ops.js';
export { grad } from './autodiff/grad.js';
export { RULES } from './autodiff/rules.js';
export { linear, bceWithLogits, batchNormTrain, tableDropout, patchify, patchCount } from './nn/layers.js';
export { dropoutTable, dropoutOffsets, dropoutFeeds, type DropoutPlan } from './step/dropout.js';
export { Net, Layout, linearInit, type Init, type ParamSpec, type BufferSpec } from './step/net.js';
export { Rng, type RngState } from './step/rng.js';
export {
  buildTrainStep,
  buildGradGraph,
  buildEvalGraph,
  buildInferenceGraph,
  layoutOf,
  type Model,
  type GraphShape,
  type BuiltGraph,
} from './step/graphs.js';
export { buildTrainLoop, TRIP_COUNT, type BuiltLoop, type LoopSignature } from './step/loop.js';
export { adamw, adamwUpdate, adamScalars, type AdamWOptions } from './optim/adamw.js';
export { clipGradNorm, type ClipOptions } from './optim/clip.js';
export { checkOptimizer, type Optimizer, type UpdateInputs, type UpdateOutputs } from './optim/optimizer.js';
export { learningRate, type LrSchedule } from './optim/schedule.js';
export { createSession, probeBackend, BACKENDS, type Backend, type Session, type FeedValue } from './runtime/backends.js';
export { ALLOCATOR_ENV } from './runtime/allocator.js';
export { createTrainer, warmTrainer, type TrainerWarmup, type Trainer, type TrainerOptions, type Batch, type StepResult } from './runtime/trainer.js';
export { type CacheOutcome } from './runtime/cache.js';
export { estimateMemory, describeMemory, formatBytes, fittingBatch, largestBatch, stepKind, type MemoryEstimate, type StepKind } from './memory/index.js';
export { buildModel, MODEL_NAMES, checkModelConfig, type ModelConfig, countParams, paramBreakdown, type ParamBreakdown } from './models/index.js';
export { exportInference, type ExportOptions, type ExportResult } from './export/index.js';
