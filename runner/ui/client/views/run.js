// The run page: its header, then each panel the server lists (config, metrics, calibration and backtest,
// log, artifacts, and any panel added to RUN_PANELS in runner/ui/views.ts), each from its own module.
import { api, el } from '../lib.js';

export async function render(main, route) {
  const id = route.args[0];
  const run = await api(`run/${encodeURIComponent(id)}`);
  main.append(
    el('h1', {}, `Run ${run.id} `, el('span', { class: `status-${run.status}` }, run.status)),
    run.reason ? el('p', { class: 'note' }, run.reason) : null,
    el('p', {}, `${run.task} · ${run.folder}`, run.sweep_id ? el('span', {}, ' · sweep ', el('a', { href: `#/sweep/${run.sweep_id}` }, run.sweep_id), ` job #${run.job}`) : ' · single run',
      ` · started ${run.started_at}`, run.duration_s !== null ? ` · ${run.duration_s} s` : ''),
  );
  const sections = route.panels.map((p) => {
    const body = el('div', { class: 'panel-body' });
    main.append(el('section', { id: `panel-${p.id}` }, el('h2', {}, p.title), body));
    return { p, body };
  });
  // panels load side by side; one failing shows its error and leaves the others
  await Promise.all(sections.map(async ({ p, body }) => {
    try {
      await (await import(`/${p.module}`)).render(body, run);
    } catch (e) {
      body.append(el('p', { class: 'error' }, e.message));
    }
  }));
}
