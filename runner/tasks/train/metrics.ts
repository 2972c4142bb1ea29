// Scores of a binary classifier's probabilities against 0/1 labels. Pure functions over plain arrays,
// so each can be checked against hand-computed values. The decision threshold is p > 0.5 throughout.

type Numbers = ArrayLike<number>;

function checkLengths(p: Numbers, y: Numbers): void {
  if (p.length !== y.length) throw new RangeError(`${p.length} probabilities for ${y.length} labels`);
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function confusion(p: Numbers, y: Numbers): Confusion {
  checkLengths(p, y);
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < p.length; i++) {
    const predicted = p[i] > 0.5;
    if (y[i]) predicted ? c.tp++ : c.fn++;
    else predicted ? c.fp++ : c.tn++;
  }
  return c;
}

/** A ratio whose denominator is 0 counts as 0 (scikit-learn's zero_division=0). */
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function classification(c: Confusion): { accuracy: number; precision: number; recall: number; f1: number } {
  const n = c.tp + c.fp + c.tn + c.fn;
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  return { accuracy: n ? (c.tp + c.tn) / n : NaN, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the chance that a random positive scores above a
 * random negative, ties counting one half (average ranks). NaN when a class is absent.
 */
export function rocAuc(p: Numbers, y: Numbers): number {
  checkLengths(p, y);
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && p[order[end + 1]] === p[order[start]]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (y[order[k]]) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = p.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared error of the probabilities. */
export function brier(p: Numbers, y: Numbers): number {
  checkLengths(p, y);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - y[i]) ** 2;
  return p.length ? sum / p.length : NaN;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin (null when empty). */
  meanProb: number | null;
  /** Observed share of positives in the bin (null when empty). */
  positiveRate: number | null;
}

/** Equal-width reliability table: bin i holds p in [i/n, (i+1)/n), the last bin includes 1. */
export function calibration(p: Numbers, y: Numbers, bins = 10): CalibrationBin[] {
  checkLengths(p, y);
  const count = new Array<number>(bins).fill(0);
  const probSum = new Array<number>(bins).fill(0);
  const posSum = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(Math.floor(p[i] * bins), bins - 1);
    count[b]++;
    probSum[b] += p[i];
    posSum[b] += y[i];
  }
  return count.map((n, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: n,
    meanProb: n ? probSum[b] / n : null,
    positiveRate: n ? posSum[b] / n : null,
  }));
}

export function positiveRate(y: Numbers): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  return y.length ? sum / y.length : NaN;
}

export interface Backtest {
  /** Compounded return of holding the index on days with p > 0.5, cash (0 %) otherwise. */
  totalReturn: number;
  /** Compounded return of holding the index every day. */
  buyAndHoldReturn: number;
  /** Share of days in the market whose return was positive (NaN if never in the market). */
  hitRate: number;
  /** Entries into the market (a cash → hold switch, counting a start in the market). */
  trades: number;
  daysInMarket: number;
}

/** `returns[i]` is the index's return from sample day i to the next trading day, decided on with p[i]. */
export function backtest(p: Numbers, returns: Numbers): Backtest {
  checkLengths(p, returns);
  let strategy = 1;
  let hold = 1;
  let trades = 0;
  let days = 0;
  let hits = 0;
  let inMarket = false;
  for (let i = 0; i < p.length; i++) {
    const enter = p[i] > 0.5;
    if (enter && !inMarket) trades++;
    inMarket = enter;
    hold *= 1 + returns[i];
    if (enter) {
      strategy *= 1 + returns[i];
      days++;
      if (returns[i] > 0) hits++;
    }
  }
  return { totalReturn: strategy - 1, buyAndHoldReturn: hold - 1, hitRate: days ? hits / days : NaN, trades, daysInMarket: days };
}

export interface Scores {
  loss: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  brier: number;
  positive_rate: number;
  /** Accuracy of always predicting the split's majority class: what `accuracy` must beat. */
  majority_accuracy: number;
}

/**
 * Every scalar score of one split, named as they go to the index (prefixed with the split name).
 * `loss` is the split's mean binary cross-entropy as the eval graph computes it, from logits: a
 * probability rounded to 0 or 1 in float32 would make the loss from `p` clipped or infinite instead.
 */
export function score(p: Numbers, y: Numbers, loss: number): Scores {
  checkLengths(p, y);
  const rate = positiveRate(y);
  return {
    loss,
    ...classification(confusion(p, y)),
    auc: rocAuc(p, y),
    brier: brier(p, y),
    positive_rate: rate,
    majority_accuracy: Math.max(rate, 1 - rate),
  };
}
