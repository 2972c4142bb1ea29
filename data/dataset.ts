import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { featureCachePath, readFeatureCache, writeAtomic, writeFeatureCache, type CachedFeatures } from './cache.js';
import { DataError } from './errors.js';
import { computeFeatures } from './features.js';
import { bytesOf, canonicalJson, sha256 } from './hash.js';
import { applyZScore, fitZScore, materializeWindows, trainRows } from './normalize.js';
import { readCsv } from './source/csv.js';
import { EMBEDDED_FILE, embeddedSp500Path } from './source/embedded.js';
import { SPLIT_NAMES, checkSplitConfig, planSplits } from './splits.js';
import { thresholdLabels } from './targets.js';
import type { Dataset, LoadConfig, LoadOptions, Manifest, SplitArrays, SplitName } from './types.js';
import { validateTable } from './validate.js';

/** Bump when features, labels or splits change meaning: every hash and cache key changes with it. */
export const DATA_VERSION = 1;

/**
 * Loads a daily OHLCV source and returns model-ready splits: z-scored windows [n, L, C], labels and
 * sample dates, with the feature names, the train-only normalization and a manifest of hashes, drop
 * counts and positive rates. The per-day feature table is cached under data.cache_dir keyed by the raw
 * file's sha256 and the feature settings, so runs that differ only in split/horizon/target reuse it.
 */
