// The results page on real runs: a 2 × 2 sweep of tiny trainings (budget 2m,20m × horizon h1,h3). The
// API's numbers are checked against the index and the run folders; then Debian's Chromium opens each
// view (runs table, run page, compare, sweep heat maps) and a screenshot of each lands in the temp dir.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UiServer } from '../../../runner/ui/index.js';
import { describeInChromium, getJson, indexRows, launch, newOutputs, openPage, serveOutputs, TINY_TRAIN } from './helpers.js';

const outputs = newOutputs();
let server: UiServer;
let runs: { id: string; dir: string; budget: string; horizon: string; best_val_loss: number; test_auc: number; sweep_id: string }[];

const get = (path: string) => getJson(server, path);
const lastMetric = (dir: string, name: string) =>
  readFileSync(join(outputs, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.name === name).at(-1)?.value as number;

beforeAll(async () => {
  await launch(outputs, [...TINY_TRAIN, 'budget=2m,20m', 'horizon=h1,h3'], true);
  runs = indexRows(outputs, 'SELECT id, dir, budget, horizon, best_val_loss, test_auc, sweep_id FROM run_summary ORDER BY job');
  server = await serveOutputs(outputs);
}, 900_000);
afterAll(() => server?.close());

describe('the API over real runs', () => {
  it('lists the runs with the overrides that differ between them', async () => {
    const table = await get('/api/runs');
    expect(table.runs).toHaveLength(4);
    expect(table.differing).toEqual(['budget', 'horizon']);
    expect(table.runs.map((r: any) => `${r.differing.budget}/${r.differing.horizon}`)).toEqual(['2m/h1', '2m/h3', '20m/h1', '20m/h3']);
    expect(table.runs[0].best_val_loss).toBe(runs[0].best_val_loss);
  });

  it('charts every metric of a run, train loss and learning rate per step included', async () => {
    const { charts } = await get(`/api/run/${runs[0].id}/metrics`);
    const loss = charts.find((c: any) => c.title === 'loss').spec.data.values;
    expect(new Set(loss.map((p: any) => p.name))).toEqual(new Set(['train_loss_step', 'train_loss', 'val_loss']));
    expect(loss.filter((p: any) => p.name === 'train_loss_step').map((p: any) => p.step)).toEqual([5, 10, 15, 20]);
    expect(charts.find((c: any) => c.title === 'learning rate').spec.data.values.some((p: any) => p.name === 'lr_step')).toBe(true);
    expect(charts.map((c: any) => c.title)).toEqual(expect.arrayContaining(['grad_norm', 'samples_per_sec', 'final scores']));
    const scores = charts.find((c: any) => c.title === 'final scores').spec.data.values.map((p: any) => p.name);
    expect(scores).toEqual(expect.arrayContaining(['test_auc', 'val_auc', 'test_backtest_return']));
    expect(scores).not.toContain('n_params'); // a count: in the summary table, not on a [-1, 1] bar chart
  });

  it('draws the calibration bins of evaluation.json and an equity curve that ends at the logged backtest returns', async () => {
    const { charts, notes } = await get(`/api/run/${runs[1].id}/evaluation`);
    expect(notes).toEqual([]);
    const evaluation = JSON.parse(readFileSync(join(outputs, runs[1].dir, 'evaluation.json'), 'utf8'));
    const bins = charts[0].spec.layer[1].data.values;
    expect(bins.filter((b: any) => b.split === 'test').reduce((n: number, b: any) => n + b.count, 0)).toBe(evaluation.test.calibration.reduce((n: number, b: any) => n + b.count, 0));
    const days = charts[1].spec.data.values;
    const predictions = readFileSync(join(outputs, runs[1].dir, 'predictions.csv'), 'utf8').split('\n').filter((l) => l.startsWith('test,'));
    expect(days).toHaveLength(predictions.length);
    expect(days.at(-1).strategy - 1).toBeCloseTo(lastMetric(runs[1].dir, 'test_backtest_return'), 12);
    expect(days.at(-1).buy_and_hold - 1).toBeCloseTo(lastMetric(runs[1].dir, 'test_buy_hold_return'), 12);
  });

  it('fills each budget × horizon cell with its best val loss and the test AUC of that run', async () => {
    const sweep = await get(`/api/sweep/${runs[0].sweep_id}`);
    const [loss, auc, history, params] = sweep.charts;
    expect(loss.spec.layer[0].mark.type).toBe('rect');
    const cell = (c: any, b: string, h: string) => c.spec.data.values.find((v: any) => v.budget === b && v.horizon === h).value;
    for (const r of runs) {
      expect(cell(loss, r.budget, r.horizon)).toBe(r.best_val_loss);
      expect(cell(auc, r.budget, r.horizon)).toBe(r.test_auc);
    }
    expect(loss.spec.encoding.y.sort).toEqual(['2m', '20m']);
    expect(history.spec.data.values.map((v: any) => v.best)).toEqual(runs.map((_, i) => Math.min(...runs.slice(0, i + 1).map((r) => r.best_val_loss))));
    expect(params.spec.concat).toHaveLength(2);
  });

  it('compares two runs: the config keys that differ and their curves overlaid', async () => {
    const cmp = await get(`/api/compare?ids=${runs[0].id},${runs[3].id}`);
    expect(cmp.config.map((l: any) => l.key)).toEqual(expect.arrayContaining(['budget.name', 'horizon.days']));
    expect(cmp.config.find((l: any) => l.key === 'budget.name').values).toEqual(['2m', '20m']);
    const loss = cmp.charts.find((c: any) => c.title === 'loss');
    expect(new Set(loss.spec.data.values.map((p: any) => p.run))).toEqual(new Set([`${runs[0].id} budget=2m horizon=h1`, `${runs[3].id} budget=20m horizon=h3`]));
    const bad = await fetch(new URL(`/api/compare?ids=${runs[0].id}`, server.url));
    expect(bad.status).toBe(400);
  });
});

describeInChromium('the page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(outputs, `${name}.png`), fullPage: true });
  /** The chart titled `title` once vega-embed has drawn it: the number of data marks it drew. */
  const drawn = async (title: string) => {
    const box = page.locator(`.chart[data-chart="${title}"][data-rendered="true"]`);
    await box.waitFor({ timeout: 30_000 });
    expect(await box.locator('canvas, svg').count()).toBeGreaterThan(0);
    return Number(await box.getAttribute('data-items'));
  };
  /** The cells of the runs table's column `key`, top to bottom. */
  const column = (key: string) => page.$$eval('#runs-table tbody tr', (rows, k) => {
    const heads = [...document.querySelectorAll('#runs-table th')].map((th) => th.getAttribute('data-key'));
    return rows.map((r) => r.children[heads.indexOf(k)].textContent);
  }, key);

  beforeAll(async () => {
    ({ browser, page } = await openPage(1400));
  });
  afterAll(() => browser?.close());

  it('shows the runs table, sorts it by a column both ways and filters it', async () => {
    await page.goto(server.url);
    await page.locator('#runs-table tbody tr').nth(3).waitFor();
    await page.click('#runs-table th[data-key="best_val_loss"] button');
    const ascending = [...runs].sort((a, b) => a.best_val_loss - b.best_val_loss).map((r) => r.id);
    expect(await column('id')).toEqual(ascending);
    await page.click('#runs-table th[data-key="best_val_loss"] button');
    expect(await column('id')).toEqual([...ascending].reverse());
    expect(await page.getAttribute('#runs-table th[data-key="best_val_loss"]', 'aria-sort')).toBe('descending');
    expect(await column('horizon')).toHaveLength(4);
    await shot('runs');
    await page.fill('#runs-filter', 'horizon=h1');
    expect(await column('horizon')).toEqual(['h1', 'h1']);
    await page.fill('#runs-filter', '');
  });

  it('opens a run and draws its charts: metrics, calibration, equity; shows its config, log and artifacts', async () => {
    await page.click(`#runs-table a[href="#/run/${runs[1].id}"]`);
    expect(await drawn('loss')).toBeGreaterThanOrEqual(6); // 4 per-step points, train and val per epoch
    expect(await drawn('learning rate')).toBeGreaterThan(0);
    expect(await drawn('grad_norm')).toBeGreaterThan(0);
    expect(await drawn('calibration (10 bins)')).toBeGreaterThan(2);
    expect(await drawn('backtest equity')).toBeGreaterThan(100);
    expect(await page.textContent('#run-overrides')).toContain('budget=2m horizon=h3');
    expect(await page.textContent('#run-log')).toContain('completed');
    const onnx = page.locator('#run-artifacts a', { hasText: 'model.onnx' });
    const res = await page.request.get(new URL((await onnx.getAttribute('href'))!, server.url).href);
    expect(res.status()).toBe(200);
    expect((await res.body()).length).toBeGreaterThan(1000);
    await shot('run');
  });

  it('compares two runs picked in the table', async () => {
    await page.goto(server.url);
    await page.locator('#runs-table tbody tr').nth(3).waitFor();
    await page.check(`input[data-pick="${runs[0].id}"]`);
    await page.check(`input[data-pick="${runs[3].id}"]`);
    await page.click('#compare-selected');
    await page.locator('#compare-config').waitFor();
    expect(await page.textContent('#compare-config')).toContain('budget.name');
    expect(await drawn('loss')).toBeGreaterThanOrEqual(12);
    await shot('compare');
  });

  it('shows a sweep as budget × horizon heat maps, its history and its parameters', async () => {
    await page.click('#nav a[data-view="sweeps"]');
    await page.click(`a[href="#/sweep/${runs[0].sweep_id}"]`);
    expect(await drawn('best val loss')).toBeGreaterThanOrEqual(8); // 4 cells, 4 labels
    expect(await drawn('test AUC')).toBeGreaterThanOrEqual(8);
    expect(await drawn('optimization history')).toBeGreaterThan(0);
    expect(await drawn('parameters')).toBeGreaterThan(0);
    await shot('sweep');
  });

  it('adds a run to the open table while it runs, without a reload', async () => {
    await page.goto(server.url);
    await page.locator('#runs-table tbody tr').nth(3).waitFor();
    await launch(outputs, ['task=echo'], false);
    await page.locator('#runs-table tbody tr').nth(4).waitFor({ timeout: 15_000 });
    expect(await page.textContent('#runs-count')).toBe('5 of 5 run(s)');
  });
});
