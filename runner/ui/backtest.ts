// The backtest's equity curve, day by day. The run stores its test probabilities (predictions.csv) and
// the backtest's totals (metrics test_backtest_return, test_buy_hold_return), not the daily returns: they
// come from the run's own data, loaded again from its config (nothing written: no cache), and are used
// only when the data's processed hash is the one the run recorded.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDataset, type LoadConfig } from '../../data/index.js';
import type { EquityPoint } from './specs.js';

export type Equity = { days: EquityPoint[] } | { note: string };

/** The test rows of predictions.csv (header split,date,label,prob), in file order: the order of the test split. */
export function testPredictions(csv: string): { date: string; prob: number }[] {
  const [header, ...lines] = csv.trim().split('\n');
  const cols = header.split(',');
  const [split, date, prob] = ['split', 'date', 'prob'].map((c) => cols.indexOf(c));
  if (split < 0 || date < 0 || prob < 0) throw new Error(`predictions.csv: expected the columns split,date,prob; found ${header}`);
  return lines.map((l) => l.split(',')).filter((f) => f[split] === 'test').map((f) => ({ date: f[date], prob: Number(f[prob]) }));
}

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

interface RunConfig {
  data: LoadConfig['data'];
  split: LoadConfig['split'];
  horizon: LoadConfig['horizon'];
  target: LoadConfig['target'];
  model: { context_length: number };
  seed: number;
}

/**
 * The equity curve of the run in `runDir`, or a note saying why there is none (no predictions.csv, a task
 * without data, a data file that moved or changed). A relative data.path is looked for next to the
 * outputs dir (where `npx run` ran) and in the server's working directory.
 */
export async function runEquity(runDir: string, outputsDir: string, config: RunConfig, recordedHash: string | undefined): Promise<Equity> {
  const file = join(runDir, 'predictions.csv');
  if (!existsSync(file)) return { note: 'no predictions.csv in the run folder (the run did not reach its evaluation)' };
  if (!config.data || !config.model?.context_length) return { note: 'the run has no data config: not a training run' };
  const days = testPredictions(readFileSync(file, 'utf8'));
  const cfg: LoadConfig = { data: config.data, split: config.split, horizon: config.horizon, target: config.target, contextLength: config.model.context_length, seed: config.seed };
  let lastError = '';
  for (const cwd of [dirname(outputsDir), process.cwd()]) {
    let data;
    try {
      data = await loadDataset(cfg, { cwd, noCache: true });
    } catch (e) {
      lastError = (e as Error).message;
      continue;
    }
    if (recordedHash && data.manifest.processed.hash !== recordedHash) {
      lastError = `the data at ${data.manifest.raw.path} is not the data the run read (processed hash ${data.manifest.processed.hash.slice(0, 12)}…, the run recorded ${recordedHash.slice(0, 12)}…)`;
      continue;
    }
    const returns = data.test.nextReturns;
    if (!returns || data.test.n !== days.length || data.test.dates.some((d, i) => d !== days[i].date)) {
      return { note: `the test days of the data (${data.test.n}) are not those of predictions.csv (${days.length}): cannot line them up` };
    }
    return { days: equityCurve(days, returns) };
  }
  return { note: `no equity curve: ${lastError}` };
}
