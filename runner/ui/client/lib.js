// Shared helpers of the client modules: the API, DOM building (text only, never HTML from data), charts.

/** GET /api/<path> as JSON; throws the server's error message. */
export async function api(path) {
  const res = await fetch(`/api/${path}`);
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** An element with attributes (on* as listeners) and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** A number as the tables show it: integers with separators, others to 4 significant digits. */
export function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/** Items drawn by the data marks of a rendered Vega scene (points, line vertices, cells, labels); axes, legends and titles left out. */
function drawnItems(mark) {
  if (/^(axis|legend|title)/.test(mark.role ?? '')) return 0;
  if (mark.marktype !== 'group') return mark.items?.length ?? 0;
  let n = 0;
  for (const group of mark.items ?? []) for (const child of group.items ?? []) n += drawnItems(child);
  return n;
}

/**
 * Renders the Vega-Lite `spec` with vega-embed into a new .chart box appended to `parent`. When drawn,
 * the box gets data-rendered="true" and data-items (the marks drawn), which the Chromium tests read.
 */
export async function chart(parent, { title, spec }) {
  const box = el('div', { class: 'chart', 'data-chart': title });
  parent.append(box);
  const target = el('div');
  box.append(target);
  try {
    const result = await window.vegaEmbed(target, spec, { actions: { export: true, source: true, compiled: false, editor: false } });
    box.dataset.items = String(drawnItems(result.view.scenegraph().root));
    box.dataset.rendered = 'true';
    return result;
  } catch (e) {
    box.append(el('p', { class: 'error' }, `chart failed: ${e.message}`));
    throw e;
  }
}

/** A sortable table: columns [{key, title, numeric, render(row)}]; clicking a header sorts by it (again: the other way). */
export function sortableTable(columns, rows, state = { key: null, dir: 1 }, onSort = () => {}) {
  const sorted = [...rows];
  if (state.key) {
    const col = columns.find((c) => c.key === state.key);
    const value = col?.value ?? ((r) => r[state.key]);
    sorted.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined || x === '') return 1; // empty cells last either way
      if (y === null || y === undefined || y === '') return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true })) * state.dir;
    });
  }
  const head = el('tr', {}, columns.map((c) => el('th', { 'data-key': c.key, 'aria-sort': state.key === c.key ? (state.dir > 0 ? 'ascending' : 'descending') : null },
    c.sortable === false ? c.title : el('button', { onclick: () => onSort({ key: c.key, dir: state.key === c.key ? -state.dir : 1 }) }, c.title))));
  const body = sorted.map((r) => el('tr', { 'data-id': r.id }, columns.map((c) => {
    const v = c.render ? c.render(r) : fmt(r[c.key]);
    return el('td', { class: c.numeric ? 'num' : null }, v);
  })));
  return el('table', {}, el('thead', {}, head), el('tbody', {}, body));
}

/** A link to a run page. */
export const runLink = (id) => el('a', { href: `#/run/${encodeURIComponent(id)}` }, id);

/** A file under the outputs dir, as /files/<each segment encoded>. */
export const fileUrl = (...parts) => `/files/${parts.join('/').split('/').map(encodeURIComponent).join('/')}`;
