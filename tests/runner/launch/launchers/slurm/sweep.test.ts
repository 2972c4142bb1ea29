// launcher=slurm against the local SLURM (npm run slurm:start): a sweep is one job array whose tasks
// each run their own job and write only their own folder; the driver ingests them into the index.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV } from '../../../../../engine/index.js';
import { slurmCatchUp } from '../../../../../runner/launch/launchers/slurm/catch-up.js';
import { readMetrics, readRunRecord, readSweepRecord } from '../../../../../runner/outputs/index.js';
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
      expect(record.allocator).toEqual(ALLOCATOR_ENV); // exported by the batch script before node started
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

  it('with wait=false returns once submitted; runs ls then shows the tasks in SLURM and adds each run once it ended', async () => {
    const { result, outputs, indexPath } = await slurmSweep(['budget=2m,20m', ...TINY], { wait: false, array_parallelism: 1 });
    expect(result.status).toBe('submitted');
    expect(result.outcomes).toEqual([]);
    expect(result.notStarted).toEqual([]);
    expect(result.submitted!.map((j) => j.num)).toEqual([0, 1]);
    expect(readSweepRecord(result.dir).status).toBe('running');
    const first = await slurmCatchUp(outputs, indexPath, ['multirun']);
    expect(first).toEqual([]); // not a sweep folder: nothing to follow
    const rel = result.dir.slice(outputs.length + 1);
    const seen = new Set<string>();
    for (let open = await slurmCatchUp(outputs, indexPath, [rel]); open.length; open = await slurmCatchUp(outputs, indexPath, [rel])) {
      Object.keys(open[0].states).forEach((k) => seen.add(k));
      await new Promise((r) => setTimeout(r, 500));
    }
    expect([...seen].some((k) => k.startsWith('PENDING') || k === 'RUNNING')).toBe(true);
    expect(indexRuns(indexPath).map((r) => [r.job, r.status])).toEqual([[0, 'completed'], [1, 'completed']]);
    expect(readSweepRecord(result.dir).status).toBe('completed');
    const rows = JSON.stringify(indexRuns(indexPath));
    reindex(outputs, indexPath);
    expect(JSON.stringify(indexRuns(indexPath))).toBe(rows);
  }, 300_000);
});
