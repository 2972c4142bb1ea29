// Versioned schema of the SQLite index. Migration i brings PRAGMA user_version from i to i+1;
// append new migrations, never edit applied ones.

/** The columns of run_summary, documented in docs/runs-and-index.md (keep in step with the view below). */
export const RUN_SUMMARY_COLUMNS = [
  'id', 'sweep_id', 'job', 'task', 'status', 'reason',
  'model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'seed',
  'n_params', 'train_loss', 'val_loss', 'best_val_loss', 'best_epoch', 'test_loss', 'test_auc', 'test_accuracy',
  'last_metrics', 'started_at', 'finished_at', 'duration_s', 'dir',
] as const;

const lastMetric = (name: string) =>
  `(SELECT m.value FROM metrics m WHERE m.run_id = r.id AND m.name = '${name}' ORDER BY m.rowid DESC LIMIT 1)`;

const V1 = `
CREATE TABLE sweeps (
  id          TEXT PRIMARY KEY,
  dir         TEXT NOT NULL UNIQUE,      -- relative to the outputs dir
  status      TEXT NOT NULL,             -- running | completed | failed | interrupted
  overrides   TEXT NOT NULL,             -- JSON array, as typed on the command line
  preset      TEXT,                      -- sweep=<name>
  zip         TEXT NOT NULL,             -- JSON array of zipped key lists
  n_jobs      INTEGER NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT
);
CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  sweep_id    TEXT REFERENCES sweeps(id),
  job         INTEGER,                   -- job number within the sweep
  task        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running','completed','failed','interrupted','skipped')),
  reason      TEXT,                      -- why it ended other than completed
  dir         TEXT NOT NULL UNIQUE,      -- relative to the outputs dir
  overrides   TEXT NOT NULL,             -- JSON array
  choices     TEXT NOT NULL,             -- JSON object: group -> option
  config      TEXT NOT NULL,             -- JSON: the resolved config
  info        TEXT NOT NULL,             -- JSON: facts the task recorded (ctx.setInfo)
  hostname    TEXT,
  git_commit  TEXT,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  duration_s  REAL
);
CREATE INDEX runs_sweep ON runs(sweep_id, job);
CREATE TABLE params (
  run_id TEXT NOT NULL REFERENCES runs(id),
  key    TEXT NOT NULL,                  -- flattened config path, e.g. budget.name, trainer.lr
  value,                                 -- number, text, 1/0 for booleans, NULL, JSON text for lists
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX params_key ON params(key, value);
CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(id),
  name   TEXT NOT NULL,
  step   INTEGER,
  epoch  INTEGER,
  value  REAL,                           -- NaN is stored as NULL
  time   TEXT NOT NULL
);
CREATE INDEX metrics_run_name ON metrics(run_id, name);

-- One row per (run, metric name): count, first/last value, min/max.
CREATE VIEW metric_summary AS
SELECT run_id, name, COUNT(*) AS n,
       (SELECT f.value FROM metrics f WHERE f.run_id = g.run_id AND f.name = g.name ORDER BY f.rowid LIMIT 1) AS first,
       (SELECT l.value FROM metrics l WHERE l.run_id = g.run_id AND l.name = g.name ORDER BY l.rowid DESC LIMIT 1) AS last,
       MIN(value) AS min, MAX(value) AS max, MAX(step) AS last_step, MAX(epoch) AS last_epoch
FROM metrics g GROUP BY run_id, name;

-- One row per run: its main choices, status, and the conventional metrics
-- (last train_loss/val_loss, lowest val_loss and its epoch, last n_params/test_*),
-- plus last_metrics: a JSON object with the last value of every metric.
CREATE VIEW run_summary AS
SELECT r.id, r.sweep_id, r.job, r.task, r.status, r.reason,
       json_extract(r.choices, '$.model') AS model,
       json_extract(r.choices, '$.budget') AS budget,
       json_extract(r.choices, '$.horizon') AS horizon,
       json_extract(r.choices, '$.target') AS target,
       json_extract(r.choices, '$.split') AS split,
       json_extract(r.choices, '$.trainer') AS trainer,
       json_extract(r.choices, '$.data') AS data,
       json_extract(r.config, '$.seed') AS seed,
       ${lastMetric('n_params')} AS n_params,
       ${lastMetric('train_loss')} AS train_loss,
       ${lastMetric('val_loss')} AS val_loss,
       (SELECT MIN(m.value) FROM metrics m WHERE m.run_id = r.id AND m.name = 'val_loss') AS best_val_loss,
       (SELECT m.epoch FROM metrics m WHERE m.run_id = r.id AND m.name = 'val_loss' AND m.value IS NOT NULL ORDER BY m.value, m.rowid LIMIT 1) AS best_epoch,
       ${lastMetric('test_loss')} AS test_loss,
       ${lastMetric('test_auc')} AS test_auc,
       ${lastMetric('test_accuracy')} AS test_accuracy,
       (SELECT json_group_object(s.name, s.last) FROM metric_summary s WHERE s.run_id = r.id) AS last_metrics,
       r.started_at, r.finished_at, r.duration_s, r.dir
FROM runs r;
`;

export const MIGRATIONS: string[] = [V1];
