// Run page: every metric as a chart against the global step (loss and learning rate per step and per
// epoch together), then the table of each metric's count, first, last, min and max.
import { api, chart, el, fmt, sortableTable } from '../lib.js';

export async function render(body, run) {
  const { charts, summary } = await api(`run/${encodeURIComponent(run.id)}/metrics`);
  if (!charts.length) {
    body.append(el('p', { class: 'note' }, 'no metrics logged'));
    return;
  }
  const box = el('div', { class: 'charts' });
  body.append(box);
  const cols = ['name', 'n', 'first', 'last', 'min', 'max', 'last_step', 'last_epoch'].map((k) => ({ key: k, title: k, numeric: k !== 'name', render: (r) => fmt(r[k]) }));
  body.append(el('details', {}, el('summary', {}, 'metric summary'), sortableTable(cols, summary)));
  await Promise.all(charts.map((c) => chart(box, c)));
}
