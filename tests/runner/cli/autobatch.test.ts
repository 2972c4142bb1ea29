// `npx run trainer.batch_size=auto --dry-run` lists the candidates and their memory estimates without
// training, shows a cached choice, and `--no-cache` makes the jobs ignore the cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunArgs, UsageError } from '../../../runner/cli/args.js';
import { main } from '../../../runner/cli/run.js';
import { compose } from '../../../runner/compose/index.js';
import type { RunContext } from '../../../runner/tasks/index.js';
import type { TrainSpec } from '../../../runner/tasks/train/index.js';
import { autoBatch } from '../../../runner/tasks/train/autobatch/index.js';

let project: string;
let cacheDir: string;
const before = process.env.LADDER_MEMORY_LIMIT;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-cli-autobatch-'));
  cacheDir = path.join(project, 'cache');
  fs.cpSync(path.resolve('conf'), path.join(project, 'conf'), { recursive: true });
  process.env.LADDER_MEMORY_LIMIT = '1536MiB';
});
afterAll(() => {
  if (before === undefined) delete process.env.LADDER_MEMORY_LIMIT;
  else process.env.LADDER_MEMORY_LIMIT = before;
  fs.rmSync(project, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: project });
  return { code, stdout, stderr };
}

describe('npx run trainer.batch_size=auto --dry-run', () => {
  const job = () => ['trainer=smoke', 'trainer.batch_size=auto', `data.cache_dir=${cacheDir}`];

  it('prints the candidates and their estimates under the job, and runs nothing', async () => {
    const { code, stdout, stderr } = await cli(...job(), '--dry-run');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`#0  ${job().join(' ')}`);
    expect(lines[1]).toBe('    trainer.batch_size=auto (mode max): limit 1.2 GiB (trainer.auto_batch.memory_fraction=0.8 of 1.5 GiB free, LADDER_MEMORY_LIMIT)');
    // 2m: about 0.6 GiB at 8 and 0.9 at 16 (conf/trainer/default.yaml), so 8 and 16 fit 1.2 GiB and 32 (1.6) does not
    expect(lines.slice(2, 4)).toEqual([expect.stringMatching(/^ {6}batch 8 +estimate [\d.]+ MiB$/), expect.stringMatching(/^ {6}batch 16 +estimate [\d.]+ MiB$/)]);
    expect(lines[4]).toMatch(/^ {6}batch 32 +estimate [\d.]+ GiB: over the limit, not tried$/);
    expect(lines[5]).toBe('      2 candidates to try, each in its own process, until one does not fit or pay');
    expect(lines[6]).toBe('1 job, each composed and validated; nothing was run');
    expect(fs.existsSync(path.join(project, 'outputs'))).toBe(false);
  });

  it('shows a cached choice; --no-cache ignores it for the command and puts LADDER_NO_CACHE back', async () => {
    const spec = compose({ configDir: path.join(project, 'conf'), configName: 'config', overrides: job() }).config as unknown as TrainSpec;
    const ctx = { signal: new AbortController().signal, log: () => {}, progress: () => {}, setInfo: () => {} } as unknown as RunContext;
    const measure = async (batch: number) => ({ peakRss: 2 ** 30, samplesPerSec: batch });
    await autoBatch(spec, ctx, { measure, noCache: false }); // writes <data.cache_dir>/autobatch.json
    expect(fs.existsSync(path.join(cacheDir, 'autobatch.json'))).toBe(true);
    expect((await cli(...job(), '--dry-run')).stdout).toMatch(/\n {6}cached: batch 16 \(searched [^;]+; --no-cache searches again\)\n/);
    const fresh = await cli(...job(), '--dry-run', '--no-cache');
    expect(fresh.stdout).not.toContain('cached:');
    expect(fresh.stdout).toContain('2 candidates to try');
    expect(process.env.LADDER_NO_CACHE).toBeUndefined();
  });

  it('--no-cache is a flag of npx run, with a suggestion for a misspelling', () => {
    expect(parseRunArgs(['--no-cache', 'trainer.batch_size=auto'])).toMatchObject({ noCache: true, overrides: ['trainer.batch_size=auto'] });
    expect(parseRunArgs([]).noCache).toBe(false);
    expect(() => parseRunArgs(['--no-cach'])).toThrow(new UsageError("unknown flag '--no-cach'. Did you mean '--no-cache'? See npx run --help"));
  });
});
