import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataConfig, LoadConfig, SplitConfig } from '../../data/index.js';

export const CONTIGUOUS: SplitConfig = { name: 'contiguous', val_fraction: 0.15, test_fraction: 0.15, embargo: 0 };
export const DATES: SplitConfig = { name: 'dates', train_end: '2016-12-31', val_end: '2018-12-31', embargo: 0 };
export const SCATTERED: SplitConfig = { name: 'scattered', val_fraction: 0.15, test_fraction: 0.15, seed: 0, embargo: 0 };

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ladder-data-'));
}

/** A LoadConfig shaped like the composed conf/ groups (data=sp500 split=contiguous horizon=h3 target=threshold_1pct). */
export function loadConfig(over: { data?: Partial<DataConfig>; split?: SplitConfig; days?: number; threshold?: number; contextLength?: number; seed?: number } = {}): LoadConfig {
  return {
    data: {
      source: 'embedded',
      path: null,
      columns: { date: 'date', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' },
      features: 'a25',
      nan_tolerance: 0,
      cache_dir: join(tempDir(), 'cache'),
      ...over.data,
    },
    split: over.split ?? CONTIGUOUS,
    horizon: { days: over.days ?? 3 },
    target: { threshold: over.threshold ?? 0.01 },
    contextLength: over.contextLength ?? 60,
    seed: over.seed ?? 0,
  };
}

/** Writes `text` as a CSV file in a fresh temp dir and returns a config that loads it. */
export function csvConfig(text: string, over: Parameters<typeof loadConfig>[0] = {}): LoadConfig {
  const dir = tempDir();
  const path = join(dir, 'prices.csv');
  writeFileSync(path, text);
  return loadConfig({ ...over, data: { source: 'csv', path, cache_dir: join(dir, 'cache'), ...over.data } });
}
