// Labels and next-day returns against days of the embedded S&P 500 data worked out by hand, and for every
// sample against the raw CSV rows: the label reads days t+1..t+h only, the backtest return is the one
// from day t's close to day t+1's, never one that has already happened.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset, type SplitName } from '../../data/index.js';
import { embeddedSp500Path } from '../../data/source/embedded.js';
import { loadConfig } from './helpers.js';

// Rows of vega-datasets' data/sp500-2000.csv: date → [high, close]
const ROWS: Record<string, [number, number]> = {
  '2008-09-11': [1249.97998, 1249.050049],
  '2008-09-12': [1255.089966, 1251.699951],
  '2008-09-15': [1250.920044, 1192.699951],
  '2008-09-16': [1214.839966, 1213.599976],
  '2008-09-17': [1210.339966, 1156.390015],
  '2008-09-18': [1211.140015, 1206.51001],
  '2008-09-19': [1265.119995, 1255.079956],
  '2020-03-12': [2660.949951, 2480.639893],
  '2020-03-13': [2711.330078, 2711.02002],
  '2020-03-16': [2562.97998, 2386.129883],
  '2020-04-14': [2851.850098, 2846.060059],
  '2020-04-15': [2801.879883, 2783.360107],
};
const close = (d: string) => ROWS[d][1];
const high = (d: string) => ROWS[d][0];

const SPLITS: SplitName[] = ['train', 'val', 'test'];
/** The split and index of a sample day. */
function sample(ds: Dataset, date: string): { split: SplitName; s: number } {
  for (const split of SPLITS) {
    const s = ds[split].dates.indexOf(date);
    if (s >= 0) return { split, s };
  }
  throw new Error(`${date} is no sample day`);
}
const label = (ds: Dataset, date: string) => {
  const { split, s } = sample(ds, date);
  return ds[split].y[s];
};
const nextReturn = (ds: Dataset, date: string) => {
  const { split, s } = sample(ds, date);
  return ds[split].nextReturns![s];
};

describe('known days of the embedded data', () => {
  let h3: Dataset;
  beforeAll(async () => {
    h3 = await loadDataset(loadConfig(), { noCache: true });
  });

  it('the rows this file quotes are the CSV rows', () => {
    const csv = new Map(readFileSync(embeddedSp500Path(), 'utf8').trim().split('\n').map((l) => [l.split(',')[0], l.split(',')]));
    for (const [date, [hi, cl]] of Object.entries(ROWS)) expect([Number(csv.get(date)![2]), Number(csv.get(date)![4])], date).toEqual([hi, cl]);
  });

  it("the next-day return is close[t+1]/close[t] - 1: the day after the decision, in every split", () => {
    // 2020-03-12 → 03-13: the index rose 9.3%; 03-13 → 03-16 it fell 12.0% (test split)
    expect(nextReturn(h3, '2020-03-12')).toBe(close('2020-03-13') / close('2020-03-12') - 1);
    expect(nextReturn(h3, '2020-03-12')).toBeCloseTo(0.09287, 5);
    expect(nextReturn(h3, '2020-03-13')).toBe(close('2020-03-16') / close('2020-03-13') - 1);
    expect(nextReturn(h3, '2020-03-13')).toBeCloseTo(-0.11984, 5);
    // the last test day trades into the day after it, which has no label of its own
    expect(h3.test.dates.at(-1)).toBe('2020-04-14');
    expect(nextReturn(h3, '2020-04-14')).toBe(close('2020-04-15') / close('2020-04-14') - 1);
    // 2008-09-12 → 09-15 (Lehman's bankruptcy): -4.7% (train split)
    expect(sample(h3, '2008-09-12').split).toBe('train');
    expect(nextReturn(h3, '2008-09-12')).toBe(close('2008-09-15') / close('2008-09-12') - 1);
    expect(nextReturn(h3, '2008-09-12')).toBeCloseTo(-0.04714, 5);
  });

  it('the label reads the highs of days t+1..t+h against close[t]*(1+threshold)', async () => {
    // 2008-09-12 closes at 1251.70; +1% is 1264.22. The next three highs (1250.92, 1214.84, 1210.34) stay
    // below it; the fifth day's high (1265.12) reaches it, +2% (1276.73) it does not.
    expect(Math.max(high('2008-09-15'), high('2008-09-16'), high('2008-09-17'))).toBeLessThan(close('2008-09-12') * 1.01);
    expect(high('2008-09-19')).toBeGreaterThanOrEqual(close('2008-09-12') * 1.01);
    expect(label(h3, '2008-09-12')).toBe(0);
    const h5 = await loadDataset(loadConfig({ days: 5 }), { noCache: true });
    expect(label(h5, '2008-09-12')).toBe(1);
    const h5at2 = await loadDataset(loadConfig({ days: 5, threshold: 0.02 }), { noCache: true });
    expect(label(h5at2, '2008-09-12')).toBe(0);
    // 2020-03-12 closes at 2480.64; the next day's high 2711.33 is +9.3%
    expect(label(h3, '2020-03-12')).toBe(1);
    // 2008-09-16 closes at 1213.60; 1225.74 (+1%) is reached on 09-19 (1265.12), three days later
    expect(label(h3, '2008-09-16')).toBe(1);
    // 2008-09-11 closes at 1249.05; 1261.54 is not reached by 09-12..09-16 (highs 1255.09, 1250.92, 1214.84)
    expect(label(h3, '2008-09-11')).toBe(0);
  });
});

describe('labels and returns of every sample against the raw rows', () => {
  it.each([
    { days: 3, threshold: 0.01 },
    { days: 1, threshold: 0.005 },
  ])('horizon $days, threshold $threshold', async ({ days, threshold }) => {
    const ds = await loadDataset(loadConfig({ days, threshold }), { noCache: true });
    const lines = readFileSync(embeddedSp500Path(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const row = new Map(lines.map((cells, i) => [cells[0], i]));
    const hi = lines.map((c) => Number(c[2]));
    const cl = lines.map((c) => Number(c[4]));
    const wrong: string[] = [];
    for (const split of SPLITS) {
      ds[split].dates.forEach((date, s) => {
        const i = row.get(date)!;
        const y = Math.max(...hi.slice(i + 1, i + 1 + days)) >= cl[i] * (1 + threshold) ? 1 : 0;
        if (ds[split].y[s] !== y) wrong.push(`${split} ${date}: label ${ds[split].y[s]}, expected ${y}`);
        const r = cl[i + 1] / cl[i] - 1;
        if (ds[split].nextReturns![s] !== r) wrong.push(`${split} ${date}: next return ${ds[split].nextReturns![s]}, expected ${r}`);
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(ds.train.n + ds.val.n + ds.test.n).toBeGreaterThan(4800);
  });
});
