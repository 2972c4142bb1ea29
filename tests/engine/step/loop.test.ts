// K train steps in one ONNX Loop (engine/step/loop.ts, trainer.steps_per_run): the loop's inputs follow
// the step's by one rule, a body reads outer values by name, and K steps in one run are bitwise K single
// steps — weights, optimizer state, BatchNorm statistics, losses and grad norms, with dropout on.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import * as o from '../../../engine/autodiff/ops.js';
import { Graph, GraphAttr, Tensor } from '../../../engine/graph/builder.js';
import { toModelBytes } from '../../../engine/graph/serialize.js';
import { buildModel } from '../../../engine/models/index.js';
import type { ClipOptions } from '../../../engine/optim/clip.js';
import type { Optimizer } from '../../../engine/optim/optimizer.js';
import { adamw } from '../../../engine/optim/adamw.js';
import { createSession } from '../../../engine/runtime/backends.js';
import { type TrainerOptions, createTrainer } from '../../../engine/runtime/trainer.js';
import { buildTrainLoop } from '../../../engine/step/loop.js';
import { OPTIM, separableBatches, tinyMlp } from '../fixtures.js';
import { TINY } from '../models/helpers.js';

const { onnx } = onnxProto;

/** SGD with momentum under other names than AdamW's: one slot, two scalars. */
const sgd: Optimizer<ClipOptions & { momentum: number }> = {
  label: 'SGD', stateNoun: 'momentum', checkpointPrefix: 'sgd', slots: ['momentum'], scalars: ['lr', 'damp'],
  scalarValues: (t, lr) => ({ lr, damp: 1 / t }),
  update({ params, grad, state, scalars }, h) {
    const buf = o.add(o.mul(state.momentum, h.momentum), o.mul(grad, scalars.damp));
    return { params: o.sub(params, o.mul(scalars.lr, buf)), state: { momentum: buf } };
  },
};

describe('the train loop graph', () => {
  it('carries every input with an _out output, stacks the per-step inputs, reads the constants from the outer scope', () => {
    const built = buildTrainLoop(tinyMlp(6, 8, 0.2), { batchSize: 4, inputShape: [6], optim: OPTIM, steps: 5 });
    expect(built.signature).toEqual({
      steps: 5,
      carried: { params: 'params_out', buffers: 'buffers_out', m: 'm_out', v: 'v_out' },
      perStep: ['x', 'y', 'w', 'dropout_offsets', ...adamw.scalars],
      constant: ['dropout_table', 'decay_mask'],
      scan: ['loss', 'grad_norm'],
    });
    const inputs = Object.fromEntries(built.graph.inputs.map((t) => [t.name, t.shape]));
    expect(inputs).toMatchObject({ x: [5, 4, 6], y: [5, 4], dropout_offsets: [5, 1], trip_count: [] });
    expect(inputs.params).toEqual([built.layout.paramCount]);
    const sgdLoop = buildTrainLoop(tinyMlp(6, 8, 0), { batchSize: 4, inputShape: [6], optim: { momentum: 0.9, gradClip: null }, optimizer: sgd, steps: 2 });
    expect(sgdLoop.signature).toMatchObject({ carried: { params: 'params_out', momentum: 'momentum_out', buffers: 'buffers_out' }, perStep: ['x', 'y', 'w', 'lr', 'damp'], constant: ['decay_mask'] });
  });

  it('serialises a graph-valued attribute whose body reads an outer value by name', async () => {
    const g = new Graph('outer');
    const [trip, a, k] = [g.input('n', 'int64', []), g.input('a', 'float32', [2]), g.input('k', 'float32', [2])];
    const cond = g.constant([1], 'bool', [], 'cond');
    const body = new Graph('body');
    body.input('i', 'int64', []);
    const c = body.input('c', 'bool', []);
    const acc = body.input('acc', 'float32', [2]);
    body.nodes.push({ opType: 'Add', name: 'add', inputs: [acc.name, k.name], outputs: ['acc_next'], attrs: {} }); // k: the outer graph's
    const cOut = body.emit('Identity', [c], {}, [{ dtype: 'bool', shape: [] }], 'c_out')[0];
    body.outputs.push({ name: cOut.name, tensor: cOut }, { name: 'acc_next', tensor: new Tensor(body, 'acc_next', 'float32', [2]) });
    g.nodes.push({ opType: 'Loop', name: 'loop', inputs: [trip.name, cond.name, a.name], outputs: ['out'], attrs: { body: new GraphAttr(body) } });
    g.outputs.push({ name: 'out', tensor: a });
    const bytes = toModelBytes(g);
    const decoded = onnx.ModelProto.decode(bytes);
    const loop = decoded.graph!.node!.find((n) => n.opType === 'Loop')!;
    expect(loop.attribute![0].g!.node!.map((n) => n.input)).toContainEqual(['acc', 'k']);
    const s = await createSession(bytes, { threads: 1 });
    const out = await s.run({ n: { data: BigInt64Array.of(3n), dims: [] }, a: { data: Float32Array.of(1, 2), dims: [2] }, k: { data: Float32Array.of(0.5, 10), dims: [2] } });
    expect(Array.from(out.out as Float32Array)).toEqual([2.5, 32]);
  });
});

const C = 3;
const BATCH = 6;

describe('K steps in one run equal K single steps, bitwise', () => {
  for (const name of ['patchtst', 'patchtst_mix'] as const) {
    it(`${name} (dropout on): K=3 over 7 steps (3 + 3 + 1)`, async () => {
      const cfg = TINY[name];
      expect(cfg.dropout).toBeGreaterThan(0);
      const opts: TrainerOptions = { model: buildModel(cfg, C), batchSize: BATCH, inputShape: [cfg.context_length, C], optim: OPTIM, seed: 5, threads: 1 };
      const data = separableBatches(7, BATCH, cfg.context_length * C, 9);
      const [single, looped] = [await createTrainer(opts), await createTrainer({ ...opts, stepsPerRun: 3 })];
      try {
        const a = [];
        for (const b of data) a.push(await single.step(b));
        const b = await looped.steps(data);
        expect(looped.stepCount).toBe(7);
        // losses and grad norms per step (a wrong dropout mask, lr or batch changes the loss of its step)
        expect(b).toEqual(a);
        const [sa, sb] = [await single.state(), await looped.state()];
        for (const [x, y] of [[sa.params, sb.params], [sa.buffers, sb.buffers], [sa.slots.m, sb.slots.m], [sa.slots.v, sb.slots.v]]) expect(Buffer.from(y.buffer)).toEqual(Buffer.from(x.buffer));
        // a lone step on the loop session, after a run, continues the same sequence
        const extra = separableBatches(1, BATCH, cfg.context_length * C, 10)[0];
        expect(await looped.step(extra)).toEqual(await single.step(extra));
      } finally {
        await Promise.all([single.close(), looped.close()]);
      }
    });
  }
});
