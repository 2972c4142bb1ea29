export {
  estimateMemory,
  describeMemory,
  formatBytes,
  activationElementsPerSample,
  DEFAULT_OVERHEAD_FACTOR,
  DROPOUT_BYTES_PER_ELEMENT,
  RUNTIME_BYTES,
  type MemoryEstimate,
  type MemoryOptions,
} from './estimate.js';
