import type { OhlcvTable } from '../../data/types.js';

/** A deterministic, valid OHLCV series for tests (a noisy random walk with a volume cycle). */
export function syntheticOhlcv(n: number, startDate = '2021-01-04'): OhlcvTable {
  let s = 12345;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const dates: string[] = [];
  const d = new Date(`${startDate}T00:00:00Z`);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
    dates.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
    open[i] = price;
    price *= 1 + (rand() - 0.5) * 0.04;
    close[i] = price;
    high[i] = Math.max(open[i], close[i]) * (1 + rand() * 0.01);
    low[i] = Math.min(open[i], close[i]) * (1 - rand() * 0.01);
    volume[i] = Math.round(1e6 * (1 + 0.5 * Math.sin(i / 3)) + rand() * 1e5);
  }
  return { dates, open, high, low, close, volume };
}

/** Renders a table as CSV text with the given header names. */
export function toCsv(t: OhlcvTable, header = ['date', 'open', 'high', 'low', 'close', 'volume']): string {
  const lines = [header.join(',')];
  t.dates.forEach((d, i) => lines.push([d, t.open[i], t.high[i], t.low[i], t.close[i], t.volume[i]].join(',')));
  return `${lines.join('\n')}\n`;
}
