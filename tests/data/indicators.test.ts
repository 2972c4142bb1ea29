import { describe, expect, it } from 'vitest';
import { adosc, adx, atr, bollingerPercentB, dema, ema, macdLine, obv, rollingVwap, rsi, sma, stochRsi, trueRange } from '../../data/indicators/talib.js';
import { weekMonday, weeklyShifted } from '../../data/indicators/weekly.js';
import { syntheticOhlcv } from './series.js';

// References below are written independently of data/indicators: plain loops over the textbook/TA-Lib
// definitions, returning null where TA-Lib outputs nothing (its lookback).
type Ref = (number | null)[];
const t = syntheticOhlcv(120);
const { high, low, close, volume } = t;
const C = Array.from(close);

function expectMatches(actual: Float64Array, expected: Ref): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect(Number.isNaN(actual[i]), `index ${i} should be undefined`).toBe(true);
    else expect(Math.abs(actual[i] - e), `index ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  });
}

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

function refSma(x: Ref, n: number): Ref {
  return x.map((_, i) => {
    const w = x.slice(i - n + 1, i + 1);
    return i >= n - 1 && w.every((v) => v !== null) ? mean(w as number[]) : null;
  });
}

// EMA seeded with the SMA of the first n defined values; then e = k*x + (1-k)*e.
function refEma(x: Ref, n: number, seedAt?: number): Ref {
  const first = x.findIndex((v) => v !== null);
  const seed = seedAt ?? first + n - 1;
  const k = 2 / (n + 1);
  const out: Ref = x.map(() => null);
  out[seed] = mean(x.slice(seed - n + 1, seed + 1) as number[]);
  for (let i = seed + 1; i < x.length; i++) out[i] = k * (x[i] as number) + (1 - k) * (out[i - 1] as number);
  return out;
}

function refRsi(x: Ref, n: number): Ref {
  const first = x.findIndex((v) => v !== null);
  const out: Ref = x.map(() => null);
  const up: number[] = [];
  const dn: number[] = [];
  for (let i = first + 1; i < x.length; i++) {
    const d = (x[i] as number) - (x[i - 1] as number);
    up.push(Math.max(d, 0));
    dn.push(Math.max(-d, 0));
  }
  let g = mean(up.slice(0, n));
  let l = mean(dn.slice(0, n));
  out[first + n] = g + l === 0 ? 0 : (100 * g) / (g + l);
  for (let j = n; j < up.length; j++) {
    g = (g * (n - 1) + up[j]) / n;
    l = (l * (n - 1) + dn[j]) / n;
    out[first + j + 1] = g + l === 0 ? 0 : (100 * g) / (g + l);
  }
  return out;
}

function refTr(i: number): number {
  return Math.max(high[i] - low[i], Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1]));
}

describe('TA-Lib-defined indicators match hand references', () => {
  it('hand-computed literals: EMA(3), DEMA(2), RSI(2), ATR(2), OBV, true range', () => {
    expectMatches(ema([1, 2, 3, 4, 5], 3), [null, null, 2, 3, 4]);
    expectMatches(dema([1, 2, 3, 4], 2), [null, null, 3, 4]); // DEMA follows a straight line exactly
    expectMatches(rsi([1, 2, 1, 2, 3], 2), [null, null, 50, 75, 87.5]);
    const h = [10, 11, 12, 11];
    const l = [8, 9, 9, 10];
    const c = [9, 10, 11, 10];
    expectMatches(trueRange(h, l, c), [null, 2, 3, 1]);
    expectMatches(atr(h, l, c, 2), [null, null, 2.5, 1.75]);
    expectMatches(obv([10, 11, 11, 10], [100, 200, 300, 400]), [100, 300, 300, -100]);
    expectMatches(sma([2, 4, 6, 8], 3), [null, null, 4, 6]);
  });

  it.each([9, 12, 50])('SMA(%i)', (n) => expectMatches(sma(close, n), refSma(C, n)));

  it.each([9, 10, 20, 25])('DEMA(%i) = 2*EMA - EMA(EMA), both SMA-seeded', (n) => {
    const e1 = refEma(C, n);
    const e2 = refEma(e1, n);
    expectMatches(dema(close, n), e1.map((v, i) => (v === null || e2[i] === null ? null : 2 * v - (e2[i] as number))));
  });

  it.each([5, 14])('RSI(%i) with Wilder smoothing', (n) => expectMatches(rsi(close, n), refRsi(C, n)));

  it('StochRSI(14, 5, 3): SMA(3) of %K over a 5-day RSI range', () => {
    const r = refRsi(C, 14);
    const k: Ref = r.map((v, i) => {
      const w = r.slice(i - 4, i + 1);
      if (i < 4 || w.some((x) => x === null)) return null;
      const lo = Math.min(...(w as number[]));
      const hi = Math.max(...(w as number[]));
      return hi === lo ? 0 : (100 * ((v as number) - lo)) / (hi - lo);
    });
    expectMatches(stochRsi(close, 14, 5, 3), refSma(k, 3));
  });

  it('MACD line (12/26/9): fast EMA seeded at index 25 like TA-Lib, output from index 33', () => {
    const f = refEma(C, 12, 25);
    const s = refEma(C, 26, 25);
    expectMatches(macdLine(close, 12, 26, 9), C.map((_, i) => (i >= 33 ? (f[i] as number) - (s[i] as number) : null)));
  });

  it('OBV', () => {
    let acc = 0;
    const ref = C.map((c, i) => (acc += i === 0 ? volume[0] : Math.sign(c - C[i - 1]) * volume[i]));
    expectMatches(obv(close, volume), ref);
  });

  it('ADOSC(3,10): EMAs of the A/D line seeded with its first value, output from index 9', () => {
    const ad: number[] = [];
    C.forEach((c, i) => ad.push((i ? ad[i - 1] : 0) + (((c - low[i]) - (high[i] - c)) / (high[i] - low[i])) * volume[i]));
    const e = (n: number): number[] => ad.reduce<number[]>((out, v, i) => [...out, i === 0 ? v : out[i - 1] + (2 / (n + 1)) * (v - out[i - 1])], []);
    const f = e(3);
    const s = e(10);
    expectMatches(adosc(high, low, close, volume, 3, 10), C.map((_, i) => (i >= 9 ? f[i] - s[i] : null)));
  });

  it('ATR(14): mean of TR[1..14], then Wilder', () => {
    const ref: Ref = C.map(() => null);
    ref[14] = mean(Array.from({ length: 14 }, (_, j) => refTr(j + 1)));
    for (let i = 15; i < C.length; i++) ref[i] = ((ref[i - 1] as number) * 13 + refTr(i)) / 14;
    expectMatches(atr(high, low, close, 14), ref);
  });

  it('ADX(14): Wilder sums of DM/TR, DX averaged over days 14..27, then Wilder', () => {
    const n = 14;
    const pdm = [0];
    const mdm = [0];
    const tr = [0];
    for (let i = 1; i < C.length; i++) {
      const up = high[i] - high[i - 1];
      const down = low[i - 1] - low[i];
      pdm.push(up > down && up > 0 ? up : 0);
      mdm.push(down > up && down > 0 ? down : 0);
      tr.push(refTr(i));
    }
    const smooth = (v: number[]): number[] => {
      const out: number[] = [];
      out[n - 1] = v.slice(1, n).reduce((a, b) => a + b, 0);
      for (let i = n; i < v.length; i++) out[i] = out[i - 1] - out[i - 1] / n + v[i];
      return out;
    };
    const [sp, sm, st] = [smooth(pdm), smooth(mdm), smooth(tr)];
    const dx = (i: number): number => {
      const p = (100 * sp[i]) / st[i];
      const m = (100 * sm[i]) / st[i];
      return (100 * Math.abs(p - m)) / (p + m);
    };
    const ref: Ref = C.map(() => null);
    ref[2 * n - 1] = mean(Array.from({ length: n }, (_, j) => dx(n + j)));
    for (let i = 2 * n; i < C.length; i++) ref[i] = ((ref[i - 1] as number) * (n - 1) + dx(i)) / n;
    expectMatches(adx(high, low, close, n), ref);
  });

  it('Bollinger %B(20, 2σ) with population σ', () => {
    const ref = C.map((c, i) => {
      if (i < 19) return null;
      const w = C.slice(i - 19, i + 1);
      const m = mean(w);
      const sd = Math.sqrt(mean(w.map((v) => (v - m) ** 2)));
      return (c - (m - 2 * sd)) / (4 * sd);
    });
    expectMatches(bollingerPercentB(close, 20, 2), ref);
  });

  it('rolling VWAP(20) of the typical price', () => {
    const ref = C.map((_, i) => {
      if (i < 19) return null;
      let pv = 0;
      let v = 0;
      for (let j = i - 19; j <= i; j++) {
        pv += ((high[j] + low[j] + close[j]) / 3) * volume[j];
        v += volume[j];
      }
      return pv / v;
    });
    expectMatches(rollingVwap(high, low, close, volume, 20), ref);
  });

  it('weekly bars are Monday-anchored and each day sees only the previous completed week', () => {
    expect(weekMonday('2021-01-04')).toBe('2021-01-04'); // Monday
    expect(weekMonday('2021-01-08')).toBe('2021-01-04'); // Friday
    expect(weekMonday('2021-01-10')).toBe('2021-01-04'); // Sunday belongs to the week before
    const dates = ['2021-01-04', '2021-01-05', '2021-01-08', '2021-01-11', '2021-01-15', '2021-01-19'];
    const closes = [1, 2, 3, 10, 20, 30];
    // Identity "indicator" exposes which weekly close each day receives.
    const seen = weeklyShifted(dates, closes, (w) => w);
    expectMatches(seen, [null, null, null, 3, 3, 20]);
  });

  it('weekly RSI equals RSI(14) on last-close-of-week series, shifted one week', () => {
    const weekly: number[] = [];
    const weekOf: number[] = [];
    t.dates.forEach((d, i) => {
      const monday = weekMonday(d);
      if (i === 0 || monday !== weekMonday(t.dates[i - 1])) weekly.push(C[i]);
      else weekly[weekly.length - 1] = C[i];
      weekOf.push(weekly.length - 1);
    });
    const r = refRsi(weekly, 5);
    expectMatches(weeklyShifted(t.dates, close, (w) => rsi(w, 5)), weekOf.map((w) => (w > 0 ? r[w - 1] : null)));
  });
});
