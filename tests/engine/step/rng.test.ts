import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dropoutTable } from '../../../engine/step/dropout.js';
import { Rng } from '../../../engine/step/rng.js';

// The init and dropout streams are part of what a seed means: a run resumed or repeated with a newer
// Ladder must draw the same weights and masks. These values were drawn by the first implementation (sfc32
// state in a JS array, the table through an array of uniforms) before it was made allocation-free.
describe('the seeded streams stay the same across implementations', () => {
  it('Rng(42) draws the same uint32s, uniforms and normals, and resumes from its state', () => {
    const r = new Rng(42);
    expect([r.nextU32(), r.nextU32(), r.next(), r.normal(), r.uniform(-1, 1)]).toEqual([3825345701, 1494873128, 0.14228606340271732, -0.4197437042679464, 0.571575157309508]);
    expect(r.state).toEqual([1725429117, 4200676262, 4265814855, 2855820870]);
    expect(new Rng(r.state).nextU32()).toBe(191991657);
  });

  it('the dropout table of a seed is the same bits (two rates, the 2m/64 size)', () => {
    const table = dropoutTable({ sites: 64, tableSize: 64 * 25 * 8 * 256, rates: [0.12, 0.2] }, 42);
    expect(createHash('sha256').update(new Uint8Array(table.buffer)).digest('hex').slice(0, 16)).toBe('def32b6c2a29f162');
  });
});
