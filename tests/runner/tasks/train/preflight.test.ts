// The launch preflight of train jobs: one block before the first job (backend, sensors, memory, disk),
// ok / warn / fail with the fix; a fail that concerns every job refuses the launch with nothing written,
// a job that does not fit in memory is left to be skipped when it starts.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runLaunchCommand } from '../../../../runner/cli/launch.js';
import { compose } from '../../../../runner/compose/index.js';
import { probeBackend } from '../../../../engine/index.js';
import { planJobs } from '../../../../runner/launch/index.js';
import { useProvider } from '../../../../runner/monitor/index.js';
import { parseBytes, trainPreflight } from '../../../../runner/tasks/train/preflight.js';
import type { TrainSpec } from '../../../../runner/tasks/train/index.js';
import { scriptedProvider } from '../../monitor/helpers.js';
import { CONF, TINY } from './helpers.js';

afterEach(() => {
  delete process.env.LADDER_MEMORY_LIMIT;
});
afterAll(() => useProvider(null));

const jobs = (overrides: string[], multirun = false) =>
  planJobs(overrides, { multirun, configDir: CONF, configName: 'config', compose }).jobs.map((j) => ({ num: j.num, spec: j.config as unknown as TrainSpec }));
const outputs = () => mkdtempSync(join(tmpdir(), 'ladder-preflight-'));

