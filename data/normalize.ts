import type { Normalization } from './types.js';

/**
 * Days that training windows read: the union of [t-L+1 .. t] over train sample days t. The z-score is
 * fitted on exactly these rows, so no val/test day (purged away from train windows) can inform it.
 */
export function trainRows(trainSamples: Int32Array, contextLength: number, rows: number): Uint8Array {
  const used = new Uint8Array(rows);
  for (const t of trainSamples) used.fill(1, t - contextLength + 1, t + 1);
  return used;
}

/** Per-feature mean and population std over the selected rows (std 1 for a constant feature). */
export function fitZScore(values: Float64Array, channels: number, selected: Uint8Array): Normalization {
  const mean = new Float64Array(channels);
  const sq = new Float64Array(channels);
  let count = 0;
  selected.forEach((use, i) => {
    if (!use) return;
    count++;
    for (let j = 0; j < channels; j++) mean[j] += values[i * channels + j];
  });
  for (let j = 0; j < channels; j++) mean[j] /= count;
  selected.forEach((use, i) => {
    if (!use) return;
    for (let j = 0; j < channels; j++) sq[j] += (values[i * channels + j] - mean[j]) ** 2;
  });
  const std = Array.from(sq, (s) => {
    const sd = Math.sqrt(s / count);
    return sd > 0 && Number.isFinite(sd) ? sd : 1;
  });
  return { mean: Array.from(mean), std };
}

/** Applies a fitted z-score to a [rows, channels] matrix (e.g. at inference, with the saved stats). */
export function applyZScore(values: Float64Array, { mean, std }: Normalization): Float32Array {
  const c = mean.length;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - mean[i % c]) / std[i % c];
  return out;
}

/** Windows [n, L, C] for sample days t: rows t-L+1..t of the normalized [rows, C] matrix, which are contiguous. */
export function materializeWindows(normalized: Float32Array, channels: number, samples: Int32Array, contextLength: number): Float32Array {
  const span = contextLength * channels;
  const x = new Float32Array(samples.length * span);
  samples.forEach((t, s) => x.set(normalized.subarray((t - contextLength + 1) * channels, (t + 1) * channels), s * span));
  return x;
}
