import { describe, expect, it } from 'vitest';
import { buildAxes, product, SweepError } from '../../sweeps/product.js';

const key = (k: string, ...values: string[]) => ({ key: k, overrides: values.map((v) => `${k}=${v}`) });

describe('sweep product (Hydra BasicSweeper order)', () => {
  it('varies the last key fastest and keeps first-appearance key order', () => {
    const jobs = product(buildAxes([key('budget', '2m', '20m'), key('horizon', 'h1', 'h3', 'h5')]));
    expect(jobs).toEqual([
      ['budget=2m', 'horizon=h1'],
      ['budget=2m', 'horizon=h3'],
      ['budget=2m', 'horizon=h5'],
      ['budget=20m', 'horizon=h1'],
      ['budget=20m', 'horizon=h3'],
      ['budget=20m', 'horizon=h5'],
    ]);
  });

  it('keeps single-valued keys in every job at their position', () => {
    const jobs = product(buildAxes([key('seed', '1'), key('budget', '2m', '20m'), key('trainer', 'smoke')]));
    expect(jobs).toEqual([
      ['seed=1', 'budget=2m', 'trainer=smoke'],
      ['seed=1', 'budget=20m', 'trainer=smoke'],
    ]);
  });

  it('pairs zipped keys element-wise, the zip taking part in the product at its first key', () => {
    const keys = [key('budget', '2m', '20m', '200m'), key('seed', '1', '2'), key('horizon', 'h1', 'h3', 'h5')];
    const jobs = product(buildAxes(keys, [['budget', 'horizon']]));
    expect(jobs).toEqual([
      ['budget=2m', 'horizon=h1', 'seed=1'],
      ['budget=2m', 'horizon=h1', 'seed=2'],
      ['budget=20m', 'horizon=h3', 'seed=1'],
      ['budget=20m', 'horizon=h3', 'seed=2'],
      ['budget=200m', 'horizon=h5', 'seed=1'],
      ['budget=200m', 'horizon=h5', 'seed=2'],
    ]);
  });

  it('matches zip names against +/++ keys by their bare name', () => {
    const keys = [{ key: '+extra', overrides: ['+extra=1', '+extra=2'] }, key('budget', '2m', '20m')];
    expect(product(buildAxes(keys, [['extra', 'budget']]))).toEqual([
      ['+extra=1', 'budget=2m'],
      ['+extra=2', 'budget=20m'],
    ]);
  });

  it('refuses zips of unequal length, unknown keys, single keys and overlapping zips', () => {
    const keys = [key('budget', '2m', '20m'), key('horizon', 'h1', 'h3', 'h5'), key('seed', '1', '2')];
    expect(() => buildAxes(keys, [['budget', 'horizon']])).toThrow(/same number of values \(budget has 2, horizon has 3\)/);
    expect(() => buildAxes(keys, [['budget', 'model']])).toThrow(/no override sets 'model'/);
    expect(() => buildAxes(keys, [['budget']])).toThrow(SweepError);
    expect(() => buildAxes(keys, [['budget', 'seed'], ['seed', 'horizon']])).toThrow(/more than one zip/);
  });

  it('gives no jobs when an axis is empty and one empty job when there are no keys', () => {
    expect(product(buildAxes([key('budget', '2m'), { key: 'model', overrides: [] }]))).toEqual([]);
    expect(product(buildAxes([]))).toEqual([[]]);
  });
});
