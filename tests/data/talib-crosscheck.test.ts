import { readFileSync } from 'node:fs';
import * as talib from 'talib-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { adosc, adx, atr, dema, macdLine, obv, rsi, sma, stochRsi } from '../../data/indicators/talib.js';
import { readCsv } from '../../data/source/csv.js';
import { embeddedSp500Path } from '../../data/source/embedded.js';
import { validateTable } from '../../data/validate.js';

// Cross-check against TA-Lib itself: its C code compiled to WebAssembly (talib-web, a dev dependency).
// TA-Lib returns only the defined values, starting at its lookback; our kernels return NaN there, so the
// lookback must match too. Covered only by the reference loops in tests/data/indicators.test.ts: vwap_20 (no
// TA-Lib function) and bb_percent_b (talib-web's STDDEV/BBANDS wrappers return corrupted values past the
// first 19 outputs, so they cannot serve as a reference).
const columns = { date: 'date', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
const t = validateTable(readCsv(readFileSync(embeddedSp500Path(), 'utf8'), 'sp500', columns), 0).table;
const [high, low, close, volume] = [t.high, t.low, t.close, t.volume].map((a) => Array.from(a));

beforeAll(async () => {
  // The Emscripten loader fetch()es the .wasm when fetch exists (Node 20); without it, it reads the file.
  const fetch = globalThis.fetch;
  Reflect.deleteProperty(globalThis, 'fetch');
  try {
    await talib.init();
  } finally {
    globalThis.fetch = fetch;
  }
});

/** Compares our series with TA-Lib's output, which starts at the lookback (the wasm heap is copied first). */
function expectTaLib(ours: Float64Array, theirs: number[], lookback: number): void {
  const ta = Array.from(theirs).slice(0, ours.length - lookback);
  expect(Number.isNaN(ours[lookback - 1] ?? NaN)).toBe(true);
  let worst = 0;
  ta.forEach((v, i) => (worst = Math.max(worst, Math.abs(ours[lookback + i] - v) / Math.max(1, Math.abs(v)))));
  expect(worst).toBeLessThan(1e-9);
}

describe('indicators equal TA-Lib (C via WebAssembly) on the 5,105 embedded S&P 500 days', () => {
  it.each([9, 10, 20, 25, 90])('DEMA(%i)', (n) => expectTaLib(dema(t.close, n), talib.DEMA({ inReal: close, timePeriod: n }).output, 2 * (n - 1)));
  it.each([12, 50, 100, 200])('SMA(%i)', (n) => expectTaLib(sma(t.close, n), talib.SMA({ inReal: close, timePeriod: n }).output, n - 1));
  it('RSI(14)', () => expectTaLib(rsi(t.close, 14), talib.RSI({ inReal: close, timePeriod: 14 }).output, 14));
  it('STOCHRSI(14, 5, 3) %D', () => {
    const out = talib.STOCHRSI({ inReal: close, timePeriod: 14, fastK_Period: 5, fastD_Period: 3, fastD_MAType: 0 });
    expectTaLib(stochRsi(t.close, 14, 5, 3), out.fastD, 20);
  });
  it('MACD(12, 26, 9) line', () => expectTaLib(macdLine(t.close, 12, 26, 9), talib.MACD({ inReal: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 }).MACD, 33));
  it('OBV', () => {
    const ta = Array.from(talib.OBV({ inReal: close, volume }).output);
    expect(Array.from(obv(t.close, t.volume))).toEqual(ta);
  });
  it('ADOSC(3, 10)', () => expectTaLib(adosc(t.high, t.low, t.close, t.volume, 3, 10), talib.ADOSC({ high, low, close, volume, fastPeriod: 3, slowPeriod: 10 }).output, 9));
  it('ATR(14)', () => expectTaLib(atr(t.high, t.low, t.close, 14), talib.ATR({ high, low, close, timePeriod: 14 }).output, 14));
  it('ADX(14)', () => expectTaLib(adx(t.high, t.low, t.close, 14), talib.ADX({ high, low, close, timePeriod: 14 }).output, 27));
});
