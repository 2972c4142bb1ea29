import { DataError } from './errors.js';
import { mixSeed, permutation } from './random.js';
import type { SplitConfig, SplitName } from './types.js';

export const TRAIN = 0;
export const VAL = 1;
export const TEST = 2;
export const SPLIT_NAMES: SplitName[] = ['train', 'val', 'test'];

export interface SplitPlan {
  /** Segment of every day: TRAIN, VAL or TEST. */
  segment: Uint8Array;
  /** Sample days t (indices into the processed rows) per split, ascending. */
  samples: Record<SplitName, Int32Array>;
  purgedTrain: number;
  purgedVal: number;
}

export interface SplitInput {
  dates: string[];
  contextLength: number;
  horizon: number;
  split: SplitConfig;
  seed: number;
  /** Extra facts for error messages, e.g. how many warm-up rows were dropped. */
  note?: string;
}

/**
 * Assigns days to train/val/test and picks the sample days of each split. A sample at day t reads days
 * [t-L+1 .. t] and its label reads [t+1 .. t+h]. Train samples are purged when that whole range, widened by
 * `embargo` days on both sides, touches any val or test day; val samples are dropped when their label
 * range reaches a test day. Val/test windows may look back into earlier days (inputs only, no leak).
 */
export function planSplits({ dates, contextLength: L, horizon: h, split, seed, note }: SplitInput): SplitPlan {
  const n = dates.length;
  const first = L - 1;
  const last = n - 1 - h;
  const eligible = last - first + 1;
  const describe = `${n} rows after warm-up${note ? ` (${note})` : ''}, context_length=${L}, horizon=${h}`;
  if (eligible <= 0) throw new DataError(`split=${split.name}: too little data: ${describe} leave no sample with a full window and a label; need at least ${L + h} rows after warm-up. Fix: use a longer data file or a smaller context_length/horizon`);

  const segment = assignSegments(split, dates, first, last, L + h, seed, describe);
  const embargo = split.embargo ?? 0;
  if (!Number.isInteger(embargo) || embargo < 0) throw new DataError(`split.embargo=${embargo} must be a non-negative integer (days)`);
  const notTrain = prefixCount(segment, (s) => s !== TRAIN);
  const isTest = prefixCount(segment, (s) => s === TEST);
  const count = (prefix: Int32Array, lo: number, hi: number): number => prefix[Math.min(hi, n - 1) + 1] - prefix[Math.max(lo, 0)];

  const picked: Record<SplitName, number[]> = { train: [], val: [], test: [] };
  let purgedTrain = 0;
  let purgedVal = 0;
  for (let t = first; t <= last; t++) {
    if (segment[t] === TRAIN) {
      if (count(notTrain, t - L + 1 - embargo, t + h + embargo) === 0) picked.train.push(t);
      else purgedTrain++;
    } else if (segment[t] === VAL) {
      if (count(isTest, t + 1, t + h) === 0) picked.val.push(t);
      else purgedVal++;
    } else picked.test.push(t);
  }
  for (const name of SPLIT_NAMES) {
    if (picked[name].length === 0) {
      throw new DataError(
        `split=${split.name}: too little data: ${describe}, embargo=${embargo} leave 0 ${name} samples ` +
          `(train ${picked.train.length}, val ${picked.val.length}, test ${picked.test.length}, purged ${purgedTrain + purgedVal}). ` +
          `Fix: use a longer data file, a smaller context_length/horizon/embargo, or other split fractions/dates`,
      );
    }
  }
  return {
    segment,
    samples: { train: Int32Array.from(picked.train), val: Int32Array.from(picked.val), test: Int32Array.from(picked.test) },
    purgedTrain,
    purgedVal,
  };
}

/**
 * The split settings alone, before any data is read: the mode is known, fractions are > 0 with a sum
 * below 1, dates are YYYY-MM-DD with train_end before val_end, embargo is a non-negative integer.
 * Throws DataError naming the field, the values and the fix (planSplits runs the same checks).
 */
