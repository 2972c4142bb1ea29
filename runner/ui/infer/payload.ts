// The in-browser inference check, server side: the most recent test windows of a trained run, exactly as
// the train task fed them to the model when it wrote predictions.csv (rebuilt by data/'s loadDataset from
// the run's own config), and the probabilities predictions.csv holds for the same rows. The page scores the
// windows with model.onnx on onnxruntime-web (runner/ui/client/infer.js) and compares.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../config/settings.js';
import { plainConfig } from '../../overrides/index.js';
import { readConfig, readRunRecord } from '../../outputs/index.js';
import { loadRunDataset, RunDataError, testPredictions, type RunDataConfig } from '../run-data.js';

/** The run files the check reads (relative to the run folder). */
export const INFER_FILES = { model: 'model.onnx', externalData: 'model.onnx.data', predictions: 'predictions.csv' } as const;
export const DEFAULT_WINDOWS = 32;
/** The agreement the check requires between the page's probabilities and predictions.csv. */
export const TOLERANCE = 1e-5;

export interface InferencePayload {
  run: { id: string; task: string };
  /** model.onnx, and its external-data file when the export moved the weights out (else null); relative to the run folder. */
  model: string;
  externalData: string | null;
  /** The model's input: one window per run, as exported (x [1, L, C], z-scored with the train split's mean/std). */
  input: { name: 'x'; shape: [1, number, number] };
  output: 'prob';
  /** The windows sent: [K, L, C], the last K of the test split in date order. */
  shape: [number, number, number];
  features: string[];
  /** Sample date (the window's last day), label and predictions.csv's probability of each window. */
  dates: string[];
  labels: number[];
  expected: number[];
  /** The windows' values, float32 little-endian, row-major [K, L, C], base64. */
  x: string;
  tolerance: number;
  /** data/'s content hash of the rebuilt splits: the one the run recorded (checked). */
  processedHash: string;
}

/** A run whose windows cannot be sent, one line with the reason; a route answers it as 4xx. */
export class InferenceError extends Error {
  override name = 'InferenceError';
}

export interface PayloadOptions {
  /** How many of the most recent test windows (default 32, at most the test split's size). */
  windows?: number;
  /** Folder that relative data paths (data.path, data.cache_dir) resolve against: the project folder of the run by default. */
  cwd?: string;
}

/**
 * The payload for run folder `runDir` (absolute): rebuilds the run's dataset with loadDataset from its
 * config.yaml (reading no cache and writing none: the page is read-only), checks that the splits hash to
 * what run.json recorded, takes the last K test windows and the predictions.csv rows of the same dates.
 * @throws InferenceError when the run has no model.onnx or predictions.csv (not a completed train run),
 *   its data no longer hashes the same, or predictions.csv does not line up with the rebuilt test split.
 */
export async function inferencePayload(runDir: string, opts: PayloadOptions = {}): Promise<InferencePayload> {
  const record = readRunRecord(runDir);
  for (const file of [INFER_FILES.model, INFER_FILES.predictions]) {
    if (!existsSync(join(runDir, file))) throw new InferenceError(`run ${record.id} has no ${file} (status ${record.status}, task ${record.task}): only a completed train run can be scored in the page`);
  }
  const spec = plainConfig(readConfig(runDir)) as unknown as RunDataConfig;
  const recorded = (record.info.data as { processed_hash?: string } | undefined)?.processed_hash;
  let data;
  let predicted;
  try {
    data = await loadRunDataset(spec, [opts.cwd ?? findProjectRoot(runDir)], recorded);
    predicted = testPredictions(readFileSync(join(runDir, INFER_FILES.predictions), 'utf8'));
  } catch (e) {
    if (e instanceof RunDataError) throw new InferenceError(`run ${record.id}: ${e.message}`);
    throw e;
  }

  const test = data.test;
  const k = Math.min(opts.windows ?? DEFAULT_WINDOWS, test.n);
  if (!(Number.isInteger(k) && k > 0)) throw new InferenceError(`run ${record.id}: ${test.n === 0 ? 'its test split is empty' : `windows=${opts.windows} must be a positive integer`}`);
  const first = test.n - k;
  const dates = test.dates.slice(first);
  if (predicted.length !== test.n) throw new InferenceError(`run ${record.id}: predictions.csv has ${predicted.length} test rows, the rebuilt test split ${test.n}`);
  const rows = predicted.slice(first);
  const off = rows.findIndex((r, i) => r.date !== dates[i]);
  if (off >= 0) throw new InferenceError(`run ${record.id}: predictions.csv's test row ${first + off} is ${rows[off].date}, the rebuilt window ${dates[off]}`);

  const windowSize = data.contextLength * data.channels;
  const x = test.x.subarray(first * windowSize, test.n * windowSize);
  return {
    run: { id: record.id, task: record.task },
    model: INFER_FILES.model,
    externalData: existsSync(join(runDir, INFER_FILES.externalData)) ? INFER_FILES.externalData : null,
    input: { name: 'x', shape: [1, data.contextLength, data.channels] },
    output: 'prob',
    shape: [k, data.contextLength, data.channels],
    features: data.featureNames,
    dates,
    labels: Array.from(test.y.subarray(first)),
    expected: rows.map((r) => r.prob),
    x: Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64'),
    tolerance: TOLERANCE,
    processedHash: data.manifest.processed.hash,
  };
}
