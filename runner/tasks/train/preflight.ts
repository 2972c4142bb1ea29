// Machine checks of train jobs. When a train job starts, before anything is built: does one training
// step fit in the memory this machine has free (memoryRefusal)? At launch, once before the first job:
// the preflight block's lines (trainPreflight). The spec's own checks run when jobs are planned: check.ts.
import si from 'systeminformation';
import { featureColumns } from '../../../data/index.js';
import { describeMemory, estimateMemory, fittingBatch, stepKind, formatBytes, largestBatch, probeBackend, type MemoryEstimate } from '../../../engine/index.js';
import { currentProvider, diskLine, freeDisk, Sensor, sensorsLine, type PreflightLine } from '../../monitor/index.js';
import { INDEX_BYTES_PER_JOB, INDEX_WAL_BYTES } from '../../tracking/index.js';
import type { PreflightEnv } from '../types.js';
import type { TrainSpec } from './check.js';
import { AUTO_BATCH_DEFAULTS } from './autobatch/search.js';
import { recomputeLayers } from './recompute.js';
import { stepsPerRun } from './steps-per-run.js';

export interface AvailableMemory {
  bytes: number;
  /** Where the figure comes from, for the message. */
  source: string;
}

const POWERS: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4 };

/**
 * Bytes from '8GiB', '8G', '512m' (binary: 2^30, 2^20, as SLURM's --mem reads them), '141GB', '500MB' (decimal:
 * 10^9, 10^6, as a device's memory is sold, e.g. an H200's 141 GB) or a plain byte count; null otherwise.
 */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const decimal = m[2] !== '' && m[3]?.toLowerCase() === 'b';
  return Number(m[1]) * (decimal ? 1000 : 1024) ** POWERS[m[2].toLowerCase()];
}

/**
 * The memory a run may use: LADDER_MEMORY_LIMIT when set (e.g. to reserve memory for other work, or in
 * tests), else what the OS reports as available to new allocations.
 */
export async function availableMemory(env: Record<string, string | undefined> = process.env): Promise<AvailableMemory> {
  const limit = env.LADDER_MEMORY_LIMIT;
  if (limit !== undefined && limit !== '') {
    const bytes = parseBytes(limit);
    if (bytes === null) throw new Error(`LADDER_MEMORY_LIMIT='${limit}' is not a size; use e.g. 16GiB, 512MiB or a byte count`);
    return { bytes, source: 'LADDER_MEMORY_LIMIT' };
  }
  const mem = await si.mem();
  return { bytes: mem.available, source: 'available RAM' };
}

/**
 * null when the estimate fits, else the refusal: estimate, memory available and what to do instead,
 * with the largest power-of-two batch size that would fit (`at` estimates another batch size).
 */
export function memoryRefusal(estimate: MemoryEstimate, available: AvailableMemory, job: string, at: (batchSize: number) => MemoryEstimate): string | null {
  if (estimate.total <= available.bytes) return null;
  const smaller = fittingBatch(at, available.bytes, 2 ** Math.floor(Math.log2(Math.max(1, estimate.batchSize - 1))));
  const lower = smaller >= 1 && smaller < estimate.batchSize
    ? `or lower the batch: trainer.batch_size=${smaller} needs about ${formatBytes(at(smaller).total)}`
    : `and not even trainer.batch_size=1 fits: it needs about ${formatBytes(at(1).total)}`;
  return (
    `${job} needs about ${formatBytes(estimate.total)} for one training step at batch ${estimate.batchSize} ` +
    `(${describeMemory(estimate, 'inline').join(', ')}), ` +
    `but only ${formatBytes(available.bytes)} is free (${available.source}). ` +
    `Run it on a GPU node through SLURM (e.g. sbatch --gres=gpu:1 --mem=${Math.ceil(estimate.total / 2 ** 30)}G --wrap "npx run ..."), ` +
    lower
  );
}

/** A planned train job, as the launch preflight sees it. */
export interface PreflightJob {
  num: number;
  spec: TrainSpec;
}

