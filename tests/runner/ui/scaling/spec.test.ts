// The scaling chart: vega-lite compiles the spec, vega runs it headless, and the scene holds one point per
// run and one fitted curve per fitted horizon on log-log scales, with α ± its standard error in the legend.
// scalingView answers the same study from an index written by real launches.
import path from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../../runner/compose/index.js';
import { runLaunchCommand } from '../../../../runner/cli/launch.js';
import { registerTask } from '../../../../runner/tasks/index.js';
import { fitPowerLaw, openIndexReadOnly, powerLaw, type ScalingStudy } from '../../../../runner/tracking/index.js';
import { CURVE_SAMPLES, scalingSpec, scalingView } from '../../../../runner/ui/scaling/index.js';
import '../../../../runner/tasks/builtin.js';
import { confWithTasks, tempOutputs } from '../../helpers.js';

const SIZES = [2193, 8000, 30000, 120000, 500000];
const law = (h: number) => ({ a: 5 + h, alpha: 0.3, c: 0.5 + 0.01 * h });

/** A study with horizons h1 and h3 on a known law (a little wobble) and h5 with one size only (no fit). */
function study(): ScalingStudy {
  const series = [1, 3].map((h) => {
    const points = SIZES.map((n, i) => ({ run_id: `r${h}${i}`, sweep_id: 's', job: i, model: 'patchtst', budget: `b${i}`, horizon: `h${h}`, dir: `d${h}${i}`, n, y: powerLaw(law(h), n) * (1 + 0.001 * Math.sin(i + h)) }));
    return { key: `h${h}`, horizon: `h${h}`, model: 'patchtst', points, fit: fitPowerLaw(points) };
  });
  const flat = [0, 1, 2].map((i) => ({ run_id: `r5${i}`, sweep_id: 's', job: i, model: 'patchtst', budget: 'b0', horizon: 'h5', dir: `d5${i}`, n: 2193, y: 0.6 + i / 100 }));
  series.push({ key: 'h5', horizon: 'h5', model: 'patchtst', points: flat, fit: fitPowerLaw(flat) });
  return { metric: 'best_val_loss', sweep: { id: 's', dir: 'multirun/x' }, series, left_out: [] };
}

async function render(spec: ReturnType<typeof scalingSpec>) {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  await view.runAsync();
  return { compiled, view };
}

/** Items of the scene's data marks of a type (points: 'symbol', curves: 'line' groups). */
function marks(node: any, type: string, out: any[] = []): any[] {
  if (!node) return out;
  if (node.marktype === type && !/^(axis|legend|title)/.test(node.role ?? '')) out.push(node);
  for (const item of node.items ?? []) marks(item, type, out);
  return out;
}

