/** data/: daily OHLCV → leak-free, normalized windows and labels. Knows nothing of ONNX or YAML. */
export { loadDataset, checkLoadConfig, DATA_VERSION } from './dataset.js';
export { checkSplitConfig } from './splits.js';
export { batches, type Batch, type BatchOptions } from './batches.js';
export { applyZScore } from './normalize.js';
export { DataError } from './errors.js';
export { describeDataset } from './report.js';
export { A20, featureColumns } from './features.js';
export type {
  ColumnMapping,
  DataConfig,
  Dataset,
  DroppedRows,
  FeatureTier,
  LoadConfig,
  LoadOptions,
  Manifest,
  Normalization,
  SplitArrays,
  SplitConfig,
  SplitName,
} from './types.js';
