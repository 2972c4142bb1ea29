import { beforeAll, describe, expect, it } from 'vitest';
import { A20, describeDataset, loadDataset, type Dataset } from '../../data/index.js';
import { CONTIGUOUS, DATES, SCATTERED, loadConfig } from './helpers.js';

// Facts of vega-datasets' data/sp500-2000.csv (S&P 500 index daily OHLCV).
const ROWS = 5105;
const WARMUP = 199; // sma_200 is the last indicator to become defined
const ELIGIBLE = ROWS - WARMUP - 59 - 3; // sample days with a full 60-day window and an h=3 label

describe('embedded S&P 500 data', () => {
  const loaded: Record<string, Dataset> = {};
  beforeAll(async () => {
    const cache_dir = loadConfig().data.cache_dir;
    for (const split of [CONTIGUOUS, DATES, SCATTERED]) loaded[split.name] = await loadDataset(loadConfig({ split, data: { cache_dir } }));
  });

  it(`loads ${ROWS} rows from 2000-01-03 to 2020-04-17 with the a25 features`, () => {
    const { manifest, featureNames, channels } = loaded.contiguous;
    expect(manifest.raw).toMatchObject({ path: 'vega-datasets/data/sp500-2000.csv', rows: ROWS, firstDate: '2000-01-03', lastDate: '2020-04-17' });
    expect(manifest.raw.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(featureNames).toEqual(['open', 'high', 'low', 'close', 'volume', ...A20.map(([n]) => n)]);
    expect(channels).toBe(25);
    expect(manifest.dropped).toMatchObject({ warmup: WARMUP, filled: 0, noFullWindow: 59, unlabeled: 3 });
    expect(manifest.rows.afterWarmup).toBe(ROWS - WARMUP);
  });

  it('contiguous: oldest train, then 15% val, then the most recent 15% test, 3 days purged at each boundary', () => {
    const ds = loaded.contiguous;
    expect([ds.train.n, ds.val.n, ds.test.n]).toEqual([3387, 724, 727]);
    expect(ds.test.n).toBe(Math.round(ELIGIBLE * 0.15));
    expect(ds.train.n + ds.val.n + ds.test.n + ds.manifest.dropped.purgedTrain + ds.manifest.dropped.purgedVal).toBe(ELIGIBLE);
    expect(ds.train.dates.at(-1)! < ds.val.dates[0] && ds.val.dates.at(-1)! < ds.test.dates[0]).toBe(true);
    expect(ds.test.dates.at(-1)).toBe('2020-04-14'); // the last 3 days have no label
  });

  it('dates: boundaries at 2016-12-31 and 2018-12-31', () => {
    const ds = loaded.dates;
    expect([ds.train.n, ds.val.n, ds.test.n]).toEqual([4016, 499, 323]);
    expect(ds.train.dates.at(-1)! <= '2016-12-31').toBe(true);
    expect(ds.val.dates[0] >= '2017-01-01' && ds.val.dates.at(-1)! <= '2018-12-31').toBe(true);
    expect(ds.test.dates[0] >= '2019-01-01').toBe(true);
  });

  it('scattered: 11 val and 11 test chunks of 63 days, train purged around them', () => {
    const ds = loaded.scattered;
    expect([ds.train.n, ds.val.n, ds.test.n]).toEqual([2466, 687, 693]);
    expect(ds.val.n + ds.manifest.dropped.purgedVal).toBe(11 * 63); // val days whose label reaches a test chunk are dropped
    expect(ds.test.n).toBe(11 * 63);
    expect(ds.train.n + ds.val.n + ds.test.n + ds.manifest.dropped.purgedTrain + ds.manifest.dropped.purgedVal).toBe(ELIGIBLE);
    expect(ds.val.dates[0] < ds.train.dates.at(-1)!).toBe(true); // interleaved in time
  });

  it('reports the positive rate per split (label balance), matching the labels', () => {
    for (const ds of Object.values(loaded)) {
      for (const name of ['train', 'val', 'test'] as const) {
        const rate = ds[name].y.reduce((a, b) => a + b, 0) / ds[name].n;
        expect(ds.manifest.positiveRate[name]).toBeCloseTo(rate, 12);
        expect(rate).toBeGreaterThan(0.2);
        expect(rate).toBeLessThan(0.6);
      }
    }
  });

  it('windows have shape [n, 60, 25] and contain no NaN', () => {
    const { train, contextLength, channels } = loaded.contiguous;
    expect(train.x.length).toBe(train.n * contextLength * channels);
    expect(train.x.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('a20 drops OHLCV and keeps the 20 indicators', async () => {
    const ds = await loadDataset(loadConfig({ data: { features: 'a20' } }), { noCache: true });
    expect(ds.channels).toBe(20);
    expect(ds.featureNames).toEqual(A20.map(([n]) => n));
  });
});

describe('describeDataset', () => {
  it('names every drop reason with its count, the split sizes and the class balance', async () => {
    const ds = await loadDataset(loadConfig(), { noCache: true });
    const text = describeDataset(ds).join('\n');
    expect(text).toContain('vega-datasets/data/sp500-2000.csv: 5105 rows 2000-01-03..2020-04-17');
    expect(text).toContain('199 warm-up rows dropped at the start');
    expect(text).toContain(`train 3387 (2001-01-10..2014-06-30, ${(100 * ds.manifest.positiveRate.train).toFixed(1)}% positive)`);
    expect(text).toMatch(/59 rows before the first full 60-day window, 3 last rows without a label, 3 train days purged/);
    expect(text).toContain('feature cache off');
  });
});
