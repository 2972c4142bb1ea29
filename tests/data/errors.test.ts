import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, loadDataset, type LoadConfig } from '../../data/index.js';
import { CONTIGUOUS, csvConfig, loadConfig, tempDir } from './helpers.js';
import { syntheticOhlcv, toCsv } from './series.js';

const good = toCsv(syntheticOhlcv(420));
const lines = good.trimEnd().split('\n');
/** The CSV with line `lineNo` (1-based, header = line 1) replaced. */
const withLine = (lineNo: number, text: string): string => [...lines.slice(0, lineNo - 1), text, ...lines.slice(lineNo)].join('\n');
const cells = (lineNo: number): string[] => lines[lineNo - 1].split(',');

async function failure(cfg: LoadConfig): Promise<string> {
  const err = await loadDataset(cfg).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  const message = (err as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('bad input files are rejected with file, line and fix', () => {
  it('missing column', async () => {
    const cfg = csvConfig(good, { data: { columns: { date: 'date', open: 'open', high: 'high', low: 'low', close: 'Close', volume: 'volume' } } });
    const msg = await failure(cfg);
    expect(msg).toContain(String(cfg.data.path));
    expect(msg).toMatch(/column 'Close' \(data\.columns\.close\) not found.*date, open, high, low, close, volume.*Fix: .*data\.columns\.close=/);
  });

  it('unparseable date', async () => {
    const msg = await failure(csvConfig(withLine(5, ['2021-13-45', ...cells(5).slice(1)].join(','))));
    expect(msg).toMatch(/prices\.csv line 5: cannot parse date "2021-13-45".*Fix: use ISO dates YYYY-MM-DD/);
  });

  it('duplicate date', async () => {
    const msg = await failure(csvConfig(withLine(6, [cells(5)[0], ...cells(6).slice(1)].join(','))));
    expect(msg).toMatch(/line 6: duplicate date .* \(also at line 5\)\. Fix: keep one row per day/);
  });

  it('unsorted dates', async () => {
    const msg = await failure(csvConfig(withLine(6, [cells(4)[0], ...cells(6).slice(1)].join(','))));
    expect(msg).toMatch(/line 6: date .* comes after .*must be sorted oldest first\. Fix: sort the file by date/);
  });

  it('non-positive price and negative volume', async () => {
    const c = cells(7);
    expect(await failure(csvConfig(withLine(7, [...c.slice(0, 4), '0', c[5]].join(','))))).toMatch(/line 7: non-positive close price 0 .*Fix:/);
    expect(await failure(csvConfig(withLine(7, [...c.slice(0, 5), '-5'].join(','))))).toMatch(/line 7: negative volume -5/);
  });

  it('high < low', async () => {
    const c = cells(8);
    const msg = await failure(csvConfig(withLine(8, [c[0], c[1], c[3], c[2], c[4], c[5]].join(','))));
    expect(msg).toMatch(/line 8: high .* < low .*Fix: correct the row/);
  });

  it('a non-numeric cell', async () => {
    const c = cells(9);
    expect(await failure(csvConfig(withLine(9, [c[0], 'abc', ...c.slice(2)].join(','))))).toMatch(/line 9, column open: "abc" is not a number/);
  });

  it('NaN gaps: filled forward within nan_tolerance, an error beyond it', async () => {
    const blank = (lineNo: number): string => `${cells(lineNo)[0]},,,,,`;
    const gapped = [...lines.slice(0, 300), blank(301), blank(302), ...lines.slice(302)].join('\n');
    const msg = await failure(csvConfig(gapped, { data: { nan_tolerance: 1 } }));
    expect(msg).toMatch(/2 consecutive rows with missing values \(lines 301\.\.302.*exceed data\.nan_tolerance=1\. Fix: .*at least 2/);
    // the whole gap is reported at once, not just the part up to the first row past the tolerance
    const strict = await failure(csvConfig(gapped, { data: { nan_tolerance: 0 } }));
    expect(strict).toMatch(/2 consecutive rows with missing values \(lines 301\.\.302.*exceed data\.nan_tolerance=0\. Fix: .*at least 2/);
    const ds = await loadDataset(csvConfig(gapped, { data: { nan_tolerance: 2 } }));
    expect(ds.manifest.dropped.filled).toBe(2);
    expect(ds.manifest.raw.rows).toBe(420);
    expect(await failure(csvConfig(withLine(2, `${cells(2)[0]},,1,1,1,1`), { data: { nan_tolerance: 5 } }))).toMatch(/line 2: missing open on the first row/);
  });

  it('malformed CSV and empty file', async () => {
    expect(await failure(csvConfig(withLine(10, `${lines[9]},extra`)))).toMatch(/malformed CSV.*line 10/);
    expect(await failure(csvConfig(''))).toMatch(/the file is empty/);
    expect(await failure(csvConfig(`${lines[0]}\n`))).toMatch(/no data rows/);
  });

  it('missing path, missing file, bad Parquet', async () => {
    expect(await failure(loadConfig({ data: { source: 'csv', path: '???' } }))).toMatch(/data=csv needs a file: data\.path is not set\. Fix: add data\.path=<file>/);
    expect(await failure(loadConfig({ data: { source: 'csv', path: 'nope/spy.csv' } }))).toMatch(/data\.path=nope\/spy\.csv: file not found/);
    const dir = tempDir();
    writeFileSync(join(dir, 'x.parquet'), good);
    expect(await failure(loadConfig({ data: { source: 'parquet', path: join(dir, 'x.parquet') } }))).toMatch(/cannot read as Parquet.*Fix:/);
    const fixture = join(import.meta.dirname, '../fixtures/data/spy-like.parquet');
    expect(await failure(loadConfig({ data: { source: 'parquet', path: fixture } }))).toMatch(/column 'date' \(data\.columns\.date\) not found; the file has: Date, Open/);
  });

  it('too little data names the numbers', async () => {
    const short = toCsv(syntheticOhlcv(250));
    expect(await failure(csvConfig(short))).toMatch(/too little data: 51 rows after warm-up \(250 rows read, 199 warm-up rows dropped\), context_length=60, horizon=3 .*need at least 63 rows after warm-up/);
    const medium = toCsv(syntheticOhlcv(400));
    expect(await failure(csvConfig(medium, { split: { name: 'scattered', val_fraction: 0.15, test_fraction: 0.15, seed: 1, embargo: 0 } }))).toMatch(/split=scattered: too little data: .* give 2 chunks of 63 days/);
  });

  it('bad split settings', async () => {
    expect(await failure(loadConfig({ split: { name: 'dates', train_end: '2018', val_end: '2019-01-01', embargo: 0 } }))).toMatch(/split\.train_end="2018" is not a date\. Fix: set split\.train_end=YYYY-MM-DD/);
    expect(await failure(loadConfig({ split: { name: 'dates', train_end: '2019-01-01', val_end: '2018-01-01', embargo: 0 } }))).toMatch(/train_end 2019-01-01 must be before val_end 2018-01-01/);
    expect(await failure(loadConfig({ split: { ...CONTIGUOUS, val_fraction: 0.6, test_fraction: 0.5 } }))).toMatch(/must be > 0 with a sum below 1/);
    expect(await failure(loadConfig({ split: { ...CONTIGUOUS, embargo: -1 } }))).toMatch(/split\.embargo=-1 must be a non-negative integer/);
    expect(await failure(loadConfig({ split: { name: 'dates', train_end: '2030-01-01', val_end: '2031-01-01', embargo: 0 } }))).toMatch(/leave 0 val samples/);
  });

  it('a rejected file leaves nothing in the cache', async () => {
    const cfg = csvConfig(withLine(5, ['2021-13-45', ...cells(5).slice(1)].join(',')));
    await failure(cfg);
    expect(existsSync(cfg.data.cache_dir)).toBe(false);
  });
});

describe('unreadable inputs and unwritable caches', () => {
  it('a directory as data.path, and a cache folder that cannot be created', async () => {
    const dir = tempDir();
    expect(await failure(loadConfig({ data: { source: 'csv', path: dir } }))).toMatch(/cannot read the file: .*Fix: point data\.path at a readable file/);
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    expect(await failure(loadConfig({ data: { cache_dir: join(blocker, 'cache') } }))).toMatch(/cannot write the data cache at .*Fix: set data\.cache_dir \(or LADDER_CACHE\) to a writable folder/);
  });
});
