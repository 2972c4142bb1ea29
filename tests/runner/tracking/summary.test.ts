// run_summary and metric_summary are tables kept by triggers on write: they must hold exactly what the
// v1 views computed from the raw metrics (NaN as NULL, ties, metrics never logged), after live writes and
// after migrating a v1 index.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { MetricRecord, RunRecord } from '../../../runner/outputs/index.js';
import { IndexWriter, migrateIndex, MIGRATIONS, openIndex } from '../../../runner/tracking/index.js';
import { tempOutputs } from '../helpers.js';

/** The v1 views, renamed, as temporary views over the same tables: the reference semantics. */
function createV1Views(db: Database.Database): void {
  for (const name of ['metric_summary', 'run_summary']) {
    const sql = new RegExp(`CREATE VIEW ${name} AS[\\s\\S]*?;`).exec(MIGRATIONS[0])![0];
    db.exec(sql.replace(`CREATE VIEW ${name}`, `CREATE TEMP VIEW v1_${name}`).replaceAll('FROM metric_summary', 'FROM v1_metric_summary'));
  }
}

const record = (id: string, status: RunRecord['status'] = 'running'): RunRecord => ({
  id, sweep_id: null, job: null, task: 'train', status, reason: null, overrides: ['budget=2m'],
  choices: { model: 'patchtst', budget: '2m', horizon: 'h3' }, started_at: `2026-01-01T00:00:0${id.length}Z`, finished_at: null,
  duration_s: null, info: {}, host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 1, memory_gb: 1 }, versions: {}, git: null, pid: 1, argv: [],
});
const metric = (name: string, value: number | string, epoch: number | null = null): MetricRecord => ({ name, value, step: epoch === null ? null : epoch * 10, epoch, time: '2026-01-01T00:00:00Z' });

/** Runs with NaN losses, a tied best val_loss, a run with no metrics, and a status change after the metrics. */
function write(db: Database.Database): void {
  const w = new IndexWriter(db);
  w.run(record('a'), 'a', { seed: 1 });
  w.metrics('a', [metric('val_loss', 0.9, 0), metric('val_loss', 0.5, 1), metric('val_loss', 0.5, 2), metric('val_loss', 0.7, 3),
    metric('train_loss', 1, 0), metric('train_loss', 'NaN', 1), metric('n_params', 2e6), metric('test_auc', 0.61), metric('custom.x', 3)]);
  w.run({ ...record('a'), status: 'completed', finished_at: '2026-01-01T00:01:00Z', duration_s: 60 }, 'a', { seed: 1 });
  w.run(record('bb'), 'bb', { seed: 2 });
  w.metrics('bb', [metric('val_loss', 'NaN', 0), metric('val_loss', 0.8, 1), metric('val_loss', 'NaN', 2), metric('test_loss', 'Infinity')]);
  w.run(record('ccc', 'failed'), 'ccc', { seed: 3 });
}

const rows = (db: Database.Database, from: string) => db.prepare(`SELECT * FROM ${from} ORDER BY 1, 2`).all();

describe('summary tables', () => {
  it('after live writes hold what the v1 views compute from the raw metrics', () => {
    const db = openIndex(join(tempOutputs(), 'index.sqlite'));
    write(db);
    createV1Views(db);
    expect(rows(db, 'run_summary')).toHaveLength(3);
    expect(rows(db, 'run_summary')).toEqual(rows(db, 'v1_run_summary'));
    expect(rows(db, 'metric_summary')).toEqual(rows(db, 'v1_metric_summary'));
    expect(db.prepare("SELECT best_val_loss, best_epoch, train_loss, last_metrics FROM run_summary WHERE id = 'a'").get()).toEqual({
      best_val_loss: 0.5, best_epoch: 1, train_loss: null, last_metrics: '{"custom.x":3.0,"n_params":2000000.0,"test_auc":0.61,"train_loss":null,"val_loss":0.7}',
    });
    db.close();
  });

  it('migrating a v1 index fills them with what its views showed', () => {
    const path = join(tempOutputs(), 'index.sqlite');
    const v1 = new Database(path);
    v1.exec(MIGRATIONS[0]);
    v1.pragma('user_version = 1');
    // today's writer writes v3's run columns: give the v1 table them for the writes, then take them away again
    const v3Columns = ['attempt INTEGER NOT NULL DEFAULT 1', 'pid INTEGER', 'pid_started TEXT'];
    for (const c of v3Columns) v1.exec(`ALTER TABLE runs ADD COLUMN ${c}`);
    write(v1);
    for (const c of v3Columns) v1.exec(`ALTER TABLE runs DROP COLUMN ${c.split(' ')[0]}`);
    const before = { runs: rows(v1, 'run_summary'), metrics: rows(v1, 'metric_summary') };
    v1.close();
    expect(migrateIndex(path)).toEqual([1, MIGRATIONS.length]);
    const db = new Database(path, { readonly: true });
    expect({ runs: rows(db, 'run_summary'), metrics: rows(db, 'metric_summary') }).toEqual(before);
    db.close();
  });
});
