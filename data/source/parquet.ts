import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../errors.js';
import type { ColumnMapping } from '../types.js';
import { OHLCV_FIELDS, missingColumnMessage, type RawColumns } from './raw.js';

/** Reads the mapped columns of a Parquet file (any codec hyparquet-compressors knows). */
export async function readParquet(absPath: string, file: string, columns: ColumnMapping): Promise<RawColumns> {
  let rows: Record<string, unknown>[];
  try {
    const buffer = await asyncBufferFromFile(absPath);
    const metadata = await parquetMetadataAsync(buffer);
    const found = parquetSchema(metadata).children.map((c) => c.element.name);
    for (const field of ['date', ...OHLCV_FIELDS] as const) {
      if (!found.includes(columns[field])) throw new DataError(missingColumnMessage(file, field, columns[field], found));
    }
    const wanted = [columns.date, ...OHLCV_FIELDS.map((f) => columns[f])];
    rows = await parquetReadObjects({ file: buffer, metadata, columns: wanted, compressors });
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${file}: cannot read as Parquet: ${(err as Error).message}. Fix: check that the file is a valid Parquet file`);
  }
  return {
    file,
    unit: 'row',
    positions: rows.map((_, i) => i + 1),
    date: rows.map((r) => r[columns.date]),
    values: Object.fromEntries(OHLCV_FIELDS.map((f) => [f, rows.map((r) => r[columns[f]])])) as RawColumns['values'],
  };
}