export function checkSplitConfig(split: SplitConfig): void {
  if (split.name === 'contiguous' || split.name === 'scattered') fractions(split);
  else if (split.name === 'dates') datesInOrder(split);
  else throw new DataError(`split.name=${String((split as { name: unknown }).name)} is not a split mode. Fix: use split=contiguous, split=dates or split=scattered`);
  const embargo = split.embargo ?? 0;
  if (!Number.isInteger(embargo) || embargo < 0) throw new DataError(`split.embargo=${embargo} must be a non-negative integer (days)`);
}

function datesInOrder(split: SplitConfig): [string, string] {
  const trainEnd = isoDate(split.train_end, 'train_end');
  const valEnd = isoDate(split.val_end, 'val_end');
  if (!(trainEnd < valEnd)) throw new DataError(`split=dates: train_end ${trainEnd} must be before val_end ${valEnd}. Fix: set split.train_end < split.val_end`);
  return [trainEnd, valEnd];
}

function assignSegments(split: SplitConfig, dates: string[], first: number, last: number, chunk: number, seed: number, describe: string): Uint8Array {
  const n = dates.length;
  const segment = new Uint8Array(n);
  const eligible = last - first + 1;
  if (split.name === 'contiguous') {
    const [valF, testF] = fractions(split);
    const nTest = Math.round(eligible * testF);
    const nVal = Math.round(eligible * valF);
    segment.fill(TEST, last - nTest + 1);
    segment.fill(VAL, last - nTest - nVal + 1, last - nTest + 1);
  } else if (split.name === 'dates') {
    const [trainEnd, valEnd] = datesInOrder(split);
    dates.forEach((d, i) => (segment[i] = d <= trainEnd ? TRAIN : d <= valEnd ? VAL : TEST));
  } else if (split.name === 'scattered') {
    const [valF, testF] = fractions(split);
    const nChunks = Math.floor(eligible / chunk);
    const nVal = Math.round(nChunks * valF);
    const nTest = Math.round(nChunks * testF);
    if (nVal < 1 || nTest < 1 || nVal + nTest >= nChunks) {
      throw new DataError(`split=scattered: too little data: ${describe} give ${nChunks} chunks of ${chunk} days; val_fraction=${valF} and test_fraction=${testF} need at least one val, one test and one train chunk. Fix: use a longer data file or other fractions`);
    }
    const order = permutation(nChunks, mixSeed(split.seed ?? seed, 0x5ca7));
    for (let k = 0; k < nVal + nTest; k++) {
      const start = first + order[k] * chunk;
      segment.fill(k < nVal ? VAL : TEST, start, start + chunk);
    }
  } else {
    throw new DataError(`split.name=${String((split as { name: unknown }).name)} is not a split mode. Fix: use split=contiguous, split=dates or split=scattered`);
  }
  return segment;
}

function fractions(split: SplitConfig): [number, number] {
  const val = split.val_fraction ?? 0.15;
  const test = split.test_fraction ?? 0.15;
  if (!(val > 0 && test > 0 && val + test < 1)) {
    throw new DataError(`split=${split.name}: val_fraction=${val} and test_fraction=${test} must be > 0 with a sum below 1. Fix: e.g. split.val_fraction=0.15 split.test_fraction=0.15`);
  }
  return [val, test];
}

function isoDate(value: unknown, key: string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  throw new DataError(`split=dates: split.${key}=${JSON.stringify(value)} is not a date. Fix: set split.${key}=YYYY-MM-DD`);
}

function prefixCount(segment: Uint8Array, pred: (s: number) => boolean): Int32Array {
  const out = new Int32Array(segment.length + 1);
  segment.forEach((s, i) => (out[i + 1] = out[i] + (pred(s) ? 1 : 0)));
  return out;
}
