// The scaling view and the run page's in-browser inference on real runs: a width grid of tiny trainings
// (d_model 8/16/32/64 zipped with d_ff, horizons h1 and h3: four distinct parameter counts per horizon).
// The API is checked against the index's own fit (runs scaling's) and predictions.csv; then Debian's
// Chromium draws the scaling chart with its fitted curve and fit table, and scores a run's windows with
// onnxruntime-web. A screenshot of each lands in the temp outputs dir.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIndexReadOnly, scalingStudy } from '../../../runner/tracking/index.js';
import type { UiServer } from '../../../runner/ui/index.js';
import { describeInChromium, getJson, indexRows, launch, newOutputs, openPage, serveOutputs, TINY_TRAIN } from './helpers.js';

const outputs = newOutputs();
let server: UiServer;
let runs: { id: string; dir: string; horizon: string; n_params: number; sweep_id: string }[];

const WIDTHS = ['model.d_model=8,16,32,64', 'model.d_ff=16,32,64,128'];
const res = (path: string) => fetch(new URL(path, server.url));
const get = (path: string) => getJson(server, path);
/** predictions.csv's test probabilities of a run folder, by date. */
const csvProbs = (dir: string) =>
  new Map(readFileSync(join(outputs, dir, 'predictions.csv'), 'utf8').split('\n').filter((l) => l.startsWith('test,')).map((l) => l.split(',')).map((f) => [f[1], Number(f[3])]));

beforeAll(async () => {
  await launch(outputs, [...TINY_TRAIN.filter((o) => !/^model\.d_(model|ff)=/.test(o)), 'monitor=disabled', 'horizon=h1,h3', ...WIDTHS], true, [['model.d_model', 'model.d_ff']]);
  runs = indexRows(outputs, 'SELECT id, dir, horizon, n_params, sweep_id FROM run_summary ORDER BY job');
  server = await serveOutputs(outputs);
}, 900_000);
afterAll(() => server?.close());

describe('the scaling and inference API over real runs', () => {
  it('has four distinct parameter counts per horizon', () => {
    for (const h of ['h1', 'h3']) expect(new Set(runs.filter((r) => r.horizon === h).map((r) => r.n_params)).size).toBe(4);
  });

  it('answers the sweep\'s points, the fit runs scaling prints, and a chart with a fitted curve per fitted series', async () => {
    const view = await get(`/api/scaling?sweep=${runs[0].sweep_id}`);
    const db = openIndexReadOnly(join(outputs, 'index.sqlite'));
    const study = scalingStudy(db, { sweep: runs[0].sweep_id });
    db.close();
    expect(view.metric).toBe('best_val_loss');
    expect(view.points).toHaveLength(8);
    expect(view.fits).toEqual(study.series.map((s) => ({ series: s.key, fit: s.fit })));
    const fitted = view.fits.filter((f: any) => f.fit.ok).map((f: any) => f.series);
    expect(fitted.length).toBeGreaterThan(0);
    const curve = view.spec.layer[0].data.values;
    // one curve of CURVE_SAMPLES points per fitted series, labelled with its α
    expect(curve).toHaveLength(60 * fitted.length);
    expect([...new Set(curve.map((p: any) => p.series.split(':')[0]))]).toEqual(fitted);
    expect(curve.every((p: any) => / α = \d/.test(p.series))).toBe(true);
    expect(view.sweeps.map((s: any) => s.id)).toContain(runs[0].sweep_id);
  });

  it('answers an unknown sweep with 404 and a metric no run has with 400, each with its one-line reason', async () => {
    const unknown = await res('/api/scaling?sweep=nosuchsweep');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/^no sweep 'nosuchsweep' in the index/);
    const metric = await res(`/api/scaling?sweep=${runs[0].sweep_id}&metric=no_such_metric`);
    expect(metric.status).toBe(400);
    expect((await metric.json()).error).toMatch(/has the metric 'no_such_metric'; it has: .*best_val_loss|no_such_metric/);
  });

  it('sends a run\'s last test windows with predictions.csv\'s probabilities; a run that cannot be scored is a 409', async () => {
    const payload = await get(`/api/run/${runs[1].id}/infer`);
    expect(payload.shape[0]).toBe(32);
    const probs = csvProbs(runs[1].dir);
    expect(payload.expected).toEqual(payload.dates.map((d: string) => probs.get(d)));
    await launch(outputs, ['task=echo'], false);
    const echo = (await get('/api/runs')).runs.find((r: any) => r.task === 'echo');
    const refused = await res(`/api/run/${echo.id}/infer`);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/has no model\.onnx .* only a completed train run can be scored in the page$/);
  });

  it('serves onnxruntime-web\'s module and wasm through /vendor with their content types, and nothing else of it', async () => {
    const wasm = await res('/vendor/ort-wasm-simd-threaded.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
    const mjs = await res('/vendor/ort.wasm.min.mjs');
    expect(mjs.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await res('/vendor/ort.min.js')).status).toBe(404);
  });
});

