/**
 * `npm run bench -- tpe`: TPE against random search on task=objective's functions, driving the samplers directly
 * (no runs): 20 seeded studies of 40 trials each (--tpe-studies, --tpe-trials), univariate (the default) and
 * multivariate TPE. Prints TPE's win rate (its best strictly lower than random's with the same seed) and the
 * median best of each. The quadratic is the one tests/sweeps/samplers/quality.test.ts holds to ≥ 80%.
 */
import { median, tpeVersusRandom } from '../sweeps/samplers/helpers.js';

export interface TpeRow {
  function: string;
  tpe: 'univariate' | 'multivariate';
  studies: number;
  trials: number;
  wins: number;
  win_rate: number;
  median_best_tpe: number;
  median_best_random: number;
  seconds: number;
}

export function benchTpe(opts: { studies: number; trials: number; log: (m: string) => void }): TpeRow[] {
  const rows: TpeRow[] = [];
  for (const fn of ['quadratic', 'branin'] as const) {
    for (const multivariate of [false, true]) {
      const t0 = performance.now();
      const { wins, tpe, random } = tpeVersusRandom(fn, opts.studies, opts.trials, { multivariate });
      const row: TpeRow = {
        function: fn, tpe: multivariate ? 'multivariate' : 'univariate', studies: opts.studies, trials: opts.trials, wins,
        win_rate: wins / opts.studies, median_best_tpe: median(tpe), median_best_random: median(random), seconds: (performance.now() - t0) / 1000,
      };
      opts.log(`${fn} ${row.tpe}: TPE wins ${wins}/${opts.studies}`);
      rows.push(row);
    }
  }
  return rows;
}

export function tpeTable(rows: TpeRow[]): string {
  const head = ['function', 'tpe', 'studies × trials', 'TPE wins', 'median best TPE', 'median best random', 's'];
  const body = rows.map((r) => [r.function, r.tpe, `${r.studies} × ${r.trials}`, `${r.wins}/${r.studies} (${Math.round(r.win_rate * 100)}%)`, r.median_best_tpe.toFixed(4), r.median_best_random.toFixed(4), r.seconds.toFixed(1)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cells) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}
