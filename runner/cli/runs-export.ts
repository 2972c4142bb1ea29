// `runs export mlflow|csv|parquet` and `runs compare`: the CLI side of runner/tracking/export, loaded only
// when asked for (hyparquet-writer and YAML stay out of `runs ls`).
import path from 'node:path';
import { openIndexReadOnly } from '../tracking/db.js';
import { compareRuns, DEFAULT_EXPORT_SQL, exportMlflow, exportTable, type Comparison } from '../tracking/export/index.js';
import { TextTable } from '../progress/format.js';

export interface ExportRequest {
  rest: string[];
  sql: string | null;
  copy: boolean;
  json: boolean;
  indexPath: string;
  outputsDir: string;
  cwd: string;
  stdout: { write(text: string): unknown };
}

/** Raised for a command line that cannot work; runs.ts turns it into exit code 2. */
export class ExportUsageError extends Error {}

/** `runs export <format> <target> [--sql "…"] [--copy]`; returns the exit code. */
export function exportCommand(req: ExportRequest): number {
  const [format, target, ...extra] = req.rest;
  if (!format || !target || extra.length) {
    throw new ExportUsageError('runs export takes a format and a target: runs export mlflow DIR | runs export csv|parquet FILE [--sql "SELECT …"]');
  }
  const dest = path.resolve(req.cwd, target);
  if (format === 'mlflow') {
    if (req.sql !== null) throw new ExportUsageError('--sql goes with csv and parquet; runs export mlflow writes every run');
    const db = openIndexReadOnly(req.indexPath);
    try {
      const r = exportMlflow(db, req.outputsDir, dest, { copy: req.copy });
      const used = r.experiments.filter((e) => e.runs > 0);
      req.stdout.write(`exported ${r.runs} runs (${r.metricValues} metric values) in ${used.length} experiment(s) to ${dest}\n`);
      for (const e of used) req.stdout.write(`  experiment ${e.id}  ${e.name}  (${e.runs} runs)\n`);
      req.stdout.write(`view them with: mlflow ui --backend-store-uri ${dest}\n`);
    } finally {
      db.close();
    }
    return 0;
  }
  if (format === 'csv' || format === 'parquet') {
    if (req.copy) throw new ExportUsageError('--copy goes with mlflow (it copies the run folders into artifacts/)');
    const r = exportTable(req.indexPath, req.sql ?? DEFAULT_EXPORT_SQL, dest, format);
    req.stdout.write(`wrote ${r.rows} rows × ${r.columns.length} columns to ${dest}\n`);
    return 0;
  }
  throw new ExportUsageError(`unknown export format '${format}': use mlflow, csv or parquet`);
}

/** `runs compare <id> <id> …`: config keys that differ, then the final metrics, one column per run. */
export function compareCommand(req: ExportRequest): number {
  const db = openIndexReadOnly(req.indexPath);
  let c: Comparison;
  try {
    c = compareRuns(db, req.rest, req.outputsDir, req.cwd);
  } finally {
    db.close();
  }
  if (req.json) {
    req.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
    return 0;
  }
  const table = new TextTable(['', ...c.runs.map((r) => r.id)]);
  table.add(['status', ...c.runs.map((r) => r.status)]);
  table.add([`config: ${c.config.length} key(s) differ`, ...c.runs.map(() => '')]);
  for (const line of c.config) table.add([`  ${line.key}`, ...line.values.map((v, i) => (line.absent?.includes(i) ? '-' : cell(v)))]);
  table.add(['metrics (last value)', ...c.runs.map(() => '')]);
  for (const line of c.metrics) table.add([`  ${line.key}`, ...line.values]);
  for (const chunk of table.chunks()) req.stdout.write(chunk);
  return 0;
}

/** A config value in a cell: null as YAML writes it, lists as JSON, everything else as printed by the table. */
const cell = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? JSON.stringify(v) : v);
