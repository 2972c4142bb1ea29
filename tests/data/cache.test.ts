import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureCachePath } from '../../data/cache.js';
import { loadDataset } from '../../data/index.js';
import { loadConfig, SCATTERED } from './helpers.js';

describe('feature cache and manifest', () => {
  it('a second load, or one with another horizon, reuses the cached features and gives identical data', async () => {
    const cfg = loadConfig();
    const first = await loadDataset(cfg);
    expect(first.manifest.processed.featureCache).toBe('miss');
    const second = await loadDataset(cfg);
    expect(second.manifest.processed.featureCache).toBe('hit');
    expect(second.manifest.processed).toEqual({ ...first.manifest.processed, featureCache: 'hit' });
    expect(Buffer.from(second.train.x.buffer).equals(Buffer.from(first.train.x.buffer))).toBe(true);

    const h5 = await loadDataset({ ...cfg, horizon: { days: 5 } });
    expect(h5.manifest.processed.featureCache).toBe('hit');
    expect(h5.manifest.processed.featureKey).toBe(first.manifest.processed.featureKey);
    expect(h5.manifest.processed.configHash).not.toBe(first.manifest.processed.configHash);
    expect(h5.manifest.processed.hash).not.toBe(first.manifest.processed.hash);

    const manifestFile = join(cfg.data.cache_dir, 'datasets', `${first.manifest.processed.configHash}.json`);
    expect(JSON.parse(readFileSync(manifestFile, 'utf8'))).toEqual({
      manifest: { ...first.manifest, processed: { ...first.manifest.processed, featureCache: 'hit' } }, // last written by the second load
      featureNames: first.featureNames,
      contextLength: 60,
      normalization: first.normalization,
    });
    // atomic writes leave no temp files behind
    expect(readdirSync(join(cfg.data.cache_dir, 'features')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['a flipped payload byte', (b: Buffer) => (b[b.length - 10] ^= 0xff), 'rebuilt: checksum mismatch'],
    ['a truncated file', (b: Buffer) => b.subarray(0, b.length - 8), 'rebuilt: size mismatch'],
    ['a garbled header', (b: Buffer) => b.fill(0x7b, 4, 40), 'rebuilt: unreadable header'],
  ] as const)('an entry with %s is detected, never used, and rebuilt', async (_what, corrupt, expected) => {
    const cfg = loadConfig({ split: SCATTERED });
    const clean = await loadDataset(cfg);
    const file = featureCachePath(cfg.data.cache_dir, clean.manifest.processed.featureKey);
    const bytes = readFileSync(file);
    const result = corrupt(bytes);
    writeFileSync(file, typeof result === 'number' ? bytes : result);
    const rebuilt = await loadDataset(cfg);
    expect(rebuilt.manifest.processed.featureCache).toContain(expected);
    expect(rebuilt.manifest.processed.hash).toBe(clean.manifest.processed.hash);
    expect((await loadDataset(cfg)).manifest.processed.featureCache).toBe('hit');
  });

  it('the content and config hashes are stable across processes for the same inputs and seed', async () => {
    const a = await loadDataset(loadConfig({ split: SCATTERED, seed: 3 }), { noCache: true });
    const b = await loadDataset(loadConfig({ split: SCATTERED, seed: 3 }), { noCache: true });
    const c = await loadDataset(loadConfig({ split: { ...SCATTERED, seed: 4 } }), { noCache: true });
    expect(a.manifest.processed.featureCache).toBe('off');
    expect(b.manifest.processed.hash).toBe(a.manifest.processed.hash);
    expect(c.manifest.processed.hash).not.toBe(a.manifest.processed.hash);
    expect(c.manifest.processed.configHash).not.toBe(a.manifest.processed.configHash);
  });
});