describe('trainPreflight', () => {
  it('one line per check: the backend runs, the sensor is unreadable (with the fix), memory and disk are enough', async () => {
    useProvider(scriptedProvider([null]));
    const lines = await trainPreflight(jobs(['trainer=smoke', ...TINY]), { outputsDir: outputs(), concurrent: 1 });
    expect(lines.map((l) => [l.level, l.check])).toEqual([['ok', 'backend'], ['warn', 'sensors'], ['ok', 'memory'], ['ok', 'disk']]);
    expect(lines[0]!.message).toBe('trainer.backend=node runs a model here');
    expect(lines[1]!.fix).toMatch(/monitor\.on_unreadable=ignore/);
    expect(lines[2]!.message).toMatch(/^the job needs [\d.]+ [KMG]iB of [\d.]+ GiB free \(available RAM\); batches up to [\d,]+ fit$/);
    expect(lines[3]!.message).toMatch(/^[\d.]+ GiB free on \/\S*, the job needs [\d.]+ [KM]iB$/);
  }, 60_000);

  it('the sensors line reads the temperature alone where the provider can (no load or GPU reads at launch)', async () => {
    const calls: string[] = [];
    useProvider({
      read: async () => (calls.push('read'), { cpuTempC: 99, cpuPercent: 1, memPercent: 1, rssMb: 1, gpus: [] }),
      temperature: async () => (calls.push('temperature'), { cpuTempC: 71 }),
    });
    const lines = await trainPreflight(jobs(['trainer=smoke', ...TINY]), { outputsDir: outputs(), concurrent: 1 });
    expect(lines.find((l) => l.check === 'sensors')).toEqual({ level: 'ok', check: 'sensors', message: 'CPU 71 °C (acceptable)' });
    expect(calls).toEqual(['temperature']);
  }, 60_000);

  it('a job over the free memory is a fail with a batch that fits, left to be skipped when it starts (not refusing)', async () => {
    process.env.LADDER_MEMORY_LIMIT = '16GiB';
    useProvider(scriptedProvider([60]));
    const lines = await trainPreflight(jobs(['budget=2m,200m'], true), { outputsDir: outputs(), concurrent: 1 });
    expect(lines.find((l) => l.check === 'sensors')).toEqual({ level: 'ok', check: 'sensors', message: 'CPU 60 °C (normal)' });
    const memory = lines.find((l) => l.check === 'memory')!;
    expect(memory).toMatchObject({ level: 'fail', message: expect.stringMatching(/^1 of 2 jobs need more: #1 needs [\d.]+ GiB at batch 64, 16\.0 GiB free \(LADDER_MEMORY_LIMIT\); it is skipped when it starts$/) });
    expect(memory.fix).toMatch(/^trainer\.batch_size=\d+ \(about [\d.]+ [MG]iB; the largest that fits is \d+\), or a machine with \d+ GiB free/);
    expect(memory.refuses).toBeUndefined();
    // the skipped job writes no checkpoints: the disk line counts the 2m job only
    expect(lines.find((l) => l.check === 'disk')!.message).toMatch(/, the job needs [\d.]+ MiB$/);
  }, 60_000);

  it('budget=2b horizon=h3 on a 141 GB H200: the fix names batch 31, or 504 with recomputation (issue 17: it was refused everywhere)', async () => {
    process.env.LADDER_MEMORY_LIMIT = '141GB';
    useProvider(scriptedProvider([60]));
    const memoryAt = async (...o: string[]) => (await trainPreflight(jobs(['budget=2b', 'horizon=h3', ...o]), { outputsDir: outputs(), concurrent: 1 })).find((l) => l.check === 'memory')!;
    expect((await memoryAt()).fix).toMatch(/^trainer\.batch_size=16 \(about [\d.]+ GiB; the largest that fits is 31\), or a machine with \d+ GiB free/);
    expect((await memoryAt('trainer.batch_size=31')).level).toBe('ok');
    expect((await memoryAt('trainer.recompute=true', 'trainer.batch_size=1024')).fix).toMatch(/the largest that fits is 504\)/);
    expect((await memoryAt('trainer.recompute=true', 'trainer.batch_size=504')).level).toBe('ok');
  }, 60_000);

  it('a machine too small for any batch: the fix says so and how much batch 1 needs', async () => {
    process.env.LADDER_MEMORY_LIMIT = '2GiB'; // 200m's batch 1 needs 3.7 GiB on the node backend
    useProvider(scriptedProvider([60]));
    const memory = (await trainPreflight(jobs(['budget=200m'], true), { outputsDir: outputs(), concurrent: 1 })).find((l) => l.check === 'memory')!;
    expect(memory.level).toBe('fail');
    expect(memory.fix).toMatch(/^a machine with \d+ GiB free \(a GPU node through SLURM\); no batch fits here, and batch 1 needs about [\d.]+ GiB$/);
  }, 60_000);

  it('jobs that fit alone but not together on launcher=pool: a warning naming the n_jobs that fits', async () => {
    useProvider(scriptedProvider([60]));
    const two = jobs(['budget=2m', 'horizon=h1,h3', 'trainer.batch_size=64'], true);
    const memoryLines = async (concurrent: number) => (await trainPreflight(two, { outputsDir: outputs(), concurrent })).filter((l) => l.check === 'memory');
    // free memory for one and a half jobs, from what the preflight says one job needs
    process.env.LADDER_MEMORY_LIMIT = '64GiB';
    const one = Number(/needs ([\d.]+) GiB/.exec((await memoryLines(1))[0]!.message)![1]);
    const free = (1.5 * one).toFixed(1);
    process.env.LADDER_MEMORY_LIMIT = `${free}GiB`;
    expect((await memoryLines(1)).map((l) => l.level)).toEqual(['ok']);
    const together = await memoryLines(2);
    expect(together.map((l) => l.level)).toEqual(['ok', 'warn']);
    expect(together[1]).toMatchObject({ message: expect.stringMatching(new RegExp(`^2 jobs at once need up to [\\d.]+ GiB together, ${free.replace('.', '\\.')} GiB free`)), fix: 'launcher.n_jobs=1, or a smaller trainer.batch_size' });
  }, 60_000);

  it('jobs run on other machines (SLURM): this machine\'s memory is not judged', async () => {
    process.env.LADDER_MEMORY_LIMIT = '1GiB';
    useProvider(scriptedProvider([60]));
    const lines = await trainPreflight(jobs(['budget=200m']), { outputsDir: outputs(), concurrent: 0 });
    expect(lines.filter((l) => l.check === 'memory')).toEqual([{ level: 'ok', check: 'memory', message: 'the jobs run on other machines: each checks its own memory when it starts there' }]);
    expect(lines.at(-1)!.check).toBe('disk');
  }, 60_000);

  it('reads a memory limit in binary units (GiB, G, as SLURM\'s --mem) or decimal ones (GB, as a device is sold)', () => {
    expect(parseBytes('16GiB')).toBe(16 * 2 ** 30);
    expect(parseBytes('16G')).toBe(16 * 2 ** 30);
    expect(parseBytes('512m')).toBe(512 * 2 ** 20);
    expect(parseBytes('1.5 GiB')).toBe(1.5 * 2 ** 30);
    expect(parseBytes('141GB')).toBe(141e9);
    expect(parseBytes('500MB')).toBe(500e6);
    expect(parseBytes('2tb')).toBe(2e12);
    expect(parseBytes('123456')).toBe(123456);
    for (const bad of ['lots', '', '16 GiBs', '-1G', 'GB']) expect(parseBytes(bad), bad).toBeNull();
  });

  it('a malformed memory limit refuses the launch in one line', async () => {
    process.env.LADDER_MEMORY_LIMIT = 'lots';
    const lines = await trainPreflight(jobs(['trainer=smoke', ...TINY, 'monitor=disabled']), { outputsDir: outputs(), concurrent: 1 });
    expect(lines.at(-1)).toEqual({ level: 'fail', check: 'memory', message: "LADDER_MEMORY_LIMIT='lots' is not a size; use e.g. 16GiB, 512MiB or a byte count", refuses: true });
    expect(lines.some((l) => l.check === 'sensors')).toBe(false); // monitor=disabled: no sensor line
  }, 60_000);
});

describe('npx run: the preflight block', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) }, cwd: tmpdir() } };
  };
  const cmd = (overrides: string[], outputsDir: string) => ({ overrides, multirun: false, zip: [], dryRun: false, json: true, configDir: CONF, configName: 'config', outputsDir, indexPath: null });

  it('prints once before the first job, on stderr, and the job runs', async () => {
    useProvider(scriptedProvider([null]));
    const { out, io: streams } = io();
    const code = await runLaunchCommand(cmd(['trainer=smoke', ...TINY, 'trainer.max_steps=2'], outputs()), compose, streams);
    expect(code).toBe(0);
    expect(out.stderr).toMatch(/^preflight:\n {2}ok {4}backend {2}trainer\.backend=node runs a model here\n {2}warn {2}sensors {2}CPU temperature unreadable/);
    expect(out.stderr.match(/preflight:/g)).toHaveLength(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'completed' });
  }, 300_000);

  it('a backend that cannot run here refuses the launch: exit 3, the fix, nothing written', async () => {
    const why = await probeBackend('webgpu');
    if (why === null) return; // an adapter exists on this machine: webgpu runs, nothing to refuse
    const { out, io: streams } = io();
    const dir = outputs();
    expect(await runLaunchCommand(cmd(['trainer=smoke', ...TINY, 'trainer.backend=webgpu'], dir), compose, streams)).toBe(3);
    expect(out.stderr).toContain(`  fail  backend  ${why}\n                 fix: trainer.backend=node (the CPU), or run where webgpu is available\n`);
    expect(out.stderr).toMatch(/Error: the preflight refused the launch \(backend\): nothing was run\n$/);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('trainer.backend=cuda without the CUDA execution provider refuses the launch with how to install it', async () => {
    const why = await probeBackend('cuda');
    if (why === null) return; // onnxruntime-node was installed with CUDA and a GPU is here
    expect(why).toMatch(/^backend 'cuda' is not available here: .*ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci/);
    const { out, io: streams } = io();
    const dir = outputs();
    expect(await runLaunchCommand(cmd(['trainer=smoke', ...TINY, 'trainer.backend=cuda'], dir), compose, streams)).toBe(3);
    expect(out.stderr).toContain(`  fail  backend  ${why}\n                 fix: trainer.backend=node (the CPU), or run where cuda is available\n`);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});
