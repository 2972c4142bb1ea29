// Run page: the 10-bin calibration plot (val and test, best checkpoint) and the backtest's equity curve
// against buy-and-hold, with a note for what the run folder cannot give.
import { api, chart, el } from '../lib.js';

export async function render(body, run) {
  const { charts, notes } = await api(`run/${encodeURIComponent(run.id)}/evaluation`);
  for (const n of notes) body.append(el('p', { class: 'note' }, n));
  const box = el('div', { class: 'charts' });
  body.append(box);
  await Promise.all(charts.map((c) => chart(box, c)));
}
