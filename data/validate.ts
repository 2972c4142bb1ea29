import { DataError } from './errors.js';
import { OHLCV_FIELDS, type OhlcvField, type RawColumns } from './source/raw.js';
import type { OhlcvTable } from './types.js';

const ISO_DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][0-9:.]*(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MISSING_CELLS = new Set(['', 'nan', 'na', 'n/a', 'null', 'none']);

export interface ValidatedTable {
  table: OhlcvTable;
  /** Rows with a missing value that were forward-filled (within nan_tolerance). */
  filled: number;
}

/**
 * Turns raw columns into a validated daily table. Rejects, naming file, line/row and fix:
 * unparseable dates, unsorted or duplicate dates, non-numeric cells, runs of missing rows longer than
 * `nanTolerance`, non-positive prices, negative volume and high < low. Missing cells in shorter runs are
 * forward-filled from the previous row and counted; no row is ever dropped.
 */
export function validateTable(raw: RawColumns, nanTolerance: number): ValidatedTable {
  const n = raw.date.length;
  const where = (i: number): string => `${raw.file} ${raw.unit} ${raw.positions[i]}`;
  if (n === 0) throw new DataError(`${raw.file}: no data rows. Fix: provide daily OHLCV rows after the header`);

  const dates = raw.date.map((v, i) => parseDate(v, () => where(i)));
  for (let i = 1; i < n; i++) {
    if (dates[i] === dates[i - 1]) throw new DataError(`${where(i)}: duplicate date ${dates[i]} (also at ${raw.unit} ${raw.positions[i - 1]}). Fix: keep one row per day`);
    if (dates[i] < dates[i - 1]) throw new DataError(`${where(i)}: date ${dates[i]} comes after ${dates[i - 1]}; dates must be sorted oldest first. Fix: sort the file by date`);
  }

  const cols = Object.fromEntries(
    OHLCV_FIELDS.map((f) => [f, Float64Array.from(raw.values[f], (v, i) => parseNumber(v, () => `${where(i)}, column ${f}`))]),
  ) as Record<OhlcvField, Float64Array>;

  let filled = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const missing = OHLCV_FIELDS.filter((f) => Number.isNaN(cols[f][i]));
    if (missing.length === 0) {
      run = 0;
      continue;
    }
    if (i === 0) throw new DataError(`${where(i)}: missing ${missing.join(', ')} on the first row, nothing earlier to fill from. Fix: remove leading incomplete rows or complete them`);
    run++;
    if (run > nanTolerance) {
      // report the whole gap, so that one raise of the tolerance is enough
      const start = i - run + 1;
      let end = i;
      while (end + 1 < n && OHLCV_FIELDS.some((f) => Number.isNaN(cols[f][end + 1]))) end++;
      const length = end - start + 1;
      throw new DataError(
        `${raw.file}: ${length} consecutive rows with missing values (${raw.unit}s ${raw.positions[start]}..${raw.positions[end]}, e.g. ${missing.join(', ')} on ${dates[i]}) exceed data.nan_tolerance=${nanTolerance}. ` +
          `Fix: fill the gap in the file or raise data.nan_tolerance to at least ${length}`,
      );
    }
    for (const f of missing) cols[f][i] = cols[f][i - 1];
    filled++;
  }

  for (let i = 0; i < n; i++) {
    for (const f of ['open', 'high', 'low', 'close'] as const) {
      if (!(cols[f][i] > 0)) throw new DataError(`${where(i)}: non-positive ${f} price ${cols[f][i]} on ${dates[i]}. Fix: correct or remove the bad row`);
    }
    if (cols.volume[i] < 0) throw new DataError(`${where(i)}: negative volume ${cols.volume[i]} on ${dates[i]}. Fix: correct the row`);
    if (cols.high[i] < cols.low[i]) throw new DataError(`${where(i)}: high ${cols.high[i]} < low ${cols.low[i]} on ${dates[i]}. Fix: correct the row (are the high/low columns swapped in data.columns?)`);
  }
  return { table: { dates, ...cols }, filled };
}

function parseDate(value: unknown, where: () => string): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value.trim());
    if (m) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const date = new Date(Date.UTC(y, mo - 1, d));
      if (date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return date.toISOString().slice(0, 10);
    }
  }
  throw new DataError(`${where()}: cannot parse date ${JSON.stringify(String(value))}. Fix: use ISO dates YYYY-MM-DD (or set data.columns.date to the date column)`);
}

function parseNumber(value: unknown, where: () => string): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number' && (Number.isFinite(value) || Number.isNaN(value))) return value; // NaN marks a missing cell
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (MISSING_CELLS.has(value.trim().toLowerCase())) return NaN;
    const x = Number(value);
    if (Number.isFinite(x)) return x;
  }
  throw new DataError(`${where()}: ${JSON.stringify(String(value))} is not a number. Fix: correct the cell, or leave it empty to mark it missing`);
}
