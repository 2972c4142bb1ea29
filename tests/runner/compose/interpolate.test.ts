import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../runner/compose/interpolate.js';
import { strftime } from '../../../runner/compose/now.js';
import type { ConfigDict } from '../../../runner/compose/types.js';

const resolve = (config: ConfigDict, env: Record<string, string> = {}) => resolveConfig(config, { env });

describe('interpolation', () => {
  it('resolves absolute keys and keeps the referenced type', () => {
    const out = resolve({ budget: { lr: 0.001, epochs: 50 }, trainer: { lr: '${budget.lr}', epochs: '${budget.epochs}' } });
    expect(out.trainer).toEqual({ lr: 0.001, epochs: 50 });
  });

  it('copies a whole referenced dict, itself resolved', () => {
    const out = resolve({ a: { x: 1, y: '${a.x}' }, b: '${a}' });
    expect(out.b).toEqual({ x: 1, y: 1 });
  });

  it('resolves relative keys from the containing node', () => {
    const out = resolve({ seed: 7, trainer: { lr: 0.1, peak: '${.lr}', seed: '${..seed}' } });
    expect(out.trainer).toEqual({ lr: 0.1, peak: 0.1, seed: 7 });
  });

  it('builds strings from several interpolations', () => {
    const out = resolve({ seed: 3, model: { name: 'patchtst' }, run: 'run_${model.name}_s${seed}' });
    expect(out.run).toBe('run_patchtst_s3');
  });

  it('follows chains of interpolations and nested ones', () => {
    const out = resolve({ a: '${b}', b: '${c}', c: 5, which: 'c', pick: '${${which}}' });
    expect(out).toMatchObject({ a: 5, b: 5, pick: 5 });
  });

  it('reads environment variables, with and without defaults', () => {
    const config = { dir: '${oc.env:LADDER_CACHE,.ladder-cache}', home: '${oc.env:HOME_DIR}', none: '${oc.env:NOPE,null}' };
    expect(resolve(config, { HOME_DIR: '/home/r' })).toEqual({ dir: '.ladder-cache', home: '/home/r', none: null });
    expect(resolve(config, { HOME_DIR: '/h', LADDER_CACHE: '/tmp/c' }).dir).toBe('/tmp/c');
  });

  it('takes an empty default and selects keys that may not exist', () => {
    expect(resolve({ a: '${oc.env:NOPE,}' }).a).toBe('');
    const out = resolve({ t: { lr: 0.1 }, a: '${oc.select:t.lr,1}', b: '${oc.select:t.nope,1}', c: '${oc.select:t.nope}' });
    expect(out).toMatchObject({ a: 0.1, b: 1, c: null });
    expect(resolve({ q: "${oc.select:nope,'1'}", f: '${oc.select:nope,1.5e-3}', t: '${oc.select:nope,True}' })).toEqual({ q: '1', f: 0.0015, t: true });
  });

  it('decodes env strings into typed values with oc.decode', () => {
    expect(resolve({ bs: '${oc.decode:${oc.env:BS,32}}' }).bs).toBe(32);
  });

  it('names the missing environment variable and the key that needed it', () => {
    expect(() => resolve({ data: { path: '${oc.env:DATA_PATH}' } })).toThrow(
      "Interpolation error at 'data.path': environment variable 'DATA_PATH' is not set",
    );
  });

  it('uses one timestamp per process for ${now:...}', () => {
    const first = resolve({ a: '${now:%Y-%m-%d_%H-%M-%S.%f}', b: '${now:%Y-%m-%d_%H-%M-%S.%f}' });
    const later = resolve({ c: '${now:%Y-%m-%d_%H-%M-%S.%f}' });
    expect(first.a).toMatch(/^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.\d{6}$/);
    expect(first.b).toBe(first.a);
    expect(later.c).toBe(first.a);
  });

  it('formats strftime codes like Python', () => {
    const date = new Date(2024, 2, 5, 14, 7, 9, 12);
    expect(strftime('%Y-%m-%d %H:%M:%S.%f %y %j %a %b %I%p %%', date)).toBe('2024-03-05 14:07:09.012000 24 065 Tue Mar 02PM %');
  });

  it('names the failing key and the missing reference, with a suggestion', () => {
    expect(() => resolve({ budget: { lr: 1 }, trainer: { lr: '${budget.lrr}' } })).toThrow(
      "Interpolation error at 'trainer.lr': key 'budget.lrr' not found. Did you mean 'budget.lr'?",
    );
  });

  it('detects cycles', () => {
    expect(() => resolve({ a: '${b}', b: '${c}', c: '${a}' })).toThrow("Interpolation error at 'a': cycle a -> b -> c -> a");
  });

  it('reports a missing mandatory value by its key', () => {
    expect(() => resolve({ data: { path: '???' } })).toThrow(
      'Missing mandatory value: data.path. Set it on the command line, e.g. data.path=<value>',
    );
    expect(() => resolve({ copy: '${data.path}', data: { path: '???' } })).toThrow("Missing mandatory value: data.path (needed by 'copy')");
  });

  it('can leave missing values in place for printing', () => {
    expect(resolveConfig({ q: '${p}', p: '???' }, { allowMissing: true })).toEqual({ q: '???', p: '???' });
  });

  it('keeps escaped \\${ literally and rejects unknown resolvers', () => {
    expect(resolve({ a: 'cost \\${x}' }).a).toBe('cost ${x}');
    expect(() => resolve({ a: '${foo:1}' })).toThrow("Interpolation error at 'a': unsupported interpolation type 'foo'");
  });

  it('resolves list elements by index', () => {
    expect(resolve({ betas: [0.9, 0.99], b2: '${betas.1}', b1: '${betas[0]}' })).toMatchObject({ b1: 0.9, b2: 0.99 });
  });
});
