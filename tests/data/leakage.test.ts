import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeFeatures } from '../../data/features.js';
import { loadDataset, type Dataset } from '../../data/index.js';
import { readCsv } from '../../data/source/csv.js';
import { embeddedSp500Path } from '../../data/source/embedded.js';
import { SPLIT_NAMES, TRAIN, planSplits } from '../../data/splits.js';
import type { OhlcvTable, SplitConfig } from '../../data/types.js';
import { validateTable } from '../../data/validate.js';
import { CONTIGUOUS, DATES, SCATTERED, csvConfig, loadConfig } from './helpers.js';
import { syntheticOhlcv } from './series.js';

const L = 60;
const H = 3;
const embeddedText = readFileSync(embeddedSp500Path(), 'utf8');
const columns = { date: 'date', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' };
const embeddedTable = validateTable(readCsv(embeddedText, 'sp500', columns), 0).table;

describe('features are causal', () => {
  const base = syntheticOhlcv(420);
  const before = computeFeatures(base, 'a25');

  // t covers every weekday of one week, so a weekly bar that leaked its own unfinished week would show.
  it.each([250, 251, 252, 253, 254, 300])('changing every value after raw day %i changes no feature on or before it', (t) => {
    const changed: OhlcvTable = { ...base, open: base.open.slice(), high: base.high.slice(), low: base.low.slice(), close: base.close.slice(), volume: base.volume.slice() };
    for (let i = t + 1; i < base.dates.length; i++) {
      const f = 1 + 0.3 * Math.sin(i);
      for (const k of ['open', 'high', 'low', 'close'] as const) changed[k][i] = base[k][i] * f;
      changed.volume[i] = base.volume[i] * (2 + Math.cos(i));
    }
    const after = computeFeatures(changed, 'a25');
    expect(after.warmup).toBe(before.warmup);
    const c = before.names.length;
    const upTo = (t - before.warmup + 1) * c;
    expect(Array.from(after.values.subarray(0, upTo))).toEqual(Array.from(before.values.subarray(0, upTo)));
    // and the change is visible right after t, so the comparison above is not vacuous
    expect(Array.from(after.values.subarray(upTo, upTo + c))).not.toEqual(Array.from(before.values.subarray(upTo, upTo + c)));
  });
});

describe('splits never let training touch val/test days', () => {
  const processedDates = computeFeatures(embeddedTable, 'a25').dates;
  const modes: SplitConfig[] = [CONTIGUOUS, DATES, SCATTERED, { ...SCATTERED, seed: 7, embargo: 5 }, { ...CONTIGUOUS, embargo: 10 }];

  it.each(modes)('$name (embargo $embargo): no train window or label range (± embargo) contains a val/test day', (split) => {
    const plan = planSplits({ dates: processedDates, contextLength: L, horizon: H, split, seed: 0 });
    for (const t of plan.samples.train) {
      for (let d = Math.max(0, t - L + 1 - split.embargo); d <= Math.min(processedDates.length - 1, t + H + split.embargo); d++) {
        if (plan.segment[d] !== TRAIN) throw new Error(`train sample ${processedDates[t]} reaches ${processedDates[d]} (segment ${plan.segment[d]})`);
      }
    }
    for (const name of SPLIT_NAMES) expect(plan.samples[name].length).toBeGreaterThan(0);
    // the three splits are disjoint
    const all = SPLIT_NAMES.flatMap((name) => Array.from(plan.samples[name]));
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([CONTIGUOUS, DATES, SCATTERED])('$name: no loaded train window or label range includes a val/test sample day', async (split) => {
    const ds = await loadDataset(loadConfig({ split }), { noCache: true });
    const index = new Map(processedDates.map((d, i) => [d, i]));
    const held = new Set([...ds.val.dates, ...ds.test.dates].map((d) => index.get(d)!));
    const touching: string[] = [];
    for (const date of ds.train.dates) {
      const t = index.get(date)!;
      for (let d = t - L + 1; d <= t + H; d++) if (held.has(d)) touching.push(`${date} touches ${processedDates[d]}`);
    }
    expect(touching).toEqual([]);
    expect(ds.train.n).toBeGreaterThan(1000);
  });
});

describe('normalization is fitted on training rows only', () => {
  let ds: Dataset;
  beforeAll(async () => {
    ds = await loadDataset(loadConfig({ split: SCATTERED }), { noCache: true });
  });

  it('mean/std equal those of the rows inside training windows, computed independently', () => {
    const f = computeFeatures(embeddedTable, 'a25');
    const c = f.names.length;
    const index = new Map(f.dates.map((d, i) => [d, i]));
    const rows = new Set<number>();
    for (const date of ds.train.dates) for (let k = 0; k < L; k++) rows.add(index.get(date)! - k);
    for (let j = 0; j < c; j++) {
      const col = [...rows].map((i) => f.values[i * c + j]);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length);
      // sums in another order differ in the last bits: equal to 6 decimals or 12 significant digits (volume is ~1e9)
      expect(Math.abs(ds.normalization.mean[j] - m)).toBeLessThan(Math.max(5e-7, Math.abs(m) * 1e-12));
      expect(ds.normalization.std[j] / sd).toBeCloseTo(1, 9);
    }
    // windows really are z-scored with those stats: train features have mean ~0 over the fitted rows
    expect(Math.abs(ds.train.x.reduce((a, b) => a + b, 0) / ds.train.x.length)).toBeLessThan(0.2);
  });

  it('rewriting every price from the first val day on leaves train windows, labels and stats bit-identical', async () => {
    const orig = await loadDataset(csvConfig(embeddedText), { noCache: true });
    const firstHeld = orig.val.dates[0];
    const lines = embeddedText.trimEnd().split('\n');
    const edited = lines.map((line, i) => {
      const cells = line.split(',');
      if (i === 0 || cells[0] < firstHeld) return line;
      const scaled = cells.slice(1, 6).map((v) => String(Number(v) * 1.37));
      return [cells[0], ...scaled, String(Number(cells[6]) * 3)].join(',');
    });
    const changed = await loadDataset(csvConfig(`${edited.join('\n')}\n`), { noCache: true });
    expect(changed.normalization).toEqual(orig.normalization);
    expect(changed.train.dates).toEqual(orig.train.dates);
    expect(Buffer.from(changed.train.x.buffer).equals(Buffer.from(orig.train.x.buffer))).toBe(true);
    expect(Array.from(changed.train.y)).toEqual(Array.from(orig.train.y));
    expect(Buffer.from(changed.val.x.buffer).equals(Buffer.from(orig.val.x.buffer))).toBe(false);
  });
});
