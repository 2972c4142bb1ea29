import type { Dataset, SplitName } from './types.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** Human-readable lines about a loaded dataset (source, drops and why, split sizes, balance, cache) for run logs. */
export function describeDataset(ds: Dataset): string[] {
  const m = ds.manifest;
  const split = (name: SplitName): string => {
    const r = m.dateRange[name];
    return `${name} ${m.rows.samples[name]}${r ? ` (${r.first}..${r.last}, ${pct(m.positiveRate[name])} positive)` : ''}`;
  };
  return [
    `data: ${m.raw.path}: ${m.raw.rows} rows ${m.raw.firstDate}..${m.raw.lastDate}, sha256 ${m.raw.sha256.slice(0, 12)}`,
    `features: ${ds.channels} channels (${ds.featureNames.join(', ')}); ${m.dropped.warmup} warm-up rows dropped at the start; ${m.dropped.filled} rows with missing values forward-filled`,
    `samples: ${split('train')} · ${split('val')} · ${split('test')}`,
    `not sample days: ${m.dropped.noFullWindow} rows before the first full ${ds.contextLength}-day window, ${m.dropped.unlabeled} last rows without a label, ` +
      `${m.dropped.purgedTrain} train days purged next to val/test (window, horizon or embargo), ${m.dropped.purgedVal} val days whose label reaches test`,
    `dataset: hash ${m.processed.hash.slice(0, 12)}, config ${m.processed.configHash.slice(0, 12)}, feature cache ${m.processed.featureCache}`,
  ];
}
