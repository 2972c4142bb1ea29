// Final scoring on the best checkpoint: val and test metrics to the index, the calibration tables and
// the backtest to evaluation.json, each sample's probability to predictions.csv.
import { relative } from 'node:path';
import type { Dataset, SplitArrays } from '../../../data/index.js';
import type { Trainer } from '../../../engine/index.js';
import type { RunContext } from '../types.js';
import { evalBatches } from './loop.js';
import { backtest, calibration, score, type Backtest, type CalibrationBin, type Scores } from './metrics.js';

export interface SplitEvaluation {
  scores: Scores;
  calibration: CalibrationBin[];
}

export interface Evaluation {
  /** The checkpoint scored, relative to the run folder. */
  checkpoint: string;
  val: SplitEvaluation;
  test: SplitEvaluation & { backtest: Backtest | null };
}

/** A split's probabilities and its loss, both from the eval graph (the loss from logits, as in training). */
export interface SplitOutput {
  probs: Float32Array;
  loss: number;
}

async function scoreSplit(trainer: Trainer, split: SplitArrays, batchSize: number, seed: number, known?: SplitOutput): Promise<{ probs: Float32Array; result: SplitEvaluation }> {
  const { probs, loss } = known ?? (await trainer.evaluate(evalBatches(split, batchSize, seed)));
  return { probs, result: { scores: score(probs, split.y, loss), calibration: calibration(probs, split.y) } };
}

/** `valKnown`: the best checkpoint's val output if the loop kept it (the eval graph is deterministic). */
export async function evaluateBest(
  trainer: Trainer, data: Dataset, checkpoint: string, batchSize: number, seed: number, ctx: RunContext, valKnown?: SplitOutput,
): Promise<Evaluation> {
  await trainer.loadCheckpoint(checkpoint);
  const val = await scoreSplit(trainer, data.val, batchSize, seed, valKnown);
  const test = await scoreSplit(trainer, data.test, batchSize, seed);
  const returns = data.test.nextReturns;
  const trade = returns ? backtest(test.probs, returns) : null;
  // val_loss stays the per-epoch series (its minimum is the best checkpoint's); the rest is final
  const { loss: _bestValLoss, ...valScores } = val.result.scores;
  for (const [name, scores] of [['val', valScores], ['test', test.result.scores]] as const) {
    ctx.logMetrics(Object.fromEntries(Object.entries(scores).map(([k, v]) => [`${name}_${k}`, v])));
  }
  if (trade) {
    ctx.logMetrics({
      test_backtest_return: trade.totalReturn,
      test_buy_hold_return: trade.buyAndHoldReturn,
      test_backtest_hit_rate: trade.hitRate,
      test_backtest_trades: trade.trades,
    });
  }
  const rows = (name: string, split: SplitArrays, probs: Float32Array) => Array.from(probs, (p, i) => `${name},${split.dates[i]},${split.y[i]},${p}`);
  ctx.writeArtifact('predictions.csv', ['split,date,label,prob', ...rows('val', data.val, val.probs), ...rows('test', data.test, test.probs), ''].join('\n'));
  return { checkpoint: relative(ctx.dir, checkpoint), val: val.result, test: { ...test.result, backtest: trade } };
}