/** What a run folder holds besides the weights, whatever the model's size: predictions.csv, the graph's own bytes in model.onnx, metrics, logs, configs (a tiny job writes ~200 KiB in all). */
const RUN_FILES_BYTES = 512 * 1024;

/** Bytes a job writes to its run folder: the best and last checkpoints (weights and optimizer slots), model.onnx and RUN_FILES_BYTES. */
export const outputBytes = (e: MemoryEstimate) => 2 * (e.params + e.adamMoments) + e.params + RUN_FILES_BYTES;

/**
 * The disk line for the jobs of `estimates`: each job's run folder (outputBytes) and rows in the index
 * (INDEX_BYTES_PER_JOB) and, once, the index's write-ahead log (INDEX_WAL_BYTES), against the free space of
 * the outputs dir, which holds the index (outputs/index.sqlite) unless the settings' indexPath moves it.
 */
const disk = (free: Awaited<ReturnType<typeof freeDisk>>, dir: string, estimates: readonly { estimate: MemoryEstimate }[]) =>
  diskLine(free, dir, estimates.map((e) => outputBytes(e.estimate) + INDEX_BYTES_PER_JOB), formatBytes, INDEX_WAL_BYTES);

/**
 * The train task's lines of the launch preflight block, for the jobs about to start: the backends they
 * use (refusing the launch when one cannot run a model), the sensors (when a job's monitor is on), free
 * memory against each job's estimate (a job that does not fit is skipped when it starts, by
 * memoryRefusal) and free disk in the outputs dir against what they write there, run folders and index
 * (refusing when not even one job fits).
 */
