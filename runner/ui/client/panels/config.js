// Run page: the overrides, the group choices, what the task recorded, and the resolved config.
import { el } from '../lib.js';

const flatten = (v, prefix = '', out = []) => {
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  else out.push([prefix, Array.isArray(v) ? JSON.stringify(v) : String(v)]);
  return out;
};

export async function render(body, run) {
  body.append(
    el('p', {}, el('strong', {}, 'overrides: '), el('code', { id: 'run-overrides' }, run.overrides.join(' ') || '(none)')),
    el('p', {}, el('strong', {}, 'choices: '), Object.entries(run.choices).map(([k, v]) => `${k}=${v}`).join(' ')),
    el('details', {}, el('summary', {}, 'info (recorded by the run)'), el('pre', {}, JSON.stringify(run.info, null, 2))),
    el('details', {}, el('summary', {}, 'resolved config (flattened)'),
      el('table', { id: 'run-config' }, flatten(run.config).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v))))),
  );
}
