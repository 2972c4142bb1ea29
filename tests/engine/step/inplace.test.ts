import { describe, expect, it } from 'vitest';
import { Graph } from '../../../engine/graph/builder.js';
import { adamw } from '../../../engine/optim/adamw.js';
import { inPlacePairs } from '../../../engine/step/inplace.js';
import { buildTrainStep } from '../../../engine/step/graphs.js';
import { OPTIM, tinyMlp } from '../fixtures.js';

const add = (g: Graph, a: ReturnType<Graph['input']>, b: ReturnType<Graph['input']>) => g.op('Add', [a, b], {}, 'float32', [4]);

describe('in-place step outputs', () => {
  it('the train step writes params, both AdamW moments and the BatchNorm buffers into their inputs', () => {
    const { graph } = buildTrainStep(tinyMlp(6), { batchSize: 4, inputShape: [3, 2], optim: OPTIM, optimizer: adamw });
    const pairs = { params_out: 'params', m_out: 'm', v_out: 'v', buffers_out: 'buffers' };
    expect(inPlacePairs(graph, pairs)).toEqual(pairs);
  });

  it('refuses an output whose input is still read after the output is written, also through a Reshape', () => {
    const g = new Graph('t');
    const [x, y, z] = [g.input('x', 'float32', [4]), g.input('y', 'float32', [4]), g.input('z', 'float32', [4])];
    const xOut = add(g, z, z); // written before anything reads x
    const late = add(g, xOut, g.op('Reshape', [x, g.ints([4])], {}, 'float32', [4])); // x read after x_out exists
    g.output(xOut, 'x_out');
    g.output(late, 'late');
    const yOut = g.op('Mul', [add(g, y, y), g.scalar(2, 'float32')], {}, 'float32', [4]); // every read of y comes first
    g.output(yOut, 'y_out');
    expect(inPlacePairs(g, { x_out: 'x', y_out: 'y' })).toEqual({ y_out: 'y' });
  });

  it('refuses when the writer itself reads the input, or the names are not the graph’s', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float32', [4]);
    g.output(add(g, x, x), 'x_out');
    expect(inPlacePairs(g, { x_out: 'x', nope_out: 'x', x_out2: 'nope' })).toEqual({});
  });
});
