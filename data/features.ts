import { adosc, adx, atr, bollingerPercentB, dema, macdLine, obv, rollingVwap, rsi, sma, stochRsi } from './indicators/talib.js';
import { weeklyShifted } from './indicators/weekly.js';
import type { FeatureTier, OhlcvTable } from './types.js';

type Indicator = (t: OhlcvTable) => Float64Array;

/** The study's 20 indicators (a20), in column order. All causal: the value at day t uses days <= t. */
export const A20: ReadonlyArray<readonly [string, Indicator]> = [
  ['dema_9', (t) => dema(t.close, 9)],
  ['dema_10', (t) => dema(t.close, 10)],
  ['sma_12', (t) => sma(t.close, 12)],
  ['dema_20', (t) => dema(t.close, 20)],
  ['dema_25', (t) => dema(t.close, 25)],
  ['sma_50', (t) => sma(t.close, 50)],
  ['dema_90', (t) => dema(t.close, 90)],
  ['sma_100', (t) => sma(t.close, 100)],
  ['sma_200', (t) => sma(t.close, 200)],
  ['rsi_daily', (t) => rsi(t.close, 14)],
  ['rsi_weekly', (t) => weeklyShifted(t.dates, t.close, (w) => rsi(w, 14))],
  ['stochrsi_daily', (t) => stochRsi(t.close, 14, 5, 3)],
  ['stochrsi_weekly', (t) => weeklyShifted(t.dates, t.close, (w) => stochRsi(w, 14, 5, 3))],
  ['macd_line', (t) => macdLine(t.close, 12, 26, 9)],
  ['obv', (t) => obv(t.close, t.volume)],
  ['adosc', (t) => adosc(t.high, t.low, t.close, t.volume, 3, 10)],
  ['atr_14', (t) => atr(t.high, t.low, t.close, 14)],
  ['adx_14', (t) => adx(t.high, t.low, t.close, 14)],
  ['bb_percent_b', (t) => bollingerPercentB(t.close, 20, 2)],
  ['vwap_20', (t) => rollingVwap(t.high, t.low, t.close, t.volume, 20)],
];

const OHLCV: ReadonlyArray<readonly [string, Indicator]> = (['open', 'high', 'low', 'close', 'volume'] as const).map(
  (f) => [f, (t: OhlcvTable) => Float64Array.from(t[f])] as const,
);

export function featureColumns(tier: FeatureTier): ReadonlyArray<readonly [string, Indicator]> {
  return tier === 'a25' ? [...OHLCV, ...A20] : A20;
}

/** Per-day features after the warm-up rows are dropped; `high`/`close` stay for the labels. */
export interface FeatureTable {
  dates: string[];
  names: string[];
  /** [rows, names.length] row-major, unnormalized. */
  values: Float64Array;
  high: Float64Array;
  close: Float64Array;
  /** Leading rows dropped because some indicator was still undefined. */
  warmup: number;
}

/** Computes a tier's features and drops the leading warm-up rows (and only those). */
export function computeFeatures(table: OhlcvTable, tier: FeatureTier): FeatureTable {
  const columns = featureColumns(tier).map(([name, f]) => [name, f(table)] as const);
  const n = table.dates.length;
  let warmup = 0;
  for (const [, col] of columns) {
    let i = 0;
    while (i < n && !Number.isFinite(col[i])) i++;
    warmup = Math.max(warmup, i);
  }
  for (const [name, col] of columns) {
    for (let i = warmup; i < n; i++) {
      if (!Number.isFinite(col[i])) throw new Error(`feature ${name} is undefined at ${table.dates[i]} after the warm-up: a bug in data/features`);
    }
  }
  const rows = n - warmup;
  const c = columns.length;
  const values = new Float64Array(Math.max(rows, 0) * c);
  columns.forEach(([, col], j) => {
    for (let i = 0; i < rows; i++) values[i * c + j] = col[warmup + i];
  });
  return {
    dates: table.dates.slice(warmup),
    names: columns.map(([name]) => name),
    values,
    high: table.high.slice(warmup),
    close: table.close.slice(warmup),
    warmup: Math.min(warmup, n),
  };
}
