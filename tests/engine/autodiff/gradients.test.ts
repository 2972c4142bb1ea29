import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../engine/graph/builder.js';
import * as o from '../../../engine/autodiff/ops.js';
import { RULES } from '../../../engine/autodiff/rules.js';
import { batchNormTrain, bceWithLogits, linear, patchify, tableDropout } from '../../../engine/nn/layers.js';
import { checkOpGradient, type InputSpec } from './gradcheck.js';

const TOL = 1e-6;
type Case = [name: string, build: (xs: Tensor[]) => Tensor, specs: InputSpec[]];

/** One case per rule in the op table (keyed by rule name), several where the rule has distinct paths. */
const RULE_CASES: Record<keyof typeof RULES, Case[]> = {
  add: [['broadcast [2,3]+[3]', ([a, b]) => o.add(a, b), [{ shape: [2, 3] }, { shape: [3] }]]],
  sub: [['broadcast [2,1]-[2,3]', ([a, b]) => o.sub(a, b), [{ shape: [2, 1] }, { shape: [2, 3] }]]],
  mul: [['broadcast [2,3,1]*[4]', ([a, b]) => o.mul(a, b), [{ shape: [2, 3, 1] }, { shape: [4] }]]],
  div: [['broadcast [3]/[2,3]', ([a, b]) => o.div(a, b), [{ shape: [3] }, { shape: [2, 3], positive: true }]]],
  neg: [['neg', ([a]) => o.neg(a), [{ shape: [3] }]]],
  exp: [['exp', ([a]) => o.exp(a), [{ shape: [4] }]]],
  log: [['log', ([a]) => o.log(a), [{ shape: [4], positive: true }]]],
  sqrt: [['sqrt', ([a]) => o.sqrt(a), [{ shape: [4], positive: true }]]],
  abs: [['abs', ([a]) => o.abs(a), [{ shape: [5] }]]],
  relu: [['relu', ([a]) => o.relu(a), [{ shape: [6] }]]],
  sigmoid: [['sigmoid', ([a]) => o.sigmoid(a), [{ shape: [4] }]]],
  tanh: [['tanh', ([a]) => o.tanh(a), [{ shape: [4] }]]],
  softplus: [['softplus', ([a]) => o.softplus(a), [{ shape: [4], values: [-30, -0.5, 0.7, 25] }]]],
  gelu: [['gelu incl. tails', ([a]) => o.gelu(a), [{ shape: [6], values: [-4.5, -1.2, -0.3, 0.2, 1.7, 5.5] }]]],
  batchNorm: [
    ['batchNorm [6,3]', ([x, s, b]) => o.batchNorm(x, s, b).y, [{ shape: [6, 3] }, { shape: [3] }, { shape: [3] }]],
    // unequal weights and a 0 row, its output not masked: the rule must hold for any upstream gradient
    ['batchNorm with row weights', ([x, s, b, w]) => o.batchNorm(x, s, b, 1e-5, w).y,
      [{ shape: [5, 3] }, { shape: [3] }, { shape: [3] }, { shape: [5], values: [1, 0.5, 0, 2, 1], constant: true }]],
  ],
  matmulT: [
    ['batched a·bᵀ [2,1,3,4]·[3,5,4]ᵀ', ([a, b]) => o.matmulT(a, b), [{ shape: [2, 1, 3, 4] }, { shape: [3, 5, 4] }]],
    ['2-D a·bᵀ [3,4]·[5,4]ᵀ', ([a, b]) => o.matmulT(a, b), [{ shape: [3, 4] }, { shape: [5, 4] }]],
  ],
  matmul: [
    ['batched broadcast [2,1,3,4]@[3,4,2]', ([a, b]) => o.matmul(a, b), [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }]],
    ['activation @ 2-D weight [2,3,4]@[4,5]', ([a, b]) => o.matmul(a, b), [{ shape: [2, 3, 4] }, { shape: [4, 5] }]],
  ],
  gemm: [0, 1, 2, 3].map((k): Case => {
    const [tA, tB] = [k & 1, k >> 1];
    return [`gemm transA=${tA} transB=${tB} + C`, ([a, b, c]) => o.gemm(a, b, { transA: tA, transB: tB }, c), [{ shape: tA ? [4, 3] : [3, 4] }, { shape: tB ? [2, 4] : [4, 2] }, { shape: [2] }]];
  }),
  softmax: [
    ['softmax last axis', ([a]) => o.softmax(a, -1), [{ shape: [2, 4] }]],
    ['softmax axis 1', ([a]) => o.softmax(a, 1), [{ shape: [2, 3, 2] }]],
  ],
  layerNorm: [['layerNorm [2,3,5]', ([x, s, b]) => o.layerNorm(x, s, b, 1e-5), [{ shape: [2, 3, 5] }, { shape: [5] }, { shape: [5] }]]],
  batchNormEval: [
    ['batchNormEval [3,2,4]', ([x, s, b, m, v]) => o.batchNormEval(x, s, b, m, v, 1e-5),
      [{ shape: [3, 2, 4] }, { shape: [2] }, { shape: [2] }, { shape: [2], constant: true }, { shape: [2], positive: true, constant: true }]],
  ],
  transpose: [['transpose [2,3,4] perm 2,0,1', ([a]) => o.transpose(a, [2, 0, 1]), [{ shape: [2, 3, 4] }]]],
  reshape: [['reshape [2,6]→[3,-1]', ([a]) => o.reshape(a, [3, -1]), [{ shape: [2, 6] }]]],
  slice: [['slice axes 0,2', ([a]) => o.slice(a, { starts: [1, 1], ends: [3, -1], axes: [0, 2] }), [{ shape: [3, 2, 4] }]]],
  pad: [['pad', ([a]) => o.pad(a, [1, 0], [0, 2]), [{ shape: [2, 3] }]]],
  concat: [['concat axis 1', ([a, b]) => o.concat([a, b], 1), [{ shape: [2, 1, 3] }, { shape: [2, 2, 3] }]]],
  gather: [['gather repeated indices', ([a]) => o.gather(a, [2, 0, 2, 1], 1), [{ shape: [2, 3, 2] }]]],
  expand: [['expand [3,1]→[2,3,4]', ([a]) => o.expand(a, [2, 3, 4]), [{ shape: [3, 1] }]]],
  reduceSum: [['reduceSum axes 0,2', ([a]) => o.reduceSum(a, [0, 2]), [{ shape: [2, 3, 4] }]]],
  reduceMean: [['reduceMean keepdims', ([a]) => o.reduceMean(a, [-1], true), [{ shape: [2, 3, 4] }]]],
};

