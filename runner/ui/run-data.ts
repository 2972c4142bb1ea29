// A trained run's data as the page needs it again: its test rows of predictions.csv, and its dataset
// rebuilt by data/'s loadDataset from the run's own config (reading no cache and writing none: the page is
// read-only), used only when it hashes to what the run recorded. The backtest's equity curve and the
// in-browser inference check both start here.
import { loadDataset, type Dataset, type LoadConfig } from '../../data/index.js';

/** The run's data cannot be had again (one line with the reason); each caller words it its own way. */
export class RunDataError extends Error {
  override name = 'RunDataError';
}

/** The parts of a train run's config the dataset is built from. */
export interface RunDataConfig {
  seed: number;
  model: { context_length: number };
  data: LoadConfig['data'];
  split: LoadConfig['split'];
  horizon: LoadConfig['horizon'];
  target: LoadConfig['target'];
}

/** A predictions.csv row of the test split. */
export interface PredictionRow {
  date: string;
  label: number;
  prob: number;
}

/**
 * The test rows of predictions.csv (columns split,date,label,prob, found by name), in file order: the
 * order of the test split. @throws RunDataError when a column is missing.
 */
export function testPredictions(csv: string): PredictionRow[] {
  const [header, ...lines] = csv.trim().split('\n');
  const cols = header.split(',');
  const [split, date, label, prob] = ['split', 'date', 'label', 'prob'].map((c) => cols.indexOf(c));
  if (split < 0 || date < 0 || label < 0 || prob < 0) throw new RunDataError(`predictions.csv: expected the columns split,date,label,prob; found ${header}`);
  return lines.map((l) => l.split(',')).filter((f) => f[split] === 'test').map((f) => ({ date: f[date], label: Number(f[label]), prob: Number(f[prob]) }));
}

/**
 * The run's dataset, rebuilt from `config` with relative data paths resolved against each of `cwds` in
 * turn (the first that loads and, when `recordedHash` is given, hashes to it wins).
 * @throws RunDataError when the config has no data (not a training run), or no folder gives the recorded data.
 */
export async function loadRunDataset(config: RunDataConfig, cwds: string[], recordedHash?: string): Promise<Dataset> {
  if (!config.data || !config.model?.context_length) throw new RunDataError('the run has no data config: not a training run');
  const cfg: LoadConfig = { data: config.data, split: config.split, horizon: config.horizon, target: config.target, contextLength: config.model.context_length, seed: config.seed };
  let lastError = '';
  for (const cwd of [...new Set(cwds)]) {
    let data: Dataset;
    try {
      data = await loadDataset(cfg, { cwd, noCache: true });
    } catch (e) {
      lastError = (e as Error).message;
      continue;
    }
    const hash = data.manifest.processed.hash;
    if (!recordedHash || hash === recordedHash) return data;
    lastError = `its data no longer gives the windows it was scored on (processed hash ${hash.slice(0, 12)}, the run recorded ${recordedHash.slice(0, 12)}); was the data file at ${data.manifest.raw.path} changed?`;
  }
  throw new RunDataError(lastError);
}
