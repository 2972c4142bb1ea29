// The values of the input windows, not only their shapes: sample t's x is exactly the z-scored feature
// rows t-L+1..t, its last row is day t itself, and no price after day t can change it.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeFeatures, type FeatureTable } from '../../data/features.js';
import { loadDataset, type Dataset, type SplitName } from '../../data/index.js';
import { materializeWindows } from '../../data/normalize.js';
import { readCsv } from '../../data/source/csv.js';
import { embeddedSp500Path } from '../../data/source/embedded.js';
import { validateTable } from '../../data/validate.js';
import { csvConfig, loadConfig } from './helpers.js';

const L = 60;
const embeddedText = readFileSync(embeddedSp500Path(), 'utf8');
const columns = { date: 'date', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };

describe('materializeWindows', () => {
  it('sample t holds rows t-L+1..t, oldest first, every channel', () => {
    // 10 rows × 3 channels; the value names its place: row*10 + channel
    const normalized = Float32Array.from({ length: 30 }, (_, i) => Math.floor(i / 3) * 10 + (i % 3));
    const x = materializeWindows(normalized, 3, Int32Array.from([3, 7, 9]), 4);
    const rows = (first: number) => [first, first + 1, first + 2, first + 3].flatMap((r) => [r * 10, r * 10 + 1, r * 10 + 2]);
    expect(Array.from(x)).toEqual([...rows(0), ...rows(4), ...rows(6)]);
  });
});

describe('loaded windows (CSV → features → train z-score → windows)', () => {
  let ds: Dataset;
  let features: FeatureTable;
  beforeAll(async () => {
    ds = await loadDataset(loadConfig(), { noCache: true });
    features = computeFeatures(validateTable(readCsv(embeddedText, 'sp500', columns), 0).table, 'a25');
  });

  it.each<SplitName>(['train', 'val', 'test'])('%s: every window equals the z-scored feature rows t-L+1..t, bit for bit', (name) => {
    const c = ds.channels;
    const { mean, std } = ds.normalization;
    const row = new Map(features.dates.map((d, i) => [d, i]));
    const split = ds[name];
    const mismatches: string[] = [];
    split.dates.forEach((date, s) => {
      const t = row.get(date)!;
      for (let k = 0; k < L && mismatches.length < 5; k++) {
        for (let j = 0; j < c; j++) {
          const want = Math.fround((features.values[(t - L + 1 + k) * c + j] - mean[j]) / std[j]);
          const got = split.x[(s * L + k) * c + j];
          if (got !== want) mismatches.push(`${date} row ${k} ${features.names[j]}: ${got} != ${want}`);
        }
      }
    });
    expect(mismatches).toEqual([]);
  });

  it("the last row of a window is its sample day's prices, read back from the CSV", () => {
    // 2020-03-12 (test) and 2008-09-12 (train) closes and volumes as vega-datasets' sp500-2000.csv has them
    const known = [
      { split: 'test', date: '2020-03-12', close: 2480.639893, volume: 8829380000, nextClose: 2711.02002 },
      { split: 'train', date: '2008-09-12', close: 1251.699951, volume: 6273260000, nextClose: 1192.699951 },
    ] as const;
    const c = ds.channels;
    const close = ds.featureNames.indexOf('close');
    const volume = ds.featureNames.indexOf('volume');
    const { mean, std } = ds.normalization;
    for (const k of known) {
      const split = ds[k.split];
      const s = split.dates.indexOf(k.date);
      expect(s, k.date).toBeGreaterThanOrEqual(0);
      const lastRow = (s * L + L - 1) * c;
      const back = (j: number) => split.x[lastRow + j] * std[j] + mean[j];
      // float32 keeps ~7 significant digits of the z-score: enough to tell day t from day t+1
      expect(Math.abs(back(close) - k.close), k.date).toBeLessThan(0.01);
      expect(Math.abs(back(close) - k.nextClose)).toBeGreaterThan(50);
      expect(Math.abs(back(volume) / k.volume - 1), k.date).toBeLessThan(1e-5);
    }
  });
});

describe('no price after day t reaches sample t', () => {
  let orig: Dataset;
  const lines = embeddedText.trimEnd().split('\n');
  const header = lines[0].split(',');
  beforeAll(async () => {
    orig = await loadDataset(csvConfig(embeddedText), { noCache: true });
  });

  /** The CSV with `edit(cells)` applied to the rows dated after `after` (only the first such row with `onlyNext`). */
  function edited(after: string, edit: (cells: string[]) => string[], onlyNext = false): string {
    let seen = false;
    const out = lines.map((line, i) => {
      const cells = line.split(',');
      if (i === 0 || cells[0] <= after || (onlyNext && seen)) return line;
      seen = true;
      return edit(cells).join(',');
    });
    return `${out.join('\n')}\n`;
  }
  const scale = (field: string, f: number) => (cells: string[]) => cells.map((v, k) => (header[k] === field ? String(Number(v) * f) : v));
  const window = (d: Dataset, name: SplitName, date: string) => {
    const s = d[name].dates.indexOf(date);
    const span = L * d.channels;
    return Buffer.from(d[name].x.slice(s * span, (s + 1) * span).buffer);
  };

  // the last val day and a test day: every later day lies outside the train rows, so the z-score stays put
  const cases = [
    { name: 'val' as const, pick: (d: Dataset) => d.val.dates.at(-1)! },
    { name: 'test' as const, pick: (d: Dataset) => d.test.dates[100] },
  ];

  it.each(cases)('$name: changing any one price or the volume of day t+1 leaves sample t bit-identical and changes sample t+1', async ({ name, pick }) => {
    const t = pick(orig);
    const next = orig[name === 'val' ? 'test' : name].dates.find((d) => d > t)!;
    // a small move: enough to change every indicator of day t+1, too small to break high >= open/close >= low
    for (const [field, f] of [['open', 1.001], ['high', 1.003], ['low', 0.997], ['close', 1.001], ['volume', 1.5]] as const) {
      const changed = await loadDataset(csvConfig(edited(t, scale(field, f), true)), { noCache: true });
      expect(changed.normalization, field).toEqual(orig.normalization);
      expect(window(changed, name, t).equals(window(orig, name, t)), `${field} of the day after ${t}`).toBe(true);
      const nextSplit = name === 'val' ? 'test' : name;
      expect(window(changed, nextSplit, next).equals(window(orig, nextSplit, next)), `${field} of ${next} reaches sample ${next}`).toBe(false);
    }
  });

  it.each(cases)('$name: rewriting every price after day t leaves sample t bit-identical', async ({ name, pick }) => {
    const t = pick(orig);
    const rewrite = (cells: string[]) => cells.map((v, k) => (k === 0 ? v : String(Number(v) * (header[k] === 'volume' ? 3 : 1.37))));
    const changed = await loadDataset(csvConfig(edited(t, rewrite)), { noCache: true });
    expect(changed.normalization).toEqual(orig.normalization);
    expect(window(changed, name, t).equals(window(orig, name, t))).toBe(true);
  });
});
