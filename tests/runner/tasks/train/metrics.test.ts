import { describe, expect, it } from 'vitest';
import { backtest, brier, calibration, classification, confusion, positiveRate, rocAuc, score } from '../../../../runner/tasks/train/metrics.js';

// Six predictions worked out by hand: p > 0.5 predicts 1, so p = 0.5 predicts 0.
const p = [0.9, 0.8, 0.3, 0.6, 0.2, 0.5];
const y = [1, 0, 1, 1, 0, 0];

describe('classification scores', () => {
  it('counts the confusion matrix with p > 0.5 as positive', () => {
    expect(confusion(p, y)).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
  });

  it('gives accuracy, precision, recall and F1 from the counts', () => {
    const c = classification(confusion(p, y));
    expect(c.accuracy).toBeCloseTo(4 / 6, 12);
    expect(c.precision).toBeCloseTo(2 / 3, 12);
    expect(c.recall).toBeCloseTo(2 / 3, 12);
    expect(c.f1).toBeCloseTo(2 / 3, 12);
    const lopsided = classification({ tp: 1, fp: 3, tn: 0, fn: 1 });
    expect(lopsided.precision).toBeCloseTo(0.25, 12);
    expect(lopsided.recall).toBeCloseTo(0.5, 12);
    expect(lopsided.f1).toBeCloseTo(1 / 3, 12);
  });

  it('scores 0 (not NaN) for precision and F1 when nothing is predicted positive', () => {
    expect(classification(confusion([0.1, 0.2], [1, 0]))).toEqual({ accuracy: 0.5, precision: 0, recall: 0, f1: 0 });
  });

  it('Brier score is the mean squared error of the probabilities', () => {
    expect(brier(p, y)).toBeCloseTo(1.59 / 6, 12);
  });

  it('positive rate and the majority baseline', () => {
    expect(positiveRate([1, 0, 0, 0])).toBe(0.25);
    const s = score([0.2, 0.2, 0.2, 0.2], [1, 0, 0, 0], 0.5);
    expect(s.majority_accuracy).toBe(0.75);
    expect(s.accuracy).toBe(0.75);
  });

  it('takes the loss as the eval graph computed it (from logits), and rejects mismatched lengths', () => {
    expect(score(p, y, 0.7243).loss).toBe(0.7243);
    expect(() => score([0.5], [1, 0], 0.7)).toThrow(/1 probabilities for 2 labels/);
  });
});

describe('ROC-AUC', () => {
  it('is the share of positive/negative pairs ranked correctly', () => {
    // positives 0.9, 0.3, 0.6 against negatives 0.8, 0.2, 0.5: 3 + 1 + 2 of 9 pairs
    expect(rocAuc(p, y)).toBeCloseTo(6 / 9, 12);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    // pairs: (0.5 vs 0.5) 1/2, (0.5 vs 0.2) 1, (0.8 vs 0.5) 1, (0.8 vs 0.2) 1
    expect(rocAuc([0.5, 0.5, 0.2, 0.8], [1, 0, 0, 1])).toBeCloseTo(3.5 / 4, 12);
    expect(rocAuc([0.4, 0.4, 0.4], [1, 0, 1])).toBeCloseTo(0.5, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.1, 0.9], [1, 1])).toBeNaN();
  });
});

describe('calibration table', () => {
  it('puts each probability in its tenth, 1.0 in the last bin, with mean prob and observed rate', () => {
    const table = calibration([0.05, 0.15, 0.12, 1.0, 0.95], [0, 1, 0, 1, 0]);
    expect(table).toHaveLength(10);
    expect(table[0]).toEqual({ lo: 0, hi: 0.1, count: 1, meanProb: 0.05, positiveRate: 0 });
    expect(table[1].count).toBe(2);
    expect(table[1].meanProb).toBeCloseTo(0.135, 12);
    expect(table[1].positiveRate).toBe(0.5);
    expect(table[9].count).toBe(2);
    expect(table[9].meanProb).toBeCloseTo(0.975, 12);
    expect(table[5]).toEqual({ lo: 0.5, hi: 0.6, count: 0, meanProb: null, positiveRate: null });
    expect(table.reduce((a, b) => a + b.count, 0)).toBe(5);
  });
});

describe('backtest', () => {
  it('holds on p > 0.5, else cash, against buy-and-hold', () => {
    const r = backtest([0.7, 0.6, 0.4, 0.9, 0.2], [0.01, -0.02, 0.03, 0.05, -0.01]);
    expect(r.totalReturn).toBeCloseTo(1.01 * 0.98 * 1.05 - 1, 12);
    expect(r.buyAndHoldReturn).toBeCloseTo(1.01 * 0.98 * 1.03 * 1.05 * 0.99 - 1, 12);
    expect(r.trades).toBe(2);
    expect(r.daysInMarket).toBe(3);
    expect(r.hitRate).toBeCloseTo(2 / 3, 12);
  });

  it('never in the market: no return, no trades, hit rate undefined', () => {
    const r = backtest([0.1, 0.5], [0.02, 0.03]);
    expect(r).toMatchObject({ totalReturn: 0, trades: 0, daysInMarket: 0 });
    expect(r.hitRate).toBeNaN();
  });
});
