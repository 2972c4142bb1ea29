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

/**
 * Remaining seconds at the rate measured since `from` units were done: `elapsedS` is the time since then
 * (not since the job started, whose start-up is no step), so the ETA is the step rate times the steps left.
 * Null until a unit past `from` is done.
 */
export function eta(elapsedS: number, current: number, total: number, from = 0): number | null {
  if (!(current > from) || !(total > 0) || current > total) return null;
  return (elapsedS / (current - from)) * (total - current);
}

/**
 * An aligned plain-text table built a row at a time: a header, a rule, a line per row; numbers to 6
 * significant digits, a multi-line cell cut at its first line break. Rows are kept as cell text only and
 * printed in chunks, so that `runs sql` can print a 10,000-row result without ever holding it as objects
 * (what it costs to create and collect those is most of the time of such a command).
 */
export class TextTable {
  private readonly cells: string[][];
  private readonly widths: number[];
  /** Rows added so far. */
  rows = 0;

  constructor(private readonly columns: readonly string[]) {
    this.cells = columns.map(() => []);
    this.widths = columns.map((c) => c.length);
  }

  /** Adds a row: its values in column order. */
  add(values: readonly unknown[]): void {
    for (let i = 0; i < this.columns.length; i++) {
      const text = tableCell(values[i]);
      this.cells[i].push(text);
      if (text.length > this.widths[i]) this.widths[i] = text.length;
    }
    this.rows++;
  }

  /** The table as pieces of whole lines, each line ending in a line break, about `size` characters each. */
  *chunks(size = 1 << 16): Generator<string> {
    const line = (text: (i: number) => string) => {
      let out = '';
      for (let i = 0; i < this.columns.length; i++) out += `${i ? '  ' : ''}${text(i).padEnd(this.widths[i])}`;
      return `${out.trimEnd()}\n`;
    };
    let chunk = line((i) => this.columns[i]) + line((i) => '-'.repeat(this.widths[i]));
    for (let r = 0; r < this.rows; r++) {
      chunk += line((i) => this.cells[i][r]);
      if (chunk.length >= size) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}

/** Aligned plain-text table (TextTable) of `rows`, without a final line break, e.g. for `runs ls` and the failed-jobs summary. */
export function formatTable(rows: Record<string, unknown>[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  const table = new TextTable(columns);
  for (const row of rows) table.add(columns.map((c) => row[c]));
  return [...table.chunks()].join('').slice(0, -1);
}

function tableCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(6))) : String(value);
  return text.includes('\n') ? text.replace(/\s*\n[\s\S]*/, ' …') : text;
}
