// curves.svg: train and val loss per epoch, a Vega-Lite spec compiled to Vega and rendered headless.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EpochRecord } from './loop.js';

export function curvesSpec(history: EpochRecord[], title: string): TopLevelSpec {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, split: 'train', loss: h.train_loss },
    ...(h.val_loss === null ? [] : [{ epoch: h.epoch, split: 'val', loss: h.val_loss }]),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 480,
    height: 280,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'BCE loss', scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: null },
    },
  };
}

export async function renderCurves(history: EpochRecord[], title: string): Promise<string> {
  const view = new View(parse(compile(curvesSpec(history, title)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
