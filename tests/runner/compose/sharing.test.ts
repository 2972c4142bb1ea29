// One option placed at two packages, a YAML alias, an interpolated dict: each place gets its own copy
// (OmegaConf never shares nodes), so changing one never changes another, and `--cfg job` prints no
// YAML anchors.
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeTree } from '../../../runner/compose/compose.js';
import { resolveConfig } from '../../../runner/compose/interpolate.js';
import { placeAtPackage } from '../../../runner/compose/merge.js';
import { applyOverrides } from '../../../runner/overrides/index.js';
import { confDir } from './conf-dir.js';

const twoPackages = confDir({
  'config.yaml': 'defaults:\n  - server/db@src: mysql\n  - server/db@dst: mysql\n  - _self_\n',
  'server/db/mysql.yaml': 'driver: mysql\nopts:\n  pool: 4\n',
});

describe('one option at two packages', () => {
  it('gives two independent copies: dst.driver=pg changes only dst', () => {
    const { config } = composeTree({ configDir: twoPackages, configName: 'config', overrides: ['dst.driver=pg', 'dst.opts.pool=8'] });
    expect(config).toEqual({ src: { driver: 'mysql', opts: { pool: 4 } }, dst: { driver: 'pg', opts: { pool: 8 } } });
  });

  it('prints without YAML anchors or aliases', () => {
    const { config } = composeTree({ configDir: twoPackages, configName: 'config' });
    expect(config.src).not.toBe(config.dst);
    expect(stringify(config)).toBe('src:\n  driver: mysql\n  opts:\n    pool: 4\ndst:\n  driver: mysql\n  opts:\n    pool: 4\n');
  });

  it('leaves the cached file content and later compositions untouched', () => {
    const first = composeTree({ configDir: twoPackages, configName: 'config' });
    (first.config.src as { driver: string }).driver = 'changed by a caller';
    expect(composeTree({ configDir: twoPackages, configName: 'config' }).config.src).toEqual({ driver: 'mysql', opts: { pool: 4 } });
  });
});

describe('no shared nodes anywhere else', () => {
  it('copies a YAML alias into a node of its own', () => {
    const dir = confDir({ 'config.yaml': 'base: &b {lr: 1}\nfast: *b\n' });
    const { config } = composeTree({ configDir: dir, configName: 'config', overrides: ['fast.lr=2'] });
    expect(config).toEqual({ base: { lr: 1 }, fast: { lr: 2 } });
  });

  it('places a copy of a file body, never the cached (frozen) body itself', () => {
    const body = Object.freeze({ opts: Object.freeze({ pool: 4 }) });
    const placed = placeAtPackage('src', body);
    expect(placed).toEqual({ src: { opts: { pool: 4 } } });
    expect(placed.src).not.toBe(body);
    expect((placed.src as { opts: object }).opts).not.toBe(body.opts);
    expect(Object.isFrozen((placed.src as { opts: object }).opts)).toBe(false);
  });

  it('applies overrides to a copy that shares nothing with its input', () => {
    const shared = { lr: 1 };
    const out = applyOverrides({ a: shared, b: shared }, ['b.lr=2']);
    expect(out).toEqual({ a: { lr: 1 }, b: { lr: 2 } });
    expect(shared).toEqual({ lr: 1 });
  });

  it('gives each interpolation of a dict its own copy', () => {
    const resolved = resolveConfig({ a: { x: 1 }, b: '${a}', c: '${b}', d: ['${a}'] });
    expect(resolved).toEqual({ a: { x: 1 }, b: { x: 1 }, c: { x: 1 }, d: [{ x: 1 }] });
    const nodes = [resolved.a, resolved.b, resolved.c, (resolved.d as object[])[0]];
    expect(new Set(nodes).size).toBe(4);
  });
});
