// `runs scaling` on an index written by real launches of a task that records a known scaling law
// (N = the budget's parameter count, best val loss = a·N^(−α) + c per horizon, with a small deterministic
// wobble): the points, the fits that recover the law, the reasons where a series cannot be fitted, errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTask } from '../../../runner/tasks/index.js';
import { powerLaw } from '../../../runner/tracking/index.js';
import '../../../runner/tasks/builtin.js';
import { launchedIndex } from '../fixtures/launched-index.js';

const { runs, launch } = launchedIndex('t_scaling');
const law = (days: number) => ({ a: 30, alpha: 0.25 + 0.02 * days, c: 0.4 + 0.05 * days });
const wobble = (n: number, days: number) => 0.002 * Math.sin(Math.log(n) * 3 + days);

const sweepIds: string[] = [];

beforeAll(async () => {
  registerTask('t_scaling', async (spec: any, ctx) => {
    if (spec.seed === 13) return { status: 'failed', reason: 'unlucky seed' };
    const n = spec.budget.params as number;
    const days = spec.horizon.days as number;
    const best = powerLaw(law(days), n) + wobble(n, days);
    ctx.setInfo({ n_params: n });
    ctx.logMetric({ name: 'n_params', value: n });
    ctx.logMetric({ name: 'val_loss', value: best + 0.05, epoch: 1 });
    ctx.logMetric({ name: 'val_loss', value: best, epoch: 2 });
    ctx.logMetric({ name: 'val_loss', value: best + 0.01, epoch: 3 });
    ctx.logMetric({ name: 'test_auc', value: 0.9 - powerLaw(law(days), n) / 10 });
  });
  expect(await launch(['task=t_scaling', 'budget=2m,20m,200m,2b', 'horizon=h1,h5'], true)).toBe(0);
  expect(await launch(['task=t_scaling', 'budget=2m,20m', 'horizon=h3'], true)).toBe(0);
  expect(await launch(['task=t_scaling', 'budget=2m', 'horizon=h2', 'seed=1,2,3'], true)).toBe(0);
  expect(await launch(['task=t_scaling', 'seed=13'], false)).not.toBe(0);
  const r = await runs('sql', 'SELECT id FROM sweeps ORDER BY started_at', '--json');
  sweepIds.push(...r.stdout.trim().split('\n').map((l) => JSON.parse(l).id));
  expect(sweepIds).toHaveLength(3);
});

const table = (text: string, heading: RegExp) => {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  const end = lines.findIndex((l, i) => i > start + 1 && l === '');
  return lines.slice(start, end < 0 ? undefined : end);
};

