// GET /api/scaling's statuses over an index of real launches: 200 with the points, 404 for what the index
// does not hold (an unknown sweep, a sweep with no completed run), 400 for a bad metric (no run has it, or
// not a metric name), each error with its one-line reason. The status follows the error's kind, not its text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTask } from '../../../../runner/tasks/index.js';
import type { UiServer } from '../../../../runner/ui/index.js';
import { launchedIndex } from '../../fixtures/launched-index.js';
import { serveOutputs } from '../helpers.js';

const { outputsDir, runs, launch } = launchedIndex('t_fit', 't_down');
let server: UiServer;
const sweeps: Record<string, string> = {};

beforeAll(async () => {
  registerTask('t_fit', async (spec: any, ctx) => {
    const n = spec.budget.params as number;
    ctx.setInfo({ n_params: n });
    ctx.logMetric({ name: 'val_loss', value: 30 * n ** -0.3 + 0.4, epoch: 1 });
  });
  registerTask('t_down', async () => ({ status: 'failed', reason: 'down on purpose' }));
  expect(await launch(['task=t_fit', 'budget=2m,20m,200m'], true)).toBe(0);
  expect(await launch(['task=t_down', 'budget=2m,20m'], true)).not.toBe(0);
  const rows = (await runs('sql', 'SELECT DISTINCT sweep_id, task FROM runs', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
  for (const r of rows) sweeps[r.task] = r.sweep_id;
  server = await serveOutputs(outputsDir);
}, 120_000);
afterAll(() => server?.close());

const get = async (query: string) => {
  const res = await fetch(new URL(`/api/scaling?${query}`, server.url));
  return { status: res.status, body: await res.json() };
};

describe('GET /api/scaling', () => {
  it('answers a sweep of completed runs with 200 and its points', async () => {
    const { status, body } = await get(`sweep=${sweeps.t_fit}`);
    expect(status).toBe(200);
    expect(body.points.map((p: any) => p.n)).toEqual([2e6, 2e7, 2e8]);
  });

  it.each([
    ['an unknown sweep', () => 'sweep=zzzz', /^no sweep 'zzzz' in the index; list them with/],
    ['a sweep with no completed run', () => `sweep=${sweeps.t_down}`, /^no completed runs in sweep \w+ \(2 run\(s\), none completed\)/],
  ])('answers %s with 404 and its reason', async (_, query, reason) => {
    const { status, body } = await get(query());
    expect(status).toBe(404);
    expect(body.error).toMatch(reason);
  });

  it.each([
    ['a metric no run has', () => `sweep=${sweeps.t_fit}&metric=val_auc`, /^no completed run in sweep \w+ has the metric 'val_auc'; it has: best_val_loss, val_loss$/],
    ['a metric that is not a name', () => 'metric=a%20b', /^--metric 'a b': not a metric name/],
  ])('answers %s with 400 and its reason', async (_, query, reason) => {
    const { status, body } = await get(query());
    expect(status).toBe(400);
    expect(body.error).toMatch(reason);
  });
});
