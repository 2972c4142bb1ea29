// Versioned schema of the SQLite index. Migration i brings PRAGMA user_version from i to i+1;
// append new migrations, never edit applied ones.

/** The columns of run_summary, documented in docs/runs-and-index.md (keep in step with V2 below). */
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

/** PRAGMA application_id of a Ladder index ('LDDR'): tells it from someone else's SQLite file. */
export const APPLICATION_ID = 0x4c444452;

const CHOICES = ['model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data'];
/** Metrics whose last value run_summary keeps in a column of the same name. */
const LAST_COLUMNS = ['n_params', 'train_loss', 'val_loss', 'test_loss', 'test_auc', 'test_accuracy'];
const fromRun = (row: string) =>
  `${row}.id, ${row}.sweep_id, ${row}.job, ${row}.task, ${row}.status, ${row}.reason, `
  + `${CHOICES.map((c) => `json_extract(${row}.choices, '$.${c}')`).join(', ')}, json_extract(${row}.config, '$.seed'), `
  + `${row}.started_at, ${row}.finished_at, ${row}.duration_s, ${row}.dir`;
const RUN_COLUMNS = `id, sweep_id, job, task, status, reason, ${CHOICES.join(', ')}, seed, started_at, finished_at, duration_s, dir`;
const NEW_BEST = "NEW.name = 'val_loss' AND NEW.value IS NOT NULL AND (best_val_loss IS NULL OR NEW.value < best_val_loss)";
const RUN_TRIGGERS = `
CREATE TRIGGER run_summary_insert AFTER INSERT ON runs BEGIN
  INSERT INTO run_summary (${RUN_COLUMNS}, last_metrics) SELECT ${fromRun('NEW')}, '{}';
END;
CREATE TRIGGER run_summary_update AFTER UPDATE ON runs BEGIN
  UPDATE run_summary SET (${RUN_COLUMNS}) = (SELECT ${fromRun('NEW')}) WHERE id = OLD.id;
END;
CREATE TRIGGER run_summary_delete AFTER DELETE ON runs BEGIN
  DELETE FROM run_summary WHERE id = OLD.id;
  DELETE FROM metric_summary WHERE run_id = OLD.id;
END;`;
const lastMetricsOf = (runId: string) => `(SELECT json_group_object(s.name, s.last) FROM metric_summary s WHERE s.run_id = ${runId})`;

