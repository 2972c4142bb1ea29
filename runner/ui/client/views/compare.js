// Compare: pick runs (or come with ?ids=a,b), then the config keys that differ side by side, the final
// metrics, and each metric chart with the runs' curves overlaid.
import { api, chart, el, fmt, runLink } from '../lib.js';

async function picker(main) {
  const { runs } = await api('runs');
  const picked = new Set();
  main.append(
    el('h1', {}, 'Compare runs'),
    el('p', {}, 'Tick two or more runs.'),
    el('ul', { id: 'compare-picker' }, runs.map((r) => el('li', {},
      el('label', {}, el('input', { type: 'checkbox', 'data-pick': r.id, onchange: (e) => (e.target.checked ? picked.add(r.id) : picked.delete(r.id)) }),
        ` ${r.id} ${r.status} ${r.overrides.join(' ')}`)))),
    el('button', { id: 'compare-go', onclick: () => { location.hash = `#/compare?ids=${[...picked].join(',')}`; } }, 'compare'),
  );
}

// config lines: null is a value and '–' a key the run lacks; metric lines: null is a metric not logged ('–')
const sideBySide = (id, runs, lines, nullText = '–') => el('table', { id },
  el('thead', {}, el('tr', {}, el('th', {}, ''), runs.map((r) => el('th', {}, runLink(r.id))))),
  el('tbody', {}, lines.map((l) => el('tr', {}, el('td', {}, l.key), l.values.map((v, i) => el('td', { class: typeof v === 'number' ? 'num' : null }, l.absent?.includes(i) ? '–' : v === null ? nullText : fmt(typeof v === 'object' ? JSON.stringify(v) : v)))))));

export async function render(main, route) {
  const ids = (route.query.get('ids') ?? '').split(',').filter(Boolean);
  if (ids.length < 2) return picker(main);
  const cmp = await api(`compare?ids=${ids.map(encodeURIComponent).join(',')}`);
  main.append(
    el('h1', {}, `Compare ${cmp.runs.length} runs`),
    el('ul', {}, cmp.runs.map((r, i) => el('li', {}, runLink(r.id), ` ${r.status} · ${cmp.labels[i]}`))),
    el('h2', {}, `config: ${cmp.config.length} key(s) differ`),
    sideBySide('compare-config', cmp.runs, cmp.config, 'null'),
    el('h2', {}, 'metrics (last value)'),
    sideBySide('compare-metrics', cmp.runs, cmp.metrics),
    el('h2', {}, 'curves'),
  );
  const box = el('div', { class: 'charts' });
  main.append(box);
  await Promise.all(cmp.charts.map((c) => chart(box, c)));
}
