/**
 * Standalone inference export: the model's eval-mode forward pass (RevIN and BatchNorm running statistics
 * included) with every parameter baked in as an initializer, x [B, L, C] → probability [B] (sigmoid).
 * Initializers go to an external-data file only when they would not fit in one protobuf (2 GB limit), so
 * ordinary models are one self-contained file that any ONNX runtime, onnxruntime-web included, can load.
 */
import { buildInferenceGraph, type Model } from '../step/graphs.js';
import type { Layout } from '../step/net.js';
import { saveModel } from '../graph/serialize.js';

/** Above this many bytes of parameters the export writes `<path>.data` next to the model. */
export const INLINE_LIMIT_BYTES = 1.9e9;

export interface ExportOptions {
  /** Rows per call of the exported model (shapes are static). Default 1. */
  batchSize?: number;
  /** Override of INLINE_LIMIT_BYTES (tests use 0 to force external data). */
  inlineLimitBytes?: number;
}

export interface ExportResult {
  files: string[];
  externalData: boolean;
  inputShape: number[];
  input: string;
  output: string;
}

export function exportInference(
  model: Model,
  layout: Layout,
  values: { params: Float32Array; buffers: Float32Array },
  inputShape: number[],
  path: string,
  opts: ExportOptions = {},
): ExportResult {
  if (values.params.length !== layout.paramCount || values.buffers.length !== layout.bufferCount) {
    throw new Error(`export: got ${values.params.length} params and ${values.buffers.length} buffers; the model has ${layout.paramCount} and ${layout.bufferCount}`);
  }
  const batchSize = opts.batchSize ?? 1;
  const graph = buildInferenceGraph(model, { batchSize, inputShape }, layout, values);
  const bytes = (values.params.length + values.buffers.length) * 4;
  const externalData = bytes > (opts.inlineLimitBytes ?? INLINE_LIMIT_BYTES);
  const files = saveModel(graph, path, { externalThreshold: externalData ? 1024 * 1024 : Number.POSITIVE_INFINITY });
  return { files, externalData: files.length > 1, inputShape: [batchSize, ...inputShape], input: 'x', output: 'prob' };
}
