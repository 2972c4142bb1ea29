export {
  estimateMemory,
  describeMemory,
  formatBytes,
  activationElementsPerSample,
  DEFAULT_OVERHEAD_FACTOR,
  type MemoryEstimate,
  type MemoryOptions,
} from './estimate.js';
