import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/index.js';
import { loadConfig, tempDir } from './helpers.js';
import { syntheticOhlcv } from './series.js';

const fixtures = join(import.meta.dirname, '../fixtures/data');
const columns = { date: 'Date', open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' };

describe('CSV and Parquet sources with a column mapping', () => {
  it('the same rows as CSV and as Parquet (TIMESTAMP dates) give the same processed dataset', async () => {
    const csv = await loadDataset(loadConfig({ data: { source: 'csv', path: 'spy-like.csv', columns } }), { cwd: fixtures, noCache: true });
    const pq = await loadDataset(loadConfig({ data: { source: 'parquet', path: 'spy-like.parquet', columns } }), { cwd: fixtures, noCache: true });
    expect(csv.manifest.raw).toMatchObject({ path: 'spy-like.csv', rows: 400, firstDate: '2019-01-02' });
    expect(pq.manifest.raw.rows).toBe(400);
    expect(pq.manifest.raw.sha256).not.toBe(csv.manifest.raw.sha256);
    expect(pq.manifest.processed.hash).toBe(csv.manifest.processed.hash);
    expect(pq.manifest.processed.configHash).not.toBe(csv.manifest.processed.configHash);
    expect(csv.train.n).toBeGreaterThan(0);
  });
});

describe('Parquet validation errors name the row', () => {
  it('high < low at row 8', async () => {
    const t = syntheticOhlcv(300);
    [t.high[7], t.low[7]] = [t.low[7], t.high[7]];
    const path = join(tempDir(), 'bad.parquet');
    const columnData = [
      { name: 'date', data: t.dates, type: 'STRING' as const },
      ...(['open', 'high', 'low', 'close', 'volume'] as const).map((k) => ({ name: k, data: t[k], type: 'DOUBLE' as const })),
    ];
    writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData })));
    const err = await loadDataset(loadConfig({ data: { source: 'parquet', path } })).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/bad\.parquet row 8: high .* < low .*Fix:/);
  });
});
