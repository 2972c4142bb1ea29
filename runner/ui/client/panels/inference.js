// Run page: in-browser inference. A button loads the run's model.onnx in onnxruntime-web (wasm), scores
// its most recent test windows (sent by GET /api/run/:id/infer, rebuilt from the run's own data) and shows
// each window's probability next to the one in predictions.csv, with the verdict: agree to 1e-5 or not.
import { runInference } from '../infer.js';
import { el, fileUrl, fmt } from '../lib.js';

const prob = (p) => (Number.isFinite(p) ? p.toFixed(7) : String(p));

export async function render(body, run) {
  const out = el('div', { id: 'infer-result' });
  const button = el('button', { id: 'infer-run', onclick: () => score() }, 'Score the last test windows in this page');
  body.append(el('p', {}, button, ' ', el('span', { class: 'note' }, 'model.onnx on onnxruntime-web (wasm, one thread), against predictions.csv')), out);

  async function score() {
    button.disabled = true;
    out.replaceChildren(el('p', { class: 'note' }, 'scoring…'));
    try {
      const r = await runInference({ payload: `/api/run/${encodeURIComponent(run.id)}/infer`, files: `${fileUrl(run.dir)}/`, ort: '/vendor/' });
      out.replaceChildren(
        el('p', { id: 'infer-verdict', class: r.agree ? 'status-completed' : 'error', 'data-agree': String(r.agree), 'data-max-diff': String(r.maxAbsDiff) },
          r.agree ? `agree: every one of ${r.rows.length} window(s) within ${r.tolerance} of predictions.csv` : `disagree: the largest difference is above ${r.tolerance}`,
          ` (largest |difference| ${r.maxAbsDiff.toExponential(2)}; [${r.shape.join(', ')}] scored in ${fmt(Math.round(r.ms))} ms)`),
        el('table', { id: 'infer-rows' },
          el('thead', {}, el('tr', {}, ['date', 'label', 'in-browser p', 'predictions.csv p', '|difference|'].map((h) => el('th', {}, h)))),
          el('tbody', {}, r.rows.map((row) => el('tr', { 'data-diff': String(row.diff) },
            el('td', {}, row.date), el('td', { class: 'num' }, String(row.label)), el('td', { class: 'num' }, prob(row.browser)),
            el('td', { class: 'num' }, prob(row.csv)), el('td', { class: `num${row.diff <= r.tolerance ? '' : ' error'}` }, row.diff.toExponential(1)))))),
      );
    } catch (e) {
      out.replaceChildren(el('p', { id: 'infer-verdict', class: 'error', 'data-agree': 'false' }, e.message));
    } finally {
      button.disabled = false;
    }
  }
}
