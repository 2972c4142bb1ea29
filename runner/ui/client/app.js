// The results page's shell: the navigation from /api/ui, and the router that hands #/<view>/<args>?<query>
// to the view's client module (export async function render(el, route) → optional dispose()).
import { api, el } from './lib.js';

const main = document.getElementById('main');
let ui;
let dispose = null;
let generation = 0;

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [view = 'runs', ...args] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { view, args, query: new URLSearchParams(query) };
}

async function route() {
  const r = parseHash();
  const mine = ++generation;
  dispose?.();
  dispose = null;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === r.view);
  const view = ui.views.find((v) => v.id === r.view);
  main.replaceChildren();
  if (!view) {
    main.append(el('p', { class: 'error' }, `no view '${r.view}'`));
    return;
  }
  try {
    const mod = await import(`/${view.module}`);
    if (mine !== generation) return;
    const d = await mod.render(main, { ...r, panels: ui.panels });
    if (mine === generation) dispose = d ?? null;
    else d?.();
  } catch (e) {
    if (mine === generation) main.append(el('p', { class: 'error' }, e.message));
  }
}

ui = await api('ui');
document.getElementById('outputs').textContent = ui.outputsDir;
document.getElementById('nav').append(...ui.views.filter((v) => v.nav).map((v) => el('a', { href: `#/${v.id}`, 'data-view': v.id }, v.title)));
window.addEventListener('hashchange', route);
await route();
