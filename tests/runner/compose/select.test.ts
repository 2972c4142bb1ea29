// ${oc.select:key,default} as OmegaConf 2.3 resolves it (its tests/interpolation/built_in_resolvers/
// test_oc_select.py and the oc.select docs): the default stands in for a key that does not exist or is
// ??? (mandatory, unset); null stays null; keys are absolute, or relative to the node's container.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../runner/compose/interpolate.js';
import type { ConfigDict } from '../../../runner/compose/types.js';

const resolve = (config: ConfigDict, allowMissing = false) => resolveConfig(config, { allowMissing });

describe('oc.select', () => {
  it('uses the default when the key is ??? (mandatory and unset), null without one', () => {
    expect(resolve({ missing: '???', a: '${oc.select:missing}', b: '${oc.select:missing, default value}' }, true)).toEqual({
      missing: '???', a: null, b: 'default value',
    });
    // outside printing the ??? key itself is still an error, but no longer one of the oc.select
    expect(() => resolve({ b: '${oc.select:missing,/tmp}', missing: '???' })).toThrow(/^Missing mandatory value: missing\. Set it/);
    expect(resolve({ data: { path: '???', dir: '${oc.select:data.path,/data}' } }, true)).toEqual({ data: { path: '???', dir: '/data' } });
  });

  it('uses the default for a key that does not exist, and keeps its type', () => {
    expect(resolve({ a0: '${oc.select:zz, 10}', a1: '${oc.select:.zz, 11}', a2: '${oc.select:zz, null}', a3: '${oc.select:zz, ${value}}', value: 20 })).toEqual({
      a0: 10, a1: 11, a2: null, a3: 20, value: 20,
    });
  });

  it('returns null for a null value even with a default', () => {
    expect(resolve({ none: null, a: '${oc.select:none}', b: '${oc.select:none, default value}' })).toEqual({ none: null, a: null, b: null });
  });

  it('selects absolute and relative keys as a plain interpolation does', () => {
    expect(resolve({ a0: '${k}', a1: '${oc.select:k}', a2: '${oc.select:k, zzz}', k: 10 })).toMatchObject({ a0: 10, a1: 10, a2: 10 });
    expect(resolve({ nested: { a0: '${.k}', a1: '${oc.select:.k}', a2: '${oc.select:.k, zzz}', k: 20 } }).nested).toMatchObject({ a0: 20, a1: 20, a2: 20 });
    expect(resolve({ nested: { a0: '${..k}', a1: '${oc.select:..k}', a2: '${oc.select:..k, zzz}', k: 20 }, k: 10 }).nested).toMatchObject({ a0: 10, a1: 10, a2: 10 });
  });

  it('uses the default for a relative key above the root; a plain interpolation there is an error', () => {
    expect(resolve({ a: '${oc.select:..member, 5}' })).toEqual({ a: 5 });
    expect(() => resolve({ member: 1, a: '${..member}' })).toThrow("Interpolation error at 'a': key '..member' goes above the top of the config");
  });

  it('selects keys a plain interpolation cannot name, such as one with a colon', () => {
    expect(resolve({ 'a:b': 10, good: "${oc.select:'a:b'}" })).toEqual({ 'a:b': 10, good: 10 });
  });

  it('resolves a selected interpolation; one that needs a ??? is still an error', () => {
    expect(resolve({ x: 3, y: '${x}', a: '${oc.select:y,0}' })).toMatchObject({ a: 3 });
    expect(() => resolve({ x: '???', y: '${x}', a: '${oc.select:y,0}' })).toThrow('Missing mandatory value: x');
  });
});
