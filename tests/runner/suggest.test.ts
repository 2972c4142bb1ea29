import { describe, expect, it } from 'vitest';
import { nearest } from '../../runner/suggest.js';
import { nearestKeys } from '../../runner/overrides/apply.js';

describe('nearest (did you mean)', () => {
  it('ranks by edit distance ignoring case, ties alphabetical, within a third of the word (at least 2)', () => {
    expect(nearest('lr', ['LR', 'lx', 'ab', 'batch_size'])).toEqual(['LR', 'lx', 'ab']);
    expect(nearest('batch_sise', ['batch_size', 'batch', 'patch_size', 'xyz'])).toEqual(['batch_size', 'patch_size']);
    expect(nearest('abc', ['abd', 'abe', 'abf', 'abg'], { limit: 2 })).toEqual(['abd', 'abe']);
  });

  it('takes a budget per candidate, case sensitivity and an adjusted distance', () => {
    expect(nearest('Lr', ['lr'], { ignoreCase: false, budget: () => 0 })).toEqual([]);
    expect(nearest('x.lr', ['model.lr', 'x.l'], { distance: (c, edits) => (c.endsWith('.lr') ? 1 : edits) })).toEqual(['model.lr', 'x.l']);
  });

  it('keeps the override hints: a same leaf name elsewhere counts as one edit', () => {
    const config = { trainer: { lr: 1, epochs: 2 }, model: { d_model: 8 } };
    expect(nearestKeys(config, 'lr')).toEqual(['trainer.lr']);
    expect(nearestKeys(config, 'trainer.epoch')).toEqual(['trainer.epochs']);
    expect(nearestKeys(config, 'trainer.lr.x')).toEqual([]);
  });
});
