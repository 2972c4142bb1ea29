// In-browser inference: scores a run's most recent test windows with its model.onnx on onnxruntime-web
// (wasm, one thread) and compares the probabilities with the ones predictions.csv holds. The windows and
// the expected probabilities come from the server (runner/ui/infer/payload.ts); onnxruntime-web's files
// from a folder that serves its dist build (runner/ui/infer/ort.ts lists them).

const loaded = new Map();

/**
 * onnxruntime-web's wasm build, imported once per `base` (a URL folder serving ORT_DIST_FILES, ending in
 * '/'); set to one thread (no cross-origin isolation is needed) and to load its wasm from `base`.
 */
export function loadOrt(base = '/vendor/') {
  if (!loaded.has(base)) {
    loaded.set(base, import(`${base}ort.wasm.min.mjs`).then((ort) => {
      ort.env.wasm.wasmPaths = base;
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      return ort;
    }));
  }
  return loaded.get(base);
}

/** The payload's windows as one Float32Array [K·L·C] (base64 of float32 little-endian). */
export function decodeWindows(payload) {
  const raw = atob(payload.x);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const [k, l, c] = payload.shape;
  if (bytes.length !== k * l * c * 4) throw new Error(`the payload has ${bytes.length} bytes of windows, its shape [${payload.shape}] needs ${k * l * c * 4}`);
  const view = new DataView(bytes.buffer);
  const x = new Float32Array(k * l * c);
  for (let i = 0; i < x.length; i++) x[i] = view.getFloat32(4 * i, true);
  return x;
}

/**
 * Scores every window of `payload` with the model `modelBytes` (Uint8Array of model.onnx; `externalData`
 * the bytes of model.onnx.data when the payload names one): one run per window, as exported (x [1, L, C]).
 * Returns the probabilities, a Float32Array [K].
 */
export async function scoreWindows(ort, modelBytes, payload, externalData = null) {
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  if (payload.externalData) {
    if (!externalData) throw new Error(`the model keeps its weights in ${payload.externalData}: pass its bytes`);
    options.externalData = [{ path: payload.externalData, data: externalData }];
  }
  const session = await ort.InferenceSession.create(modelBytes, options);
  try {
    const x = decodeWindows(payload);
    const [k, l, c] = payload.shape;
    const size = l * c;
    const probs = new Float32Array(k);
    for (let i = 0; i < k; i++) {
      const feeds = { [payload.input.name]: new ort.Tensor('float32', x.slice(i * size, (i + 1) * size), payload.input.shape) };
      const out = await session.run(feeds);
      probs[i] = out[payload.output].data[0];
    }
    return probs;
  } finally {
    await session.release();
  }
}

/**
 * The page's probabilities against predictions.csv's: a row per window (date, label, browser, csv,
 * |difference|), the largest difference, and whether every row agrees within `tolerance`.
 */
export function agreement(payload, probs, tolerance = payload.tolerance) {
  const rows = payload.dates.map((date, i) => ({ date, label: payload.labels[i], browser: probs[i], csv: payload.expected[i], diff: Math.abs(probs[i] - payload.expected[i]) }));
  const maxAbsDiff = rows.reduce((m, r) => (Number.isNaN(r.diff) ? Infinity : Math.max(m, r.diff)), 0);
  return { rows, maxAbsDiff, tolerance, agree: rows.length > 0 && maxAbsDiff <= tolerance };
}

async function bytesOf(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The whole check from URLs: fetches the payload (JSON), the model and its external data (URLs of the run
 * folder's files: `files` + the payload's file names), scores the windows and compares them.
 * `urls` = { payload, files, ort }: e.g. { payload: '/api/runs/ab12/infer', files: '/files/2026-11-30/10-08-33/', ort: '/vendor/' }.
 * Returns agreement()'s result with `probs` and the time the scoring took (ms).
 */
export async function runInference(urls) {
  const res = await fetch(urls.payload);
  const payload = await res.json();
  if (!res.ok) throw new Error(payload.error ?? `GET ${urls.payload}: ${res.status}`);
  const [ort, model, externalData] = await Promise.all([
    loadOrt(urls.ort),
    bytesOf(`${urls.files}${payload.model}`),
    payload.externalData ? bytesOf(`${urls.files}${payload.externalData}`) : null,
  ]);
  const t0 = performance.now();
  const probs = await scoreWindows(ort, model, payload, externalData);
  return { ...agreement(payload, probs), probs: Array.from(probs), shape: payload.shape, ms: performance.now() - t0 };
}
