// `runs compare` tells a config key set to null from one the run does not have: a run with
// trainer.early_stopping=null has that key (null) and no early_stopping.patience; a default run the reverse.
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTask } from '../../../../runner/tasks/index.js';
import '../../../../runner/tasks/builtin.js';
import { launchedIndex } from '../../fixtures/launched-index.js';

const { runs, launch } = launchedIndex('t_compare');
let ids: string[];

beforeAll(async () => {
  registerTask('t_compare', async () => {});
  expect(await launch(['task=t_compare', 'trainer.early_stopping=null'], false)).toBe(0);
  expect(await launch(['task=t_compare'], false)).toBe(0);
  const r = await runs('sql', 'SELECT id FROM runs ORDER BY started_at', '--json');
  ids = r.stdout.trim().split('\n').map((l) => JSON.parse(l).id);
});

describe('runs compare, null against absent', () => {
  it("prints a null value as null and a key the run lacks as '-'", async () => {
    const r = await runs('compare', ids[0]!, ids[1]!);
    const lines = r.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(lines).toContainEqual(['trainer.early_stopping', 'null', '-']);
    expect(lines).toContainEqual(['trainer.early_stopping.patience', '-', expect.stringMatching(/^\d+$/)]);
  });

  it('--json marks the runs that lack a key', async () => {
    const c = JSON.parse((await runs('compare', ids[0]!, ids[1]!, '--json')).stdout);
    expect(c.config.find((l: { key: string }) => l.key === 'trainer.early_stopping')).toEqual({ key: 'trainer.early_stopping', values: [null, null], absent: [1] });
  });
});
