export {
  estimateMemory,
  fittingBatch,
  largestBatch,
  activationElementsPerSample,
  activationBytes,
  STEP_COPIES,
  LOOP_COPIES,
  DEFAULT_OVERHEAD_FACTOR,
  DROPOUT_BYTES_PER_ELEMENT,
  RUNTIME_BYTES,
  type MemoryEstimate,
  type MemoryOptions,
  type OptimizerLabel,
} from './estimate.js';
export { describeMemory, formatBytes } from './describe.js';
