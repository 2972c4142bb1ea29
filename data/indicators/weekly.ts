/** Monday (UTC) of the week containing an ISO date, as YYYY-MM-DD: the weekly bar's key. */
export function weekMonday(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Computes an indicator on Monday-anchored weekly closes (the last close of each week) and maps it back
 * to days shifted by one week: every day of week w gets the value of week w-1, the last completed week,
 * so no day sees its own unfinished week.
 */
export function weeklyShifted(dates: string[], close: ArrayLike<number>, indicator: (weeklyClose: Float64Array) => Float64Array): Float64Array {
  const weekOfDay = new Int32Array(dates.length);
  const weeklyClose: number[] = [];
  let lastKey = '';
  dates.forEach((date, i) => {
    const key = weekMonday(date);
    if (key !== lastKey) {
      weeklyClose.push(close[i]);
      lastKey = key;
    } else weeklyClose[weeklyClose.length - 1] = close[i];
    weekOfDay[i] = weeklyClose.length - 1;
  });
  const weekly = indicator(Float64Array.from(weeklyClose));
  return Float64Array.from(weekOfDay, (w) => (w > 0 ? weekly[w - 1] : NaN));
}