export async function loadDataset(cfg: LoadConfig, opts: LoadOptions = {}): Promise<Dataset> {
  const { data, split } = cfg;
  const L = cfg.contextLength;
  const h = cfg.horizon.days;
  checkParams(cfg);
  const cwd = opts.cwd ?? process.cwd();
  const { absPath, label } = resolveSource(cfg, cwd);
  const bytes = readSource(absPath, label);
  const rawSha = sha256(bytes);
  const cacheDir = resolve(cwd, data.cache_dir);
  const { table, raw, featureKey, featureCache } = await loadFeatures(data, { bytes, rawSha, absPath, label, cacheDir, noCache: opts.noCache ?? false });

  const rows = table.dates.length;
  const channels = table.names.length;
  const plan = planSplits({ dates: table.dates, contextLength: L, horizon: h, split, seed: cfg.seed, note: `${raw.rows} rows read, ${table.warmup} warm-up rows dropped` });
  const labels = thresholdLabels(table.high, table.close, h, cfg.target.threshold);
  const normalization = fitZScore(table.values, channels, trainRows(plan.samples.train, L, rows));
  const normalized = applyZScore(table.values, normalization);
  const build = (name: SplitName): SplitArrays => {
    const samples = plan.samples[name];
    return {
      x: materializeWindows(normalized, channels, samples, L),
      y: Float32Array.from(samples, (t) => labels[t]),
      dates: Array.from(samples, (t) => table.dates[t]),
      nextReturns: Float64Array.from(samples, (t) => table.close[t + 1] / table.close[t] - 1),
      n: samples.length,
    };
  };
  const splits = { train: build('train'), val: build('val'), test: build('test') };

  const configHash = sha256(
    canonicalJson({
      v: DATA_VERSION,
      raw: rawSha,
      data: { source: data.source, columns: data.columns, features: data.features, nan_tolerance: data.nan_tolerance },
      split: { ...split, seed: split.name === 'scattered' ? (split.seed ?? cfg.seed) : undefined },
      horizon: h,
      threshold: cfg.target.threshold,
      contextLength: L,
    }),
  );
  const manifest: Manifest = {
    raw: { path: label, sha256: rawSha, rows: raw.rows, firstDate: raw.firstDate, lastDate: raw.lastDate },
    processed: { hash: contentHash(splits, table.names, normalization), configHash, featureKey, featureCache },
    rows: { afterWarmup: rows, samples: { train: splits.train.n, val: splits.val.n, test: splits.test.n } },
    dropped: { warmup: table.warmup, filled: raw.filled, noFullWindow: L - 1, unlabeled: h, purgedTrain: plan.purgedTrain, purgedVal: plan.purgedVal },
    positiveRate: { train: mean(splits.train.y), val: mean(splits.val.y), test: mean(splits.test.y) },
    dateRange: {
      train: range(splits.train.dates),
      val: range(splits.val.dates),
      test: range(splits.test.dates),
    },
  };
  if (!opts.noCache) {
    const record = { manifest, featureNames: table.names, contextLength: L, normalization };
    writeAtomic(join(cacheDir, 'datasets', `${configHash}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }
  return { ...splits, featureNames: table.names, contextLength: L, channels, normalization, manifest };
}

interface SourceFile {
  bytes: Buffer;
  rawSha: string;
  absPath: string;
  label: string;
  cacheDir: string;
  noCache: boolean;
}

/** The per-day feature table: from the cache when a valid entry exists, else parsed, validated, computed and cached. */
async function loadFeatures(data: LoadConfig['data'], src: SourceFile): Promise<CachedFeatures & { featureKey: string; featureCache: string }> {
  const featureKey = sha256(canonicalJson({ v: DATA_VERSION, raw: src.rawSha, source: data.source, columns: data.columns, features: data.features, nan: data.nan_tolerance }));
  const cacheFile = featureCachePath(src.cacheDir, featureKey);
  let featureCache = 'off';
  if (!src.noCache) {
    const hit = readFeatureCache(cacheFile, featureKey);
    if ('table' in hit) return { ...hit, featureKey, featureCache: 'hit' };
    featureCache = hit.reason === 'missing' ? 'miss' : `rebuilt: ${hit.reason}`;
  }
  // hyparquet is loaded only for parquet data: most runs read CSV, and every job pays for what it imports
  const columns = data.source === 'parquet' ? await (await import('./source/parquet.js')).readParquet(src.absPath, src.label, data.columns) : readCsv(src.bytes.toString('utf8'), src.label, data.columns);
  const { table, filled } = validateTable(columns, data.nan_tolerance);
  const n = table.dates.length;
  const computed: CachedFeatures = { table: computeFeatures(table, data.features), raw: { rows: n, filled, firstDate: table.dates[0], lastDate: table.dates[n - 1] } };
  if (!src.noCache) writeFeatureCache(cacheFile, featureKey, computed);
  return { ...computed, featureKey, featureCache };
}

/**
 * Everything loadDataset can refuse without reading the data: parameters, split settings, and that the
 * source file exists, is a file and is readable. Cheap (a stat and an access check), so a runner can call
 * it for every job before any starts. Throws DataError naming the field, the values and the fix.
 */
export function checkLoadConfig(cfg: LoadConfig, opts: Pick<LoadOptions, 'cwd'> = {}): void {
  checkParams(cfg);
  checkSplitConfig(cfg.split);
  resolveSource(cfg, opts.cwd ?? process.cwd());
}

function resolveSource(cfg: LoadConfig, cwd: string): { absPath: string; label: string } {
  const { data } = cfg;
  if (data.source === 'embedded') return { absPath: embeddedSp500Path(), label: `vega-datasets/${EMBEDDED_FILE}` };
  if (data.source !== 'csv' && data.source !== 'parquet') {
    throw new DataError(`data.source=${String(data.source)} is not supported. Fix: use data=sp500 (embedded), data=csv or data=parquet`);
  }
  if (typeof data.path !== 'string' || data.path === '' || data.path === '???') {
    throw new DataError(`data=${data.source} needs a file: data.path is not set. Fix: add data.path=<file>, e.g. npx run data=${data.source} data.path=spy.${data.source}`);
  }
  const absPath = isAbsolute(data.path) ? data.path : resolve(cwd, data.path);
  const stat = statSync(absPath, { throwIfNoEntry: false });
  if (!stat) throw new DataError(`data.path=${data.path}: file not found (looked at ${absPath}). Fix: check the path; relative paths resolve against ${cwd}`);
  if (!stat.isFile()) throw new DataError(`data.path=${data.path}: cannot read the file: ${absPath} is a folder or a device, not a ${data.source} file. Fix: point data.path at a readable file`);
  try {
    accessSync(absPath, constants.R_OK);
  } catch (err) {
    throw new DataError(`data.path=${data.path}: cannot read the file: ${(err as Error).message}. Fix: point data.path at a readable file (or make this one readable)`);
  }
  return { absPath, label: data.path };
}

function readSource(absPath: string, label: string): Buffer {
  try {
    return readFileSync(absPath);
  } catch (err) {
    throw new DataError(`${label}: cannot read the file: ${(err as Error).message}. Fix: point data.path at a readable file`);
  }
}

function checkParams(cfg: LoadConfig): void {
  const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  if (!positiveInt(cfg.contextLength)) throw new DataError(`context_length=${cfg.contextLength} must be a positive integer`);
  if (!positiveInt(cfg.horizon.days)) throw new DataError(`horizon.days=${cfg.horizon.days} must be a positive integer`);
  if (!(typeof cfg.target.threshold === 'number' && Number.isFinite(cfg.target.threshold))) throw new DataError(`target.threshold=${cfg.target.threshold} must be a number, e.g. 0.01 for +1%`);
  if (cfg.data.features !== 'a20' && cfg.data.features !== 'a25') throw new DataError(`data.features=${String(cfg.data.features)} is not a feature tier. Fix: data.features=a20 or data.features=a25`);
  if (!(Number.isInteger(cfg.data.nan_tolerance) && cfg.data.nan_tolerance >= 0)) throw new DataError(`data.nan_tolerance=${cfg.data.nan_tolerance} must be a non-negative integer (consecutive missing rows)`);
}

function contentHash(splits: Record<SplitName, SplitArrays>, names: string[], norm: Dataset['normalization']): string {
  const parts: (Uint8Array | string)[] = [canonicalJson({ names, norm })];
  for (const name of SPLIT_NAMES) parts.push(name, bytesOf(splits[name].x), bytesOf(splits[name].y), splits[name].dates.join(','));
  return sha256(...parts);
}

function mean(y: Float32Array): number {
  let s = 0;
  for (const v of y) s += v;
  return y.length ? s / y.length : 0;
}

function range(dates: string[]): { first: string; last: string } | null {
  return dates.length ? { first: dates[0], last: dates[dates.length - 1] } : null;
}
