import type { ColumnMapping } from '../types.js';

export const OHLCV_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type OhlcvField = (typeof OHLCV_FIELDS)[number];

/** Columns exactly as read from a file, before validation. */
export interface RawColumns {
  /** File path as the user gave it (used in messages). */
  file: string;
  /** What a position is called in messages: 'line' (CSV, 1-based incl. header) or 'row' (Parquet, 1-based). */
  unit: 'line' | 'row';
  /** Position of each record in the file, in `unit`. */
  positions: number[];
  date: unknown[];
  values: Record<OhlcvField, unknown[]>;
}

export function missingColumnMessage(file: string, field: keyof ColumnMapping, name: string, found: string[]): string {
  return (
    `${file}: column '${name}' (data.columns.${field}) not found; the file has: ${found.join(', ')}. ` +
    `Fix: rename the column or set data.columns.${field}=<column name>`
  );
}