describe('scalingSpec', () => {
  it('compiles with vega-lite to log-log scales and renders a point per run and a curve per fitted horizon', async () => {
    const s = study();
    const { compiled, view } = await render(scalingSpec(s));
    const scales = Object.fromEntries((compiled.scales ?? []).map((sc: any) => [sc.name, sc.type]));
    expect(scales.x).toBe('log');
    expect(scales.y).toBe('log');
    const root = (view.scenegraph() as any).root;
    const symbols = marks(root, 'symbol').flatMap((m) => m.items);
    expect(symbols).toHaveLength(2 * SIZES.length + 3);
    expect(symbols.map((i) => i.datum.n).sort((a: number, b: number) => a - b)).toEqual([...SIZES, ...SIZES, 2193, 2193, 2193].sort((a, b) => a - b));
    const lines = marks(root, 'line');
    expect(lines).toHaveLength(2); // h5 has no fit, so no curve
    for (const line of lines) expect(line.items).toHaveLength(CURVE_SAMPLES);
    const h3 = lines.flatMap((l) => l.items).filter((i: any) => i.datum.series.startsWith('h3'));
    const fit = s.series[1].fit;
    if (!fit.ok) throw new Error(fit.reason);
    for (const item of h3) expect(item.datum.fit).toBeCloseTo(powerLaw(fit, item.datum.n), 12);
    expect(Math.min(...h3.map((i: any) => i.datum.n))).toBeCloseTo(SIZES[0], 6);
    expect(Math.max(...h3.map((i: any) => i.datum.n))).toBeCloseTo(SIZES[SIZES.length - 1], 3);
  });

  it('puts each horizon\'s exponent ± its standard error in the legend, and "no fit" where there is none', async () => {
    const s = study();
    const { view } = await render(scalingSpec(s));
    const legend = (view.scale('color') as any).domain() as string[];
    const [h1, h3] = s.series.map((x) => x.fit);
    if (!h1.ok || !h3.ok) throw new Error('no fit');
    expect(legend).toEqual([
      `h1: α = ${h1.alpha.toPrecision(3)} ± ${h1.se!.alpha.toPrecision(2)}`,
      `h3: α = ${h3.alpha.toPrecision(3)} ± ${h3.se!.alpha.toPrecision(2)}`,
      'h5: no fit',
    ]);
    expect(Math.abs(h1.alpha - 0.3)).toBeLessThan(0.02);
  });

  it('keeps a linear y axis when a value is not positive (a log scale would drop it)', async () => {
    const s = study();
    s.series[0].points[0].y = -0.1;
    s.series[0].fit = fitPowerLaw(s.series[0].points);
    const { compiled, view } = await render(scalingSpec(s));
    expect((compiled.scales ?? []).find((sc: any) => sc.name === 'y')?.type).toBe('linear');
    expect(marks((view.scenegraph() as any).root, 'symbol').flatMap((m) => m.items)).toHaveLength(2 * SIZES.length + 3);
  });
});

describe('scalingView', () => {
  const outputsDir = tempOutputs();
  const indexPath = path.join(outputsDir, 'index.sqlite');
  beforeAll(async () => {
    registerTask('t_scaling_ui', async (spec: any, ctx) => {
      const n = spec.budget.params as number;
      ctx.setInfo({ n_params: n });
      ctx.logMetric({ name: 'val_loss', value: powerLaw(law(spec.horizon.days), n) * (1 + 0.001 * Math.cos(n)), epoch: 1 });
    });
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: outputsDir };
    const conf = confWithTasks('t_scaling_ui');
    const code = await runLaunchCommand({ overrides: ['task=t_scaling_ui', 'budget=2m,20m,200m,2b', 'horizon=h1,h3'], multirun: true, zip: [], dryRun: false, json: false, configDir: conf, configName: 'config', outputsDir, indexPath }, compose, quiet);
    expect(code).toBe(0);
  });

  it('answers the points, the fits and a spec that compiles, for a sweep', async () => {
    const db = openIndexReadOnly(indexPath);
    const sweep = db.prepare('SELECT id FROM sweeps').pluck().get() as string;
    const answer = scalingView(db, { sweep });
    db.close();
    expect(answer.metric).toBe('best_val_loss');
    expect(answer.sweep?.id).toBe(sweep);
    expect(answer.points.map((p) => [p.series, p.n, p.budget])).toEqual([
      ['h1', 2e6, '2m'], ['h1', 2e7, '20m'], ['h1', 2e8, '200m'], ['h1', 2e9, '2b'],
      ['h3', 2e6, '2m'], ['h3', 2e7, '20m'], ['h3', 2e8, '200m'], ['h3', 2e9, '2b'],
    ]);
    expect(answer.fits.map((f) => [f.series, f.fit.ok])).toEqual([['h1', true], ['h3', true]]);
    for (const f of answer.fits) if (f.fit.ok) expect(f.fit.alpha).toBeCloseTo(0.3, 1);
    const { view } = await render(answer.spec);
    expect(marks((view.scenegraph() as any).root, 'symbol').flatMap((m) => m.items)).toHaveLength(8);
  });
});
