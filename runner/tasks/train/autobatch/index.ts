// trainer.batch_size=auto: the batch-size search (search.ts), its trial processes (trial.ts), its cache (cache.ts).
export { autoBatch, autoBatchCacheFile, autoBatchSettings, describeAutoBatch, trialRequest, trialTable, type AutoBatchDeps, type AutoBatchOutcome } from './auto.js';
export { AUTO_BATCH_DEFAULTS, candidates, chooseBatch, searchBatch, type AutoBatchSettings, type Candidate, type Measurement, type Trial } from './search.js';
export { keyHash, machine, readCached, writeCached, type CacheEntry, type CacheKey } from './cache.js';
export { runTrial, type TrialReply, type TrialRequest } from './trial.js';
