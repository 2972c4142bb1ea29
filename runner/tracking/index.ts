export { IndexError, migrateIndex, openIndex, openIndexReadOnly, schemaVersion, type Db } from './db.js';
export { findRun, listRuns, runMetrics, runningInIndex, runSql, type Row } from './queries.js';
export { closeStale, closeStaleRuns, staleLines, type StaleRun } from './stale.js';
export { relativeDir } from './dirs.js';
export { reindex, type ReindexResult } from './reindex.js';
export { APPLICATION_ID, MIGRATIONS, RUN_SUMMARY_COLUMNS } from './schema.js';
export { flattenConfig, IndexWriter } from './writer.js';
export { findStudy, listStudies, type StudyRows } from './studies.js';
