// Small formatters for terminal progress and summaries.

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  // round to the unit shown first, so that 179.6 s carries into the minutes (3m 00s, not 2m 60s)
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function bar(current: number, total: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round((current / total) * width)));
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** Remaining time from elapsed time and the fraction done; null until there is something to go on. */
export function eta(elapsedS: number, current: number, total: number): number | null {
  if (!(current > 0) || !(total > 0) || current > total) return null;
  return (elapsedS / current) * (total - current);
}

/** Aligned plain-text table, e.g. for `runs ls` and the failed-jobs summary. */
export function formatTable(rows: Record<string, unknown>[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : String(v));
  const cells = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\s*\n[\s\S]*/, ' …')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
