// `runs export csv|parquet`: one read-only query (run_summary by default) to a file pandas reads as is.
import { renameSync, writeFileSync } from 'node:fs';
import { IndexError } from '../db.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { runSql } from '../queries.js';

export type TableFormat = 'csv' | 'parquet';

/** What was written. */
export interface TableExport {
  file: string;
  columns: string[];
  rows: number;
}

export const DEFAULT_EXPORT_SQL = 'SELECT * FROM run_summary ORDER BY started_at, job';

/**
 * Runs `sql` (read-only, as `runs sql`) on the index at `indexPath` and writes the result to `file`:
 * CSV (RFC 4180, header row, NULL as an empty field, numbers as JavaScript prints them: shortest
 * round-trip form) or Parquet (one row group; a column of whole numbers is INT64, other numbers DOUBLE,
 * anything else STRING; NULL stays null). The query runs in full before the file is opened, so an SQL
 * error leaves no file, and the file appears whole (written aside, then renamed). Throws IndexError on a bad query or a write.
 */
export function exportTable(indexPath: string, sql: string, file: string, format: TableFormat): TableExport {
  const { columns, rows } = runSql(indexPath, sql, (columns, rows) => ({ columns, rows: Array.from(rows) }));
  const bytes = format === 'csv' ? toCsv(columns, rows) : new Uint8Array(parquetWriteBuffer({ columnData: parquetColumns(columns, rows) }));
  const partial = `${file}.partial`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, file); // a reader never sees half a file
  } catch (e) {
    throw new IndexError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check that its folder exists and is writable`);
  }
  return { file, columns, rows: rows.length };
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = Buffer.isBuffer(v) ? v.toString('base64') : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(columns: string[], rows: unknown[][]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** One Parquet column per result column, typed by the values SQLite returned (its columns have no fixed type). */
function parquetColumns(columns: string[], rows: unknown[][]): ColumnSource[] {
  return columns.map((name, i) => {
    const values = rows.map((r) => r[i] ?? null);
    const present = values.filter((v) => v !== null);
    const numeric = present.length > 0 && present.every((v) => typeof v === 'number' || typeof v === 'bigint');
    if (numeric && present.every((v) => typeof v === 'bigint' || Number.isSafeInteger(v))) {
      return { name, type: 'INT64', nullable: true, data: values.map((v) => (v === null ? null : BigInt(v as number))) };
    }
    if (numeric) return { name, type: 'DOUBLE', nullable: true, data: values.map((v) => (v === null ? null : Number(v))) };
    return { name, type: 'STRING', nullable: true, data: values.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('base64') : String(v))) };
  });
}
