// A request SLURM refuses (an unknown partition, more memory than any node has) is a config error found
// before anything is written: one line naming the launcher keys, exit 2, no sweep folder to resume.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../../../runner/cli/run.js';
import { CONF, requireSlurmUnderCi, slurmMissing, TINY } from './helpers.js';

const missing = slurmMissing();
requireSlurmUnderCi(missing);

describe.skipIf(missing)(`launcher=slurm requests SLURM refuses${missing ? ` (skipped: ${missing})` : ''}`, () => {
  for (const [key, said] of [['launcher.partition=nope', /invalid partition/i], ['launcher.mem_gb=100000', /memory|node configuration/i]] as const) {
    it(`${key}: one line, exit 2, nothing written`, async () => {
      const outputs = mkdtempSync(join(tmpdir(), 'ladder-slurm-check-'));
      let stderr = '';
      const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: outputs };
      const code = await main(['-m', '--config-dir', CONF, 'launcher=slurm', key, 'budget=2m,20m', ...TINY], io);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^Error: launcher=slurm: SLURM refuses the request \(/);
      expect(stderr).toMatch(said);
      expect(existsSync(join(outputs, 'outputs', 'multirun'))).toBe(false); // no sweep folder, nothing to resume
    }, 60_000);
  }
});
