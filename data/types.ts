import type { DataConfig, HorizonConfig, SplitConfig, TargetConfig } from '../schemas/index.js';

/** The conf/data and conf/split shapes data/ receives, derived from schemas/ (data/ never reads YAML). */
export type { DataConfig, SplitConfig };
export type ColumnMapping = DataConfig['columns'];
export type FeatureTier = DataConfig['features'];

/** What loadDataset reads of the composed config: group option names are not among it. */
export interface LoadConfig {
  data: Omit<DataConfig, 'name'>;
  split: SplitConfig;
  horizon: Pick<HorizonConfig, 'days'>;
  target: Pick<TargetConfig, 'threshold'>;
  contextLength: number;
  seed: number;
}

export interface LoadOptions {
  /** Directory relative data paths resolve against (default: process.cwd()). */
  cwd?: string;
  /** Skip reading and writing the feature cache. */
  noCache?: boolean;
}

/** Daily OHLCV rows after validation, oldest first. */
export interface OhlcvTable {
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface SplitArrays {
  /** Windows [n, contextLength, channels], row-major, z-scored with train statistics. */
  x: Float32Array;
  /** Labels [n], 0 or 1. */
  y: Float32Array;
  /** Sample day t (ISO date) of each window. */
  dates: string[];
  /** Close-to-close return from sample day t to the next trading day: for backtests only, never a model input. */
  nextReturns?: Float64Array;
  n: number;
}

export type SplitName = 'train' | 'val' | 'test';

export interface DroppedRows {
  /** Leading rows whose indicators are still undefined (warm-up). */
  warmup: number;
  /** Missing rows forward-filled within nan_tolerance (kept, not dropped). */
  filled: number;
  /** Rows that cannot end a window: fewer than contextLength-1 days before them. */
  noFullWindow: number;
  /** Last `horizon` rows: no label yet, never used as samples. */
  unlabeled: number;
  /** Train-segment days purged because their window or label range touches a val/test day (incl. embargo). */
  purgedTrain: number;
  /** Val-segment days dropped because their label range reaches a test day. */
  purgedVal: number;
}

export interface Manifest {
  raw: { path: string; sha256: string; rows: number; firstDate: string; lastDate: string };
  processed: {
    /** sha256 of the split arrays (x, y, dates) and normalization stats: what the model sees. */
    hash: string;
    /** sha256 of every setting that produced them (raw hash, features, split, horizon, target, L, seed). */
    configHash: string;
    /** Key of the cached per-day feature table, and what this load did with it. */
    featureKey: string;
    /** 'hit', 'miss', 'off' (noCache), or 'rebuilt: <why the entry was rejected>'. */
    featureCache: string;
  };
  rows: { afterWarmup: number; samples: Record<SplitName, number> };
  dropped: DroppedRows;
  positiveRate: Record<SplitName, number>;
  dateRange: Record<SplitName, { first: string; last: string } | null>;
}

export interface Normalization {
  mean: number[];
  std: number[];
}

export interface Dataset {
  train: SplitArrays;
  val: SplitArrays;
  test: SplitArrays;
  featureNames: string[];
  contextLength: number;
  channels: number;
  normalization: Normalization;
  manifest: Manifest;
}