const COMPOSITE_CASES: Case[] = [
  ['linear 3-D (MatMul+Add)', ([x, w, b]) => linear(x, w, b), [{ shape: [2, 3, 4] }, { shape: [4, 5] }, { shape: [5] }]],
  ['linear 2-D (Gemm)', ([x, w, b]) => linear(x, w, b), [{ shape: [3, 4] }, { shape: [4, 2] }, { shape: [2] }]],
  ['bceWithLogits weighted, pos_weight', ([z, y, w]) => bceWithLogits(z, y, w, 2.5),
    [{ shape: [5] }, { shape: [5], values: [1, 0, 1, 1, 0], constant: true }, { shape: [5], values: [1, 1, 0.5, 1, 0], constant: true }]],
  ['bceWithLogits mean', ([z, y]) => bceWithLogits(z, y), [{ shape: [3] }, { shape: [3], values: [0, 1, 1], constant: true }]],
  ['batchNormTrain [4,2,3]', ([x, s, b]) => batchNormTrain(x, s, b).y, [{ shape: [4, 2, 3] }, { shape: [2] }, { shape: [2] }]],
  ['batchNormTrain with padded rows', ([x, s, b, w]) => o.mul(batchNormTrain(x, s, b, 1e-5, w).y, o.reshape(w, [4, 1, 1])),
    [{ shape: [4, 2, 3] }, { shape: [2] }, { shape: [2] }, { shape: [4], values: [1, 1, 0, 1], constant: true }]],
  ['dropout p=0.5 (fixed mask)', ([x]) => {
    const table = x.graph.constant(Array.from({ length: 48 }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 2)), 'float64', [2, 24], 'table');
    return tableDropout(x, table, 1, x.graph.constant([5, 2], 'int64', [2], 'offsets'), 1);
  }, [{ shape: [3, 4] }]],
  ['patchify overlapping + replicate pad', ([x]) => patchify(x, 4, 2, 2), [{ shape: [2, 7] }]],
  ['attention block', ([q, k, v]) => o.matmul(o.softmax(o.div(o.matmul(q, o.mT(k)), 2), -1), v), [{ shape: [2, 3, 4] }, { shape: [2, 3, 4] }, { shape: [2, 3, 4] }]],
];

describe('finite-difference gradient check (float64 graphs, central differences)', () => {
  it('covers every rule of the op table', () => {
    expect(Object.keys(RULE_CASES).sort()).toEqual(Object.keys(RULES).sort());
  });
  const cases = [...Object.values(RULE_CASES).flat(), ...COMPOSITE_CASES];
  it.each(cases.map((c) => [c[0], c] as const))('%s', async (_, [, build, specs]) => {
    const r = await checkOpGradient(build, specs);
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxRelErr).toBeLessThan(TOL);
  });

  it('detects a wrong gradient (the check can fail)', async () => {
    // x·x built with stopGradient on one factor has derivative x, not 2x: FD must disagree.
    const r = await checkOpGradient(([a]) => o.mul(a, o.stopGradient(a)), [{ shape: [3] }]);
    expect(r.maxRelErr).toBeGreaterThan(0.1);
  });
});
