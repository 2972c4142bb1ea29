// The tasks that ship with ladder; importing this module registers them.
import { echoTask } from './echo.js';
import { objectiveSpec, objectiveTask } from './objective.js';
import { registerTask } from './registry.js';
import { specSchema } from '../../schemas/index.js';
import { checkTrainSpec, CHECKPOINTS, describeTrain, preflight, train, TRAIN_DESCRIPTION, warm } from './train/index.js';
import type { Headline } from './types.js';

/** A train run in one table row: model size, lowest validation loss, test AUC (as the index's run_summary). */
const TRAIN_HEADLINE: Headline[] = [
  { name: 'n_params', reduce: 'last', column: 'params', format: (v) => v.toLocaleString('en-US') },
  { name: 'best_val_loss', metric: 'val_loss', reduce: 'min', format: (v) => v.toFixed(4) },
  { name: 'test_auc', reduce: 'last', format: (v) => v.toFixed(4) },
];

registerTask('echo', echoTask, { description: 'demo: records its config choices and a few config numbers as metrics; trains nothing' });
registerTask('objective', objectiveTask, {
  description: 'synthetic objective (4-D quadratic or Branin of objective.x1..x4): logs val_loss per epoch in milliseconds, to try and test searches',
  headline: [{ name: 'best_val_loss', metric: 'val_loss', reduce: 'min', format: (v) => v.toFixed(4) }],
  spec: objectiveSpec,
});
// train needs Ladder's whole spec (schemas/spec) and checks what spans its fields before any job starts
registerTask('train', train, {
  description: TRAIN_DESCRIPTION,
  headline: TRAIN_HEADLINE,
  resumePoint: CHECKPOINTS.last,
  spec: specSchema,
  check: (spec) => checkTrainSpec(spec),
  describe: (spec) => describeTrain(spec),
  preflight,
  warm,
});
