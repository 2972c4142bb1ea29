export { exportInference, INLINE_LIMIT_BYTES, type ExportOptions, type ExportResult } from './onnx.js';
