// launcher=slurm against the local SLURM (npm run slurm:start): a sweep is one job array whose tasks
// each run their own job and write only their own folder; the driver ingests them into the index.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetrics, readRunRecord } from '../../../../../runner/outputs/index.js';
import { reindex } from '../../../../../runner/tracking/index.js';
import { indexRuns, requireSlurmUnderCi, slurmMissing, slurmSweep, TINY } from './helpers.js';

const missing = slurmMissing();
requireSlurmUnderCi(missing);

describe.skipIf(missing)(`launcher=slurm sweeps on the local SLURM${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('runs a 2×2 sweep as one array: 4 completed folders and index rows, the same as runs reindex', async () => {
    const { result, outputs, indexPath, launcher } = await slurmSweep(['budget=2m,20m', 'horizon=h1,h3', ...TINY], { array_parallelism: 2 });
    expect(result.status).toBe('completed');
    expect(result.outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const sub = launcher.submission!;
    expect(sub.job_id).toMatch(/^\d+$/);
    const script = readFileSync(sub.script, 'utf8');
    expect(script).toContain('#SBATCH --array=0-3%2');
    for (const o of result.outcomes) {
      const record = readRunRecord(o.dir);
      expect(record).toMatchObject({ id: o.runId, status: 'completed', job: o.num });
      expect(readMetrics(o.dir).length).toBeGreaterThan(0);
      expect(existsSync(join(o.dir, 'checkpoints', 'last.safetensors'))).toBe(true);
      expect(o.results.n_params).toBeGreaterThan(0);
    }
    const rows = indexRuns(indexPath);
    expect(rows.map((r) => [r.job, r.status])).toEqual([[0, 'completed'], [1, 'completed'], [2, 'completed'], [3, 'completed']]);
    // the driver's index equals the one rebuilt from the folders
    const before = JSON.stringify(rows);
    reindex(outputs, indexPath);
    expect(JSON.stringify(indexRuns(indexPath))).toBe(before);
  }, 300_000);
});
