// The backtest's equity curve, day by day. The run stores its test probabilities (predictions.csv) and
// the backtest's totals (metrics test_backtest_return, test_buy_hold_return), not the daily returns: they
// come from the run's own data, loaded again from its config (nothing written: no cache), and are used
// only when the data's processed hash is the one the run recorded.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadRunDataset, RunDataError, testPredictions, type RunDataConfig } from './run-data.js';
import type { EquityPoint } from './specs.js';

export type Equity = { days: EquityPoint[] } | { note: string };

/**
 * Strategy and buy-and-hold equity from 1, compounding `returns[i]` (day i to the next trading day) on
 * each day; the strategy is in the market on days with p > 0.5, in cash otherwise (as the train task's
 * backtest, runner/tasks/train/metrics.ts, so the last point minus 1 is its total return).
 */
export function equityCurve(days: { date: string; prob: number }[], returns: ArrayLike<number>): EquityPoint[] {
  let strategy = 1;
  let hold = 1;
  return days.map(({ date, prob }, i) => {
    hold *= 1 + returns[i];
    if (prob > 0.5) strategy *= 1 + returns[i];
    return { date, strategy, buy_and_hold: hold };
  });
}

/**
 * The equity curve of the run in `runDir`, or a note saying why there is none (no predictions.csv, a task
 * without data, a data file that moved or changed). A relative data.path is looked for next to the
 * outputs dir (where `npx run` ran) and in the server's working directory.
 */
export async function runEquity(runDir: string, outputsDir: string, config: RunDataConfig, recordedHash: string | undefined): Promise<Equity> {
  const file = join(runDir, 'predictions.csv');
  if (!existsSync(file)) return { note: 'no predictions.csv in the run folder (the run did not reach its evaluation)' };
  let data;
  let days;
  try {
    days = testPredictions(readFileSync(file, 'utf8'));
    data = await loadRunDataset(config, [dirname(outputsDir), process.cwd()], recordedHash);
  } catch (e) {
    if (e instanceof RunDataError) return { note: `no equity curve: ${e.message}` };
    throw e;
  }
  const returns = data.test.nextReturns;
  if (!returns || data.test.n !== days.length || data.test.dates.some((d, i) => d !== days[i].date)) {
    return { note: `the test days of the data (${data.test.n}) are not those of predictions.csv (${days.length}): cannot line them up` };
  }
  return { days: equityCurve(days, returns) };
}
