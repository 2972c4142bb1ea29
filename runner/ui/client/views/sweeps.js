// Sweeps: every sweep of the index, each linking to its heat maps and search plots.
import { api, el, sortableTable } from '../lib.js';

export async function render(main) {
  const { sweeps } = await api('sweeps');
  const cols = [
    { key: 'id', title: 'id', render: (s) => el('a', { href: `#/sweep/${s.id}` }, s.id) },
    { key: 'status', title: 'status', render: (s) => el('span', { class: `status-${s.status}` }, s.status) },
    { key: 'n_jobs', title: 'jobs', numeric: true },
    { key: 'completed', title: 'completed', numeric: true },
    { key: 'overrides', title: 'overrides', render: (s) => JSON.parse(s.overrides).join(' ') },
    { key: 'started_at', title: 'started' },
    { key: 'dir', title: 'folder' },
  ];
  main.append(el('h1', {}, 'Sweeps'), sweeps.length ? sortableTable(cols, sweeps) : el('p', { class: 'note' }, 'no sweeps yet: npx run -m ...'));
}
