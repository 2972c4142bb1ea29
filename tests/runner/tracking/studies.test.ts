// The study tables (issue 14): an index of the version before them migrates with its runs kept, and a
// study written twice (as the driver rewrites it on each change) stays one row per study and trial.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { findStudy, IndexWriter, MIGRATIONS, openIndex, schemaVersion } from '../../../runner/tracking/index.js';
import type { StudySpec, TrialRecord } from '../../../sweeps/study/index.js';

const spec: StudySpec = {
  id: 'abcd0123-0', index: 0, cell: ['budget=2m'], sampler: 'tpe', params: { 'trainer.lr': 'tag(log, interval(1e-4, 1e-3))', 'model.d_model': 'choice(64, 128)' },
  conditions: {}, n_trials: 2, seed: 0, objective: 'val_auc', direction: 'maximize', pruner: { name: 'none' }, constraint: null,
};
const trial = (number: number, state: TrialRecord['state'], value: number | null): TrialRecord => ({
  number, state, value, params: { 'trainer.lr': 1e-4 * (number + 1), 'model.d_model': 'model.d_model=128' }, intermediate: [], job: number, run_id: `r${number}`, dir: String(number),
});

describe('the study tables', () => {
  it('come with a migration from the version before, runs kept', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ladder-studies-')), 'index.sqlite');
    const old = new Database(path);
    for (const sql of MIGRATIONS.slice(0, -1)) old.exec(sql);
    old.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    old.exec("INSERT INTO sweeps (id, dir, status, overrides, zip, n_jobs, started_at) VALUES ('abcd0123', 'm/1', 'completed', '[]', '[]', 2, 't')");
    old.close();
    const db = openIndex(path);
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT id FROM sweeps').all()).toEqual([{ id: 'abcd0123' }]);
      const w = new IndexWriter(db);
      w.study('abcd0123', spec, [trial(0, 'running', null)], 0);
      // values are kept oriented lower-is-better in the study; the index has them as the run gave them
      w.study('abcd0123', spec, [trial(0, 'complete', -0.61), trial(1, 'failed', null)], 3);
      expect(db.prepare('SELECT number, state, value FROM trials').all()).toEqual([{ number: 0, state: 'complete', value: 0.61 }, { number: 1, state: 'failed', value: null }]);
      expect(db.prepare('SELECT rejected FROM studies').get()).toEqual({ rejected: 3 });
      const found = findStudy(db, 'abcd')!;
      expect(found.params.get(0)).toEqual([['trainer.lr', 1e-4], ['model.d_model', '128']]);
    } finally {
      db.close();
    }
  });
});
