import { parse } from 'csv-parse/sync';
import { DataError } from '../errors.js';
import type { ColumnMapping } from '../types.js';
import { OHLCV_FIELDS, missingColumnMessage, type RawColumns } from './raw.js';

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Parses CSV text (header row required) into raw columns picked by the mapping. */
export function readCsv(text: string, file: string, columns: ColumnMapping): RawColumns {
  let records: ParsedRecord[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true }) as unknown as ParsedRecord[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new DataError(`${file}: malformed CSV${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}. Fix: repair the file (quoting, column count)`);
  }
  if (records.length === 0) throw new DataError(`${file}: the file is empty. Fix: provide a header line and daily rows`);
  const header = records[0].record;
  const indexOf = (field: keyof ColumnMapping): number => {
    const i = header.indexOf(columns[field]);
    if (i < 0) throw new DataError(missingColumnMessage(file, field, columns[field], header));
    return i;
  };
  const dateCol = indexOf('date');
  const cols = OHLCV_FIELDS.map((f) => indexOf(f));
  const body = records.slice(1);
  return {
    file,
    unit: 'line',
    positions: body.map((r) => r.info.lines),
    date: body.map((r) => r.record[dateCol]),
    values: Object.fromEntries(OHLCV_FIELDS.map((f, k) => [f, body.map((r) => r.record[cols[k]])])) as RawColumns['values'],
  };
}
