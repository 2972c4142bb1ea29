// The runs table: sortable (click a header), filterable (text and status), refreshed from the server's
// event stream while jobs run; tick runs to compare them.
import { api, el, runLink, sortableTable } from '../lib.js';

const METRICS = ['n_params', 'best_val_loss', 'best_epoch', 'test_auc', 'test_accuracy', 'duration_s'];
const CHOICES = ['task', 'model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data'];
const state = { sort: { key: null, dir: 1 }, filter: '', status: '', selected: new Set() };

function columns(table) {
  const present = (k) => table.runs.some((r) => r[k] !== null && r[k] !== undefined);
  return [
    { key: 'pick', title: '', sortable: false, render: (r) => el('input', { type: 'checkbox', 'data-pick': r.id, checked: state.selected.has(r.id), onchange: (e) => (e.target.checked ? state.selected.add(r.id) : state.selected.delete(r.id)) }) },
    { key: 'id', title: 'id', render: (r) => runLink(r.id) },
    { key: 'status', title: 'status', render: (r) => el('span', { class: `status-${r.status}`, title: r.reason ?? '' }, r.status) },
    { key: 'job', title: 'job', numeric: true },
    ...CHOICES.filter(present).map((k) => ({ key: k, title: k })),
    // an override of a group (budget=20m) is already in its choice column
    ...table.differing.filter((k) => !CHOICES.includes(k)).map((k) => ({ key: `o:${k}`, title: k, value: (r) => numeric(r.differing[k]), render: (r) => r.differing[k] ?? '–' })),
    ...METRICS.filter(present).map((k) => ({ key: k, title: k, numeric: true })),
    { key: 'started_at', title: 'started', render: (r) => r.started_at?.replace('T', ' ').slice(0, 19) },
    { key: 'dir', title: 'folder' },
  ];
}

const numeric = (v) => (v !== null && v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

function matches(r, table) {
  if (state.status && r.status !== state.status) return false;
  if (!state.filter) return true;
  const text = [r.id, r.status, r.dir, r.sweep_id, ...CHOICES.map((k) => r[k]), ...r.overrides].join(' ').toLowerCase();
  return state.filter.toLowerCase().split(/\s+/).filter(Boolean).every((w) => text.includes(w));
}

export async function render(main) {
  const holder = el('div', { id: 'runs-table' });
  const count = el('span', { id: 'runs-count' });
  const status = el('select', { id: 'status-filter', onchange: (e) => { state.status = e.target.value; draw(); } }, el('option', { value: '' }, 'any status'));
  const compare = el('button', { id: 'compare-selected', onclick: () => { location.hash = `#/compare?ids=${[...state.selected].join(',')}`; } }, 'compare selected');
  main.append(
    el('h1', {}, 'Runs'),
    el('div', { class: 'toolbar' },
      el('input', { id: 'runs-filter', type: 'search', placeholder: 'filter: words in id, choices, overrides, folder', size: 48, value: state.filter, oninput: (e) => { state.filter = e.target.value; draw(); } }),
      status, compare, count),
    holder,
  );
  let table = { runs: [], differing: [] };
  function draw() {
    const rows = table.runs.filter((r) => matches(r, table));
    holder.replaceChildren(sortableTable(columns(table), rows, state.sort, (s) => { state.sort = s; draw(); }));
    count.textContent = `${rows.length} of ${table.runs.length} run(s)`;
  }
  async function refresh() {
    try {
      table = await api('runs');
    } catch (e) {
      holder.replaceChildren(el('p', { class: 'note' }, e.message));
      return;
    }
    const statuses = [...new Set(table.runs.map((r) => r.status))].sort();
    status.replaceChildren(el('option', { value: '' }, 'any status'), ...statuses.map((s) => el('option', { value: s, selected: s === state.status }, s)));
    draw();
  }
  await refresh();
  // the server sends `change` when a run starts, logs or ends
  const events = new EventSource('/api/events');
  events.addEventListener('change', () => refresh());
  return () => events.close();
}