// V2: the summaries become tables kept up to date by triggers, in the transaction of each write (as
// MLflow's latest_metrics), so reading them costs a table scan instead of subqueries per run. A
// trigger applies each write in order; replaying the run folders (`runs reindex`) gives the same rows.
const V2 = `
DROP VIEW run_summary;
DROP VIEW metric_summary;
CREATE TABLE metric_summary (
  run_id TEXT NOT NULL, name TEXT NOT NULL,
  n INTEGER NOT NULL, first REAL, last REAL, min REAL, max REAL, last_step INTEGER, last_epoch INTEGER,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE TABLE run_summary (
  id TEXT PRIMARY KEY, sweep_id, job, task, status, reason,
  ${CHOICES.join(', ')}, seed,
  n_params REAL, train_loss REAL, val_loss REAL, best_val_loss REAL, best_epoch INTEGER,
  test_loss REAL, test_auc REAL, test_accuracy REAL, last_metrics TEXT,
  started_at, finished_at, duration_s, dir
);
CREATE INDEX run_summary_started ON run_summary(started_at, job);

INSERT INTO metric_summary
SELECT run_id, name, COUNT(*),
       (SELECT f.value FROM metrics f WHERE f.run_id = g.run_id AND f.name = g.name ORDER BY f.rowid LIMIT 1),
       (SELECT l.value FROM metrics l WHERE l.run_id = g.run_id AND l.name = g.name ORDER BY l.rowid DESC LIMIT 1),
       MIN(value), MAX(value), MAX(step), MAX(epoch)
FROM metrics g GROUP BY run_id, name;
INSERT INTO run_summary (${RUN_COLUMNS}) SELECT ${fromRun('r')} FROM runs r;
UPDATE run_summary SET
  ${LAST_COLUMNS.map((m) => `${m} = (SELECT last FROM metric_summary WHERE run_id = run_summary.id AND name = '${m}')`).join(',\n  ')},
  best_val_loss = (SELECT min FROM metric_summary WHERE run_id = run_summary.id AND name = 'val_loss'),
  best_epoch = (SELECT m.epoch FROM metrics m WHERE m.run_id = run_summary.id AND m.name = 'val_loss' AND m.value IS NOT NULL ORDER BY m.value, m.rowid LIMIT 1),
  last_metrics = ${lastMetricsOf('run_summary.id')};

${RUN_TRIGGERS}
-- min/max/last_step/last_epoch ignore NULL (a NaN value) as MIN() and MAX() do; the lowest val_loss
-- keeps its first epoch on a tie.
CREATE TRIGGER metric_summary_insert AFTER INSERT ON metrics BEGIN
  INSERT OR IGNORE INTO metric_summary (run_id, name, n) VALUES (NEW.run_id, NEW.name, 0);
  UPDATE metric_summary SET
    first = CASE WHEN n = 0 THEN NEW.value ELSE first END,
    last = NEW.value,
    min = min(coalesce(min, NEW.value), coalesce(NEW.value, min)),
    max = max(coalesce(max, NEW.value), coalesce(NEW.value, max)),
    last_step = max(coalesce(last_step, NEW.step), coalesce(NEW.step, last_step)),
    last_epoch = max(coalesce(last_epoch, NEW.epoch), coalesce(NEW.epoch, last_epoch)),
    n = n + 1
  WHERE run_id = NEW.run_id AND name = NEW.name;
  UPDATE run_summary SET
    ${LAST_COLUMNS.map((m) => `${m} = CASE NEW.name WHEN '${m}' THEN NEW.value ELSE ${m} END`).join(',\n    ')},
    best_epoch = CASE WHEN ${NEW_BEST} THEN NEW.epoch ELSE best_epoch END,
    best_val_loss = CASE WHEN ${NEW_BEST} THEN NEW.value ELSE best_val_loss END,
    last_metrics = ${lastMetricsOf('NEW.run_id')}
  WHERE id = NEW.run_id;
END;
PRAGMA application_id = ${APPLICATION_ID};
`;

const V1_RUN_COLUMNS = 'id, sweep_id, job, task, status, reason, dir, overrides, choices, config, info, hostname, git_commit, started_at, finished_at, duration_s';

/** The metric columns of run_summary, reset when a run's metrics are replaced (IndexWriter.replaceMetrics). */
export const RUN_SUMMARY_METRIC_RESET = `${LAST_COLUMNS.map((m) => `${m} = NULL`).join(', ')}, best_val_loss = NULL, best_epoch = NULL, last_metrics = '{}'`;

// V3: runs gains the attempt number (a job rerun or continued in its folder) and its owner process (pid and
// start, to tell a dead driver's `running` run from a live one), and the statuses lost (its process died with
// nothing to continue from) and cancelled (a scheduler cancelled it). SQLite cannot change a CHECK in place,
// so the table is rebuilt; dropping it drops its triggers, which are made again.
const V3 = `
CREATE TABLE runs_v3 (
  id          TEXT PRIMARY KEY,
  sweep_id    TEXT REFERENCES sweeps(id),
  job         INTEGER,
  task        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running','completed','failed','interrupted','skipped','lost','cancelled')),
  reason      TEXT,
  dir         TEXT NOT NULL UNIQUE,
  overrides   TEXT NOT NULL,
  choices     TEXT NOT NULL,
  config      TEXT NOT NULL,
  info        TEXT NOT NULL,
  hostname    TEXT,
  git_commit  TEXT,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  duration_s  REAL,
  attempt     INTEGER NOT NULL DEFAULT 1, -- 1 for a job's first start; +1 for each rerun or continuation
  pid         INTEGER,                    -- the process that writes the run's end
  pid_started TEXT                        -- when that process started (boot id / clock ticks), so a reused pid is not it
);
INSERT INTO runs_v3 (${V1_RUN_COLUMNS}) SELECT ${V1_RUN_COLUMNS} FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v3 RENAME TO runs;
CREATE INDEX runs_sweep ON runs(sweep_id, job);
${RUN_TRIGGERS}
`;

