import { describe, expect, it } from 'vitest';
import { mergeConfigs, placeAtPackage } from '../../../runner/compose/merge.js';

describe('merge (OmegaConf semantics)', () => {
  it('merges dicts deeply, later values winning', () => {
    const out = mergeConfigs([{ a: { x: 1, y: 2 }, b: 1 }, { a: { y: 3, z: 4 } }]);
    expect(out).toEqual({ a: { x: 1, y: 3, z: 4 }, b: 1 });
  });

  it('replaces lists instead of concatenating them', () => {
    expect(mergeConfigs([{ betas: [0.9, 0.999] }, { betas: [0.8] }])).toEqual({ betas: [0.8] });
  });

  it('replaces a dict by a scalar or null and the other way round', () => {
    expect(mergeConfigs([{ a: { x: 1 } }, { a: null }])).toEqual({ a: null });
    expect(mergeConfigs([{ a: 1 }, { a: { x: 1 } }])).toEqual({ a: { x: 1 } });
  });

  it('does not let a mandatory ??? erase a value set earlier', () => {
    expect(mergeConfigs([{ path: 'spy.csv' }, { path: '???' }])).toEqual({ path: 'spy.csv' });
    expect(mergeConfigs([{ path: '???' }, { path: 'spy.csv' }])).toEqual({ path: 'spy.csv' });
  });

  it('leaves its inputs untouched', () => {
    const a = Object.freeze({ d: Object.freeze({ x: 1 }) });
    expect(mergeConfigs([a, { d: { y: 2 } }])).toEqual({ d: { x: 1, y: 2 } });
  });

  it('places a config at its package', () => {
    expect(placeAtPackage('server.db', { name: 'x' })).toEqual({ server: { db: { name: 'x' } } });
    expect(placeAtPackage('', { name: 'x' })).toEqual({ name: 'x' });
  });
});