export async function trainPreflight(jobs: readonly PreflightJob[], env: PreflightEnv): Promise<PreflightLine[]> {
  // the machine's answers are asked for at once (each mostly waits: a session, a sensor, a process), and
  // read in the block's order
  const backends = [...new Set(jobs.map((j) => j.spec.trainer.backend))].map((backend) => ({ backend, why: probeBackend(backend) }));
  const monitor = jobs.find((j) => j.spec.monitor?.enabled)?.spec.monitor;
  const provider = currentProvider();
  // the temperature alone where the provider can (systeminformation's load and GPU reads cost ~0.5 s more)
  const sensors = monitor ? (provider.temperature?.().catch(() => new Sensor(provider).read()) ?? new Sensor(provider).read()) : null;
  const memory = env.concurrent === 0 ? null : availableMemory().then((value) => ({ value }), (error: Error) => ({ error }));
  const room = freeDisk(env.outputsDir);
  const lines: PreflightLine[] = [];
  for (const { backend, why: probe } of backends) {
    const why = await probe;
    lines.push(why === null
      ? { level: 'ok', check: 'backend', message: `trainer.backend=${backend} runs a model here` }
      : { level: 'fail', check: 'backend', message: why, fix: `trainer.backend=node (the CPU), or run where ${backend} is available`, refuses: true });
  }
  if (monitor && sensors) lines.push(sensorsLine(await sensors, monitor));

  const estimates = jobs.map((j) => {
    const channels = featureColumns(j.spec.data.features).length;
    const at = (batchSize: number) => estimateMemory(j.spec.model, channels, batchSize, { recompute: recomputeLayers(j.spec.trainer), step: stepKind(j.spec.trainer.backend), stepsPerRun: stepsPerRun(j.spec.trainer) });
    // trainer.batch_size=auto: the search's smallest candidate; the search itself keeps to free memory
    const batch = j.spec.trainer.batch_size === 'auto' ? (j.spec.trainer.auto_batch?.start ?? AUTO_BATCH_DEFAULTS.start) : j.spec.trainer.batch_size;
    return { job: j, at, estimate: at(batch) };
  });
  if (memory === null) {
    lines.push({ level: 'ok', check: 'memory', message: 'the jobs run on other machines: each checks its own memory when it starts there' });
    return [...lines, disk(await room, env.outputsDir, estimates)];
  }
  const answer = await memory;
  if ('error' in answer) return [...lines, { level: 'fail', check: 'memory', message: answer.error.message, refuses: true }];
  const available: AvailableMemory = answer.value;
  const free = `${formatBytes(available.bytes)} free (${available.source})`;
  const over = estimates.filter((e) => e.estimate.total > available.bytes).sort((a, b) => b.estimate.total - a.estimate.total);
  const largest = [...estimates].sort((a, b) => b.estimate.total - a.estimate.total)[0]!;
  if (!over.length) {
    const most = largestBatch(largest.at, available.bytes);
    lines.push({ level: 'ok', check: 'memory', message: `${jobs.length === 1 ? 'the job needs' : `the largest job (#${largest.job.num}) needs`} ${formatBytes(largest.estimate.total)} of ${free}; batches up to ${most.toLocaleString('en-US')} fit` });
  } else {
    const top = over[0]!;
    const smaller = fittingBatch(top.at, available.bytes, 2 ** Math.floor(Math.log2(Math.max(1, top.estimate.batchSize - 1))));
    const who = jobs.length === 1 ? 'the job needs' : `${over.length} of ${jobs.length} jobs need more: #${top.job.num} needs`;
    lines.push({
      level: 'fail', check: 'memory', message: `${who} ${formatBytes(top.estimate.total)} at batch ${top.estimate.batchSize}, ${free}; ${over.length === 1 ? 'it is' : 'they are'} skipped when ${over.length === 1 ? 'it starts' : 'they start'}`,
      fix: smaller >= 1 && smaller < top.estimate.batchSize
        ? `trainer.batch_size=${smaller} (about ${formatBytes(top.at(smaller).total)}; the largest that fits is ${largestBatch(top.at, available.bytes)}), or a machine with ${Math.ceil(top.estimate.total / 2 ** 30)} GiB free (a GPU node through SLURM)`
        : `a machine with ${Math.ceil(top.estimate.total / 2 ** 30)} GiB free (a GPU node through SLURM); no batch fits here, and batch 1 needs about ${formatBytes(top.at(1).total)}`,
    });
  }
  const together = concurrentLine(estimates.filter((e) => !over.includes(e)).map((e) => e.estimate.total), env.concurrent, available.bytes, free);
  if (together) lines.push(together);
  // a job skipped for memory writes no checkpoints
  const writing = estimates.filter((e) => !over.includes(e));
  const space = await room;
  lines.push(writing.length || !space
    ? disk(space, env.outputsDir, writing)
    : laterDiskLine(disk(space, env.outputsDir, estimates), estimates.length));
  return lines;
}

/**
 * The disk line when every job is skipped for memory: nothing is written now, so the disk never refuses
 * the launch (the memory line is the reason to act on); a disk too small for them once they fit is a warning.
 */
function laterDiskLine(line: PreflightLine, jobs: number): PreflightLine {
  if (line.level === 'ok') return line;
  return { level: 'warn', check: 'disk', message: `${line.message} once ${jobs === 1 ? 'it fits' : 'they fit'} in memory (skipped for memory now)`, fix: line.fix };
}

/**
 * A warning when the largest `concurrent` jobs, running at once (launcher=pool), need more than the
 * `free` bytes together although each fits alone; the fix names the n_jobs that fits. Null when they fit.
 */
function concurrentLine(totals: number[], concurrent: number, free: number, freeText: string): PreflightLine | null {
  const largest = [...totals].sort((a, b) => b - a);
  const together = (n: number) => largest.slice(0, n).reduce((sum, t) => sum + t, 0);
  const n = Math.min(concurrent, largest.length);
  if (n <= 1 || together(n) <= free) return null;
  let fits = n - 1;
  while (fits > 1 && together(fits) > free) fits--;
  return {
    level: 'warn', check: 'memory',
    message: `${n} jobs at once need up to ${formatBytes(together(n))} together, ${freeText}; a job that finds too little free when it starts is skipped`,
    fix: `launcher.n_jobs=${fits}, or a smaller trainer.batch_size`,
  };
}
