// The scaling view: a metric (best val loss by default) against the exact parameter count on log axes, one
// series per horizon with its fitted L(N) = a·N^(−α) + c, and the fit table (a, α ± s.e., c, R², or why
// there is no fit). The sweep and the metric are picked above the chart: #/scaling?sweep=ID&metric=NAME.
import { api, chart, el, fmt, runLink } from '../lib.js';

const go = (sweep, metric) => {
  const q = new URLSearchParams();
  if (sweep) q.set('sweep', sweep);
  if (metric) q.set('metric', metric);
  location.hash = `#/scaling${q.size ? `?${q}` : ''}`;
};

/** A value ± its standard error, to 4 significant digits (the error to 2). */
const pm = (v, se) => (se === undefined || se === null ? fmt(v) : `${fmt(v)} ± ${Number(se.toPrecision(2))}`);

function fitTable(fits) {
  const head = el('tr', {}, ['series', 'points', 'a', 'α', 'c', 'R²', 'note'].map((h) => el('th', {}, h)));
  const rows = fits.map(({ series, fit }) => el('tr', { 'data-series': series, 'data-fit': fit.ok ? 'ok' : 'none' },
    el('td', {}, series), el('td', { class: 'num' }, fmt(fit.points)),
    ...(fit.ok
      ? [el('td', { class: 'num' }, pm(fit.a, fit.se?.a)), el('td', { class: 'num alpha' }, pm(fit.alpha, fit.se?.alpha)), el('td', { class: 'num' }, pm(fit.c, fit.se?.c)), el('td', { class: 'num' }, fmt(fit.r2)), el('td', {}, fit.se ? '' : 'no standard errors: no residual degrees of freedom')]
      : [el('td', {}, '–'), el('td', {}, '–'), el('td', {}, '–'), el('td', {}, '–'), el('td', { class: 'reason' }, fit.reason)])));
  return el('table', { id: 'scaling-fits' }, el('thead', {}, head), el('tbody', {}, rows));
}

export async function render(main, route) {
  const sweep = route.query.get('sweep') ?? '';
  const metric = route.query.get('metric') ?? '';
  main.append(el('h1', {}, 'Scaling'));
  const picker = el('select', { id: 'scaling-sweep', onchange: (e) => go(e.target.value, metric) }, el('option', { value: '' }, 'every run in the index'));
  const metricInput = el('input', { id: 'scaling-metric', list: 'scaling-metrics', value: metric || 'best_val_loss', size: 24, onchange: (e) => go(sweep, e.target.value.trim()) });
  const metrics = el('datalist', { id: 'scaling-metrics' });
  main.append(el('p', { class: 'controls' }, el('label', {}, 'sweep ', picker), ' ', el('label', {}, 'metric ', metricInput), metrics));
  let view;
  try {
    view = await api(`scaling?${new URLSearchParams({ sweep, metric })}`);
  } catch (e) {
    // the pickers stay usable: list the sweeps even when this choice has nothing to show
    const { sweeps } = await api('sweeps').catch(() => ({ sweeps: [] }));
    picker.append(...sweeps.map((s) => el('option', { value: s.id, selected: s.id === sweep }, `${s.id} ${s.dir}`)));
    main.append(el('p', { class: 'error' }, e.message));
    return;
  }
  picker.append(...view.sweeps.map((s) => el('option', { value: s.id, selected: s.id === view.sweep?.id }, `${s.id} ${s.dir} (${s.completed} completed)`)));
  metrics.append(...view.metrics.map((m) => el('option', { value: m })));
  const where = view.sweep ? `sweep ${view.sweep.id} (${view.sweep.dir})` : 'every run in the index';
  main.append(el('p', {}, `${view.metric} against the exact parameter count N, ${where}: ${view.points.length} point(s) in ${view.fits.length} series; fit L(N) = a·N^(−α) + c by least squares, ± one standard error`));
  const box = el('div', { class: 'charts' });
  main.append(box, el('h2', {}, 'fit'), fitTable(view.fits));
  main.append(el('h2', {}, 'points'), el('table', { id: 'scaling-points' }, el('tr', {}, ['series', 'N', view.metric, 'budget', 'run'].map((h) => el('th', {}, h))),
    view.points.map((p) => el('tr', {}, el('td', {}, p.series), el('td', { class: 'num' }, fmt(p.n)), el('td', { class: 'num' }, fmt(p.value)), el('td', {}, p.budget ?? ''), el('td', {}, runLink(p.run_id))))));
  if (view.left_out.length) main.append(el('h2', {}, 'left out'), el('ul', {}, view.left_out.map((r) => el('li', {}, runLink(r.run_id), ` ${r.why}`))));
  await chart(box, { title: 'scaling', spec: view.spec });
}
