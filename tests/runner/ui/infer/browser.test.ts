// In-browser inference in Debian's Chromium (headless, playwright-core): the page imports the client
// module runner/ui/client/infer.js, loads onnxruntime-web's wasm build from the listed dist files, scores
// the last test windows of a real tiny trained run with its model.onnx, and agrees with predictions.csv to
// 1e-5. Everything is served by page.route (no server): the module, the ORT files, the model, the payload.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inferencePayload, ortDistFile, type InferencePayload } from '../../../../runner/ui/infer/index.js';
import { TINY, train } from '../../tasks/train/helpers.js';
import { describeInChromium, openPage } from '../helpers.js';

const ORIGIN = 'http://ladder.test';
// the page imports the client module as a page of the UI would, and hands it to the test
const PAGE = '<!doctype html><meta charset="utf-8"><title>infer</title><main id="out"></main><script type="module">import * as infer from "/infer.js"; window.infer = infer;</script>';
const CLIENT = join(import.meta.dirname, '..', '..', '..', '..', 'runner', 'ui', 'client', 'infer.js');

describeInChromium('in-browser inference in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let runDir: string;
  let payload: InferencePayload;
  const requested: string[] = [];

  beforeAll(async () => {
    const run = await train(['trainer=smoke', ...TINY, 'monitor=disabled']);
    expect(run.outcomes.map((o) => o.status)).toEqual(['completed']);
    runDir = run.outcomes[0]!.dir;
    payload = await inferencePayload(runDir, { windows: 16 });
    ({ browser, page } = await openPage(1280));
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      requested.push(path);
      const send = (body: Buffer | string, contentType: string) => route.fulfill({ status: 200, body, contentType });
      if (path === '/') return send(PAGE, 'text/html');
      if (path === '/infer.js') return send(readFileSync(CLIENT), 'text/javascript');
      if (path === '/api/infer') return send(JSON.stringify(payload), 'application/json');
      if (path.startsWith('/files/')) {
        const name = path.slice('/files/'.length);
        return name === payload.model ? send(readFileSync(join(runDir, name)), 'application/octet-stream') : route.fulfill({ status: 404, body: 'not found' });
      }
      if (path.startsWith('/vendor/')) {
        const file = ortDistFile(path.slice('/vendor/'.length));
        return file ? send(file.bytes, file.type) : route.fulfill({ status: 404, body: 'not found' });
      }
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => 'infer' in window);
  });
  afterAll(() => browser?.close());

  it('scores the run\'s last test windows with model.onnx on onnxruntime-web and agrees with predictions.csv to 1e-5', async () => {
    const result = await page.evaluate(async () => {
      const infer = (window as any).infer;
      return infer.runInference({ payload: '/api/infer', files: '/files/', ort: '/vendor/' });
    });
    expect(result.shape).toEqual(payload.shape);
    expect(result.rows.map((r: { date: string }) => r.date)).toEqual(payload.dates);
    expect(result.maxAbsDiff).toBeLessThan(1e-5);
    expect(result.agree).toBe(true);
    for (let i = 0; i < payload.expected.length; i++) expect(Math.abs(result.probs[i] - payload.expected[i])).toBeLessThan(1e-5);
    // distinct windows, distinct probabilities: the page did not score one window 16 times
    expect(new Set(result.probs).size).toBeGreaterThan(1);
    // onnxruntime-web came from the listed dist files, its wasm build and nothing else
    expect(requested.filter((p) => p.startsWith('/vendor/')).sort()).toEqual(['/vendor/ort-wasm-simd-threaded.mjs', '/vendor/ort-wasm-simd-threaded.wasm', '/vendor/ort.wasm.min.mjs']);
    await page.evaluate((rows) => {
      const out = document.getElementById('out')!;
      out.innerHTML = '<table><tr><th>date</th><th>label</th><th>browser</th><th>predictions.csv</th><th>|diff|</th></tr></table>';
      for (const r of rows) out.querySelector('table')!.insertAdjacentHTML('beforeend', `<tr><td>${r.date}</td><td>${r.label}</td><td>${r.browser.toFixed(7)}</td><td>${r.csv.toFixed(7)}</td><td>${r.diff.toExponential(1)}</td></tr>`);
    }, result.rows);
    await page.screenshot({ path: join(runDir, 'infer.png'), fullPage: true });
  });

  it('reports a disagreement: a probability off by 2e-5 is caught', async () => {
    const result = await page.evaluate(async () => {
      const infer = (window as any).infer;
      const payload = await (await fetch('/api/infer')).json();
      payload.expected[3] += 2e-5;
      const ort = await infer.loadOrt('/vendor/');
      const model = new Uint8Array(await (await fetch(`/files/${payload.model}`)).arrayBuffer());
      return infer.agreement(payload, await infer.scoreWindows(ort, model, payload));
    });
    expect(result.agree).toBe(false);
    expect(result.maxAbsDiff).toBeGreaterThan(1e-5);
    expect(result.rows.filter((r: { diff: number }) => r.diff > 1e-5).map((r: { date: string }) => r.date)).toEqual([payload.dates[3]]);
  });
});
