// Run page: the files of the run folder, each a link served from the outputs dir.
import { api, el, fileUrl, fmt } from '../lib.js';

export async function render(body, run) {
  const { dir, files } = await api(`run/${encodeURIComponent(run.id)}/artifacts`);
  body.append(el('ul', { id: 'run-artifacts' }, files.map((f) => el('li', {}, el('a', { href: fileUrl(dir, f.path), target: '_blank' }, f.path), ` (${fmt(f.bytes)} bytes)`))));
}
