// Run page: run.log (its last MiB).
import { api, el } from '../lib.js';

export async function render(body, run) {
  const { text, truncated } = await api(`run/${encodeURIComponent(run.id)}/log`);
  if (truncated) body.append(el('p', { class: 'note' }, 'the log is long: its last MiB'));
  body.append(el('pre', { id: 'run-log' }, text || '(empty)'));
}