const V3_RUN_COLUMNS = `${V1_RUN_COLUMNS}, attempt, pid, pid_started`;

// V4: the status pruned (a study's trial its pruner stopped early; sweeps/pruners). The CHECK changes, so the
// table is rebuilt as in V3, its rows and triggers kept.
const V4 = `
CREATE TABLE runs_v4 (
  id          TEXT PRIMARY KEY,
  sweep_id    TEXT REFERENCES sweeps(id),
  job         INTEGER,
  task        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running','completed','failed','interrupted','skipped','lost','cancelled','pruned')),
  reason      TEXT,
  dir         TEXT NOT NULL UNIQUE,
  overrides   TEXT NOT NULL,
  choices     TEXT NOT NULL,
  config      TEXT NOT NULL,
  info        TEXT NOT NULL,
  hostname    TEXT,
  git_commit  TEXT,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  duration_s  REAL,
  attempt     INTEGER NOT NULL DEFAULT 1,
  pid         INTEGER,
  pid_started TEXT
);
INSERT INTO runs_v4 (${V3_RUN_COLUMNS}) SELECT ${V3_RUN_COLUMNS} FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;
CREATE INDEX runs_sweep ON runs(sweep_id, job);
${RUN_TRIGGERS}
`;

// STUDIES: the studies of sweeper=random|tpe sweeps (one per grid cell), their trials (each an ordinary
// run: run_id) and each trial's proposed parameters. `value` is the objective as the run gave it (not
// negated for direction=maximize); state is the trial's: running | complete | pruned | failed.
const STUDIES = `
CREATE TABLE studies (
  id          TEXT PRIMARY KEY,           -- <sweep id>-<index>
  sweep_id    TEXT NOT NULL REFERENCES sweeps(id),
  idx         INTEGER NOT NULL,           -- the grid cell's place in the sweep
  cell        TEXT NOT NULL,              -- JSON array: the cell's overrides
  sampler     TEXT NOT NULL,              -- random | tpe
  objective   TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('minimize','maximize')),
  n_trials    INTEGER NOT NULL,
  seed        INTEGER,
  space       TEXT NOT NULL,              -- JSON object: key -> override grammar
  pruner      TEXT NOT NULL,              -- JSON: the pruner spec
  constraint_text TEXT,                   -- what the sampler enforced, e.g. the architecture budget
  rejected    INTEGER NOT NULL DEFAULT 0  -- proposals the sampler drew again (constraint)
);
CREATE INDEX studies_sweep ON studies(sweep_id, idx);
CREATE TABLE trials (
  study_id TEXT NOT NULL REFERENCES studies(id),
  number   INTEGER NOT NULL,
  job      INTEGER NOT NULL,              -- job number in the sweep
  run_id   TEXT,                          -- the run (NULL until it starts)
  state    TEXT NOT NULL CHECK (state IN ('running','complete','pruned','failed')),
  value    REAL,
  PRIMARY KEY (study_id, number)
);
CREATE INDEX trials_run ON trials(run_id);
CREATE TABLE trial_params (
  study_id TEXT NOT NULL,
  number   INTEGER NOT NULL,
  key      TEXT NOT NULL,
  value,                                  -- a number, or the choice's override value text
  PRIMARY KEY (study_id, number, key)
) WITHOUT ROWID;
`;

export const MIGRATIONS: string[] = [V1, V2, V3, V4, STUDIES];
