// Checked when a train job starts, before anything is built: does one training step fit in the
// memory this machine has free? (The spec's own checks run when jobs are planned: check.ts.)
import si from 'systeminformation';
import { describeMemory, fittingBatch, formatBytes, type MemoryEstimate } from '../../../engine/index.js';

export interface AvailableMemory {
  bytes: number;
  /** Where the figure comes from, for the message. */
  source: string;
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parses '8GiB', '8G', '512m' or a plain byte count. */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  return m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : null;
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
    : 'a smaller batch does not fit either';
  return (
    `${job} needs about ${formatBytes(estimate.total)} for one training step at batch ${estimate.batchSize} ` +
    `(${describeMemory(estimate, 'inline').join(', ')}), ` +
    `but only ${formatBytes(available.bytes)} is free (${available.source}). ` +
    `Run it on a GPU node through SLURM (e.g. sbatch --gres=gpu:1 --mem=${Math.ceil(estimate.total / 2 ** 30)}G --wrap "npx run ..."), ` +
    lower
  );
}
