// The launch preflight's disk line against a small disk (freeDisk scripted): only jobs that will run
// count, so a job skipped for memory never makes the disk refuse the launch; the need counts the index,
// its rows per job and its write-ahead log once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { featureColumns } from '../../../../data/index.js';
import { estimateMemory, formatBytes } from '../../../../engine/index.js';
import { compose } from '../../../../runner/compose/index.js';
import { planJobs } from '../../../../runner/launch/index.js';
import { useProvider } from '../../../../runner/monitor/index.js';
import { outputBytes, trainPreflight } from '../../../../runner/tasks/train/preflight.js';
import { INDEX_BYTES_PER_JOB, INDEX_WAL_BYTES } from '../../../../runner/tracking/index.js';
import type { TrainSpec } from '../../../../runner/tasks/train/index.js';
import { scriptedProvider } from '../../monitor/helpers.js';
import { CONF, TINY } from './helpers.js';

const disk = vi.hoisted(() => ({ bytes: 100 * 2 ** 20 }));
vi.mock('../../../../runner/monitor/index.js', async (original) => ({
  ...(await original<typeof import('../../../../runner/monitor/index.js')>()),
  freeDisk: async () => ({ bytes: disk.bytes, mount: '/small' }),
}));

afterEach(() => {
  delete process.env.LADDER_MEMORY_LIMIT;
  disk.bytes = 100 * 2 ** 20;
});
afterAll(() => useProvider(null));

const jobs = (overrides: string[], multirun = false) =>
  planJobs(overrides, { multirun, configDir: CONF, configName: 'config', compose }).jobs.map((j) => ({ num: j.num, spec: j.config as unknown as TrainSpec }));
const check = async (overrides: string[], multirun = false) => {
  useProvider(scriptedProvider([60]));
  const lines = await trainPreflight(jobs(overrides, multirun), { outputsDir: mkdtempSync(join(tmpdir(), 'ladder-preflight-')), concurrent: 1 });
  return { memory: lines.find((l) => l.check === 'memory')!, disk: lines.find((l) => l.check === 'disk')!, refusing: lines.filter((l) => l.refuses).map((l) => l.check) };
};

describe('the disk line counts only the jobs that will run', () => {
  it('a two-job sweep, one skipped for memory: the disk holds the other one, so it is ok', async () => {
    process.env.LADDER_MEMORY_LIMIT = '3GiB'; // 200m needs ~16 GiB at batch 64; its checkpoints ~2.2 GiB, 2m's ~43 MiB
    const { memory, disk: line, refusing } = await check(['budget=2m,200m'], true);
    expect(memory).toMatchObject({ level: 'fail', message: expect.stringMatching(/^1 of 2 jobs need more: #1 needs/) });
    expect(line).toEqual({ level: 'ok', check: 'disk', message: expect.stringMatching(/^100\.0 MiB free on \/small, the job needs [\d.]+ MiB$/) });
    expect(refusing).toEqual([]);
  }, 60_000);

  it('every job skipped for memory: the disk does not refuse the launch; it warns for when they fit', async () => {
    process.env.LADDER_MEMORY_LIMIT = '3GiB';
    const { memory, disk: line, refusing } = await check(['budget=200m']);
    expect(memory.level).toBe('fail');
    expect(line).toEqual({
      level: 'warn', check: 'disk',
      message: expect.stringMatching(/^100\.0 MiB free on \/small, a job's run folder and index rows need [\d.]+ GiB once it fits in memory \(skipped for memory now\)$/),
      fix: 'free space there, or set "outputsDir" in the ladder settings to a larger disk',
    });
    expect(refusing).toEqual([]);
  }, 60_000);

  it('a job that fits in memory but not on the disk still refuses the launch', async () => {
    process.env.LADDER_MEMORY_LIMIT = '64GiB';
    const { disk: line, refusing } = await check(['budget=200m']);
    expect(line).toMatchObject({ level: 'fail', refuses: true });
    expect(refusing).toEqual(['disk']);
  }, 60_000);
});

describe('the disk need counts the index', () => {
  const SMOKE = ['trainer=smoke', ...TINY];
  // a smoke job's run folder: its checkpoints, model.onnx and other files
  const folder = () => {
    const { spec } = jobs(SMOKE)[0]!;
    return outputBytes(estimateMemory(spec.model, featureColumns(spec.data.features).length, spec.trainer.batch_size as number));
  };

  it('a disk with room for the run folder but not for the index refuses the launch', async () => {
    process.env.LADDER_MEMORY_LIMIT = '64GiB';
    const need = folder() + INDEX_BYTES_PER_JOB + INDEX_WAL_BYTES;
    disk.bytes = need;
    expect((await check(SMOKE)).disk).toEqual({ level: 'ok', check: 'disk', message: `${formatBytes(need)} free on /small, the job needs ${formatBytes(need)}` });
    disk.bytes = folder() + INDEX_BYTES_PER_JOB;
    expect(await check(SMOKE)).toMatchObject({ disk: { level: 'fail', refuses: true }, refusing: ['disk'] });
  }, 60_000);

  it('counts the index rows per job and its write-ahead log once', async () => {
    process.env.LADDER_MEMORY_LIMIT = '64GiB';
    const need = 3 * (folder() + INDEX_BYTES_PER_JOB) + INDEX_WAL_BYTES;
    disk.bytes = need;
    expect((await check([...SMOKE, 'seed=1,2,3'], true)).disk).toMatchObject({ level: 'ok', message: `${formatBytes(need)} free on /small, 3 jobs need ${formatBytes(need)}` });
    disk.bytes = need - INDEX_BYTES_PER_JOB;
    expect((await check([...SMOKE, 'seed=1,2,3'], true)).disk).toMatchObject({ level: 'warn', message: expect.stringMatching(/, 3 jobs need .* in all \(run folders and the index\)$/) });
  }, 60_000);
});
