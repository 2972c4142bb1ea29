// A sweep: budget × horizon heat maps of best val loss and test AUC, its jobs read as a search (the
// optimization history, each varied parameter against the objective), and its runs.
import { api, chart, el, fmt, runLink } from '../lib.js';

export async function render(main, route) {
  const { sweep, runs, params, charts } = await api(`sweep/${encodeURIComponent(route.args[0])}`);
  main.append(
    el('h1', {}, `Sweep ${sweep.id} `, el('span', { class: `status-${sweep.status}` }, sweep.status)),
    el('p', {}, `${sweep.dir} · ${sweep.overrides.join(' ')} · ${runs.length} run(s)`),
  );
  const box = el('div', { class: 'charts' });
  main.append(box);
  if (!charts.length) box.append(el('p', { class: 'note' }, 'no finished run with a val loss yet'));
  const ids = runs.map((r) => r.id).join(',');
  main.append(
    el('h2', {}, 'runs ', el('a', { href: `#/compare?ids=${ids}` }, '(compare all)')),
    el('table', { id: 'sweep-runs' }, el('tr', {}, ['run', 'job', 'status', 'overrides that vary', 'best val loss', 'test AUC'].map((h) => el('th', {}, h))), runs.map((r) => el('tr', {}, el('td', {}, runLink(r.id)), el('td', {}, `#${r.job}`), el('td', { class: `status-${r.status}` }, r.status),
      el('td', {}, r.overrides.filter((o) => params.some((p) => o.replace(/^[+~]+/, '').startsWith(`${p}=`))).join(' ')), el('td', { class: 'num' }, fmt(r.best_val_loss)), el('td', { class: 'num' }, fmt(r.test_auc))))),
  );
  await Promise.all(charts.map((c) => chart(box, c)));
}
