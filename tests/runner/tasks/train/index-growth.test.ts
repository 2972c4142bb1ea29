// What a train job adds to the index (outputs/index.sqlite) against what the launch preflight's disk line
// counts for it: INDEX_BYTES_PER_JOB for the .db file, INDEX_WAL_BYTES once for its -wal file. The job logs
// every step: 1,135 metrics, one commit each, enough to take the -wal to SQLite's checkpoint.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_BYTES_PER_JOB, INDEX_WAL_BYTES, openIndex } from '../../../../runner/tracking/index.js';
import { metricsOf, TINY, train } from './helpers.js';

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

describe('the index a train job writes', () => {
  it('stays within the disk need the preflight counts for it: rows per job, the write-ahead log once', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'ladder-index-')), 'index.sqlite');
    openIndex(empty).close();
    let wal = 0;
    const run = await train(['trainer=smoke', ...TINY, 'trainer.epochs=10', 'trainer.max_steps=null', 'trainer.batch_size=128', 'trainer.log_every_n_steps=1', 'monitor=disabled'], {
      onProgress: (_p, _c, { indexPath }) => void (wal = Math.max(wal, size(`${indexPath}-wal`))),
    });
    expect(run.outcomes[0]!.status).toBe('completed');
    expect(metricsOf(run.outcomes[0]!.dir).length).toBeGreaterThan(1000);
    // the -wal reached SQLite's checkpoint (1,000 frames of a 4 KiB page) and was written over from the start
    expect(wal).toBeGreaterThan(1000 * 4096);
    expect(wal).toBeLessThanOrEqual(INDEX_WAL_BYTES);
    expect(size(run.indexPath) - size(empty)).toBeLessThanOrEqual(INDEX_BYTES_PER_JOB);
  });
});
