export { compareRuns, type CompareLine, type Comparison } from './compare.js';
export { exportMlflow, SINGLE_RUNS_EXPERIMENT, type MlflowExport, type MlflowExportOptions } from './mlflow.js';
export { DEFAULT_EXPORT_SQL, exportTable, type TableExport, type TableFormat } from './table.js';