describeInChromium('the scaling view and in-browser inference in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(outputs, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    ({ browser, page } = await openPage(1200));
  });
  afterAll(() => browser?.close());

  it('draws the scaling chart with its points and fitted curves, and the fit table with α ± s.e. or the reason', async () => {
    const { fits, points } = await get(`/api/scaling?sweep=${runs[0].sweep_id}`);
    await page.goto(server.url);
    await page.click('#nav a[data-view="scaling"]');
    await page.selectOption('#scaling-sweep', runs[0].sweep_id);
    await page.waitForURL(new RegExp(`#/scaling\\?sweep=${runs[0].sweep_id}`));
    const box = page.locator('.chart[data-chart="scaling"][data-rendered="true"]');
    await box.waitFor({ timeout: 30_000 });
    const fitted = fits.filter((f: any) => f.fit.ok);
    // every point, and 60 vertices of each fitted curve
    expect(Number(await box.getAttribute('data-items'))).toBe(points.length + 60 * fitted.length);
    expect(await box.textContent()).toContain('α =');
    for (const { series, fit } of fits) {
      const row = page.locator(`#scaling-fits tr[data-series="${series}"]`);
      if (fit.ok) {
        expect(await row.getAttribute('data-fit')).toBe('ok');
        expect(await row.locator('td.alpha').textContent()).toBe(`${Number(fit.alpha.toPrecision(4))} ± ${Number(fit.se.alpha.toPrecision(2))}`);
      } else expect(await row.locator('td.reason').textContent()).toBe(fit.reason);
    }
    await shot('scaling');
  });

  it('scores a run\'s last test windows in the page and agrees with predictions.csv to 1e-5 on every row', async () => {
    const run = runs[3];
    await page.goto(`${server.url}#/run/${run.id}`);
    await page.click('#infer-run');
    const verdict = page.locator('#infer-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    expect(await verdict.textContent()).toMatch(/^agree: every one of 32 window\(s\) within 0\.00001 of predictions\.csv/);
    expect(await verdict.getAttribute('data-agree')).toBe('true');
    const rows = await page.$$eval('#infer-rows tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent!)));
    expect(rows).toHaveLength(32);
    const probs = csvProbs(run.dir);
    for (const [date, , browser, csv, diff] of rows) {
      expect(Math.abs(Number(browser) - probs.get(date)!)).toBeLessThanOrEqual(1e-5);
      expect(Number(csv)).toBeCloseTo(probs.get(date)!, 7);
      expect(Number(diff)).toBeLessThanOrEqual(1e-5);
    }
    expect(new Set(rows.map((r) => r[2])).size).toBeGreaterThan(1);
    await page.locator('#panel-inference').screenshot({ path: join(outputs, 'inference.png') });
  });
});