describe('runs scaling', () => {
  it('prints every point of a sweep with its fitted value, and a fit per horizon that recovers the law', async () => {
    const r = await runs('scaling', '--sweep', sweepIds[0]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^best_val_loss against the exact parameter count N, sweep ${sweepIds[0]} \\(multirun/.*\\): 8 point\\(s\\) in 2 series\\n`));
    const points = table(r.stdout, /^horizon +n_params +best_val_loss +fitted/);
    expect(points).toHaveLength(2 + 8);
    const rows = points.slice(2).map((l) => l.split(/ {2,}/));
    expect(rows.map((c) => [c[0], c[1], c[4]])).toEqual([
      ['h1', '2,000,000', '2m'], ['h1', '20,000,000', '20m'], ['h1', '200,000,000', '200m'], ['h1', '2,000,000,000', '2b'],
      ['h5', '2,000,000', '2m'], ['h5', '20,000,000', '20m'], ['h5', '200,000,000', '200m'], ['h5', '2,000,000,000', '2b'],
    ]);
    for (const [h, nText, y, fitted] of rows) {
      const n = Number(nText.replace(/,/g, ''));
      const days = Number(h.slice(1));
      expect(Number(y)).toBeCloseTo(powerLaw(law(days), n) + wobble(n, days), 5);
      expect(Math.abs(Number(fitted) - Number(y))).toBeLessThan(0.01);
    }
    const fits = table(r.stdout, /^horizon +points +a +α +± α +c +± c +R²/).slice(2).map((l) => l.split(/ {2,}/));
    expect(fits.map((c) => c[0])).toEqual(['h1', 'h5']);
    for (const [h, count, , alpha, seAlpha, c, , r2] of fits) {
      const days = Number(h.slice(1));
      expect(count).toBe('4');
      expect(Math.abs(Number(alpha) - law(days).alpha)).toBeLessThan(Math.max(0.05, 3 * Number(seAlpha)));
      expect(Number(seAlpha)).toBeGreaterThan(0);
      expect(Math.abs(Number(c) - law(days).c)).toBeLessThan(0.05);
      expect(Number(r2)).toBeGreaterThan(0.99);
    }
  });

  it('--json gives the same study: series, points with their run ids, fits with standard errors', async () => {
    const r = await runs('scaling', '--sweep', sweepIds[0].slice(0, 6), '--json');
    expect(r.code).toBe(0);
    const study = JSON.parse(r.stdout);
    expect(study.metric).toBe('best_val_loss');
    expect(study.sweep.id).toBe(sweepIds[0]);
    expect(study.series.map((s: any) => [s.key, s.points.length, s.fit.ok])).toEqual([['h1', 4, true], ['h5', 4, true]]);
    expect(study.series[1].fit.alpha).toBeCloseTo(law(5).alpha, 1);
    expect(study.series[1].fit.se.alpha).toBeGreaterThan(0);
    const ids = await runs('sql', `SELECT id FROM runs WHERE sweep_id = '${sweepIds[0]}'`, '--json');
    expect(study.series.flatMap((s: any) => s.points.map((p: any) => p.run_id)).sort()).toEqual(ids.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort());
  });

  it('fits any chosen metric: a run_summary column or a metric\'s last value', async () => {
    const last = JSON.parse((await runs('scaling', '--sweep', sweepIds[0], '--metric', 'val_loss', '--json')).stdout);
    const best = JSON.parse((await runs('scaling', '--sweep', sweepIds[0], '--json')).stdout);
    expect(last.series[0].points.map((p: any) => p.y)).toEqual(best.series[0].points.map((p: any) => p.y + 0.01).map((v: number) => expect.closeTo(v, 12)));
    const auc = JSON.parse((await runs('scaling', '--sweep', sweepIds[0], '--metric', 'test_auc', '--json')).stdout);
    expect(auc.series[0].fit.a).toBeLessThan(0); // rises with N
    expect(auc.series[0].fit.alpha).toBeCloseTo(law(1).alpha, 6);
  });

  it('over all runs: every series, a reason for the ones that cannot be fitted, and the runs left out', async () => {
    const r = await runs('scaling');
    if (process.env.SHOW) console.log(r.stdout);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^best_val_loss against the exact parameter count N, all runs: 13 point\(s\) in 4 series\n/);
    const fits = table(r.stdout, /^horizon +points/).slice(2);
    expect(fits.map((l) => l.split(/ {2,}/)[0])).toEqual(['h1', 'h2', 'h3', 'h5']);
    expect(fits[1]).toMatch(/^h2 +3 +- .*needs at least 3 distinct parameter counts for 3 parameters \(a, α, c\), got 1; all 3 runs have 2,000,000 parameters$/);
    expect(fits[2]).toMatch(/^h3 +2 +- .*got 2$/);
    expect(r.stdout).toMatch(/\nleft out: 1 run\(s\) \(1 failed\)\n$/);
  });

  it.each<[string, string[], number, RegExp]>([
    ['an unknown sweep', ['--sweep', 'zzzz'], 1, /^Error: no sweep 'zzzz' in the index; list them with: npx runs sql "SELECT id, dir, n_jobs FROM sweeps"\n$/],
    ['a metric no run has', ['--metric', 'val_auc'], 1, /^Error: no completed run in the index has the metric 'val_auc'; it has: best_val_loss, n_params, test_auc, val_loss\n$/],
    ['an argument', ['h1'], 2, /^Error: runs scaling takes no arguments, got 'h1': use --sweep ID and --metric NAME\n$/],
    ['--sweep without a value', ['--sweep'], 2, /^Error: --sweep needs a value\n$/],
  ])('refuses %s in one line', async (_, argv, code, message) => {
    const r = await runs('scaling', ...argv);
    expect([r.code, r.stdout]).toEqual([code, '']);
    expect(r.stderr).toMatch(message);
  });

  it('refuses --sweep and --metric on other commands', async () => {
    const r = await runs('ls', '--metric', 'test_auc');
    expect([r.code, r.stderr]).toEqual([2, 'Error: --sweep and --metric go with runs scaling, not runs ls\n']);
  });
});
