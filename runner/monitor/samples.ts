// The periodic sys/* samples a train run logs into metrics.jsonl and the index.
import type { Reading } from './types.js';

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A reading as metrics: sys/cpu_percent, sys/mem_percent, sys/rss_mb, sys/temp_c (when readable) and,
 * where systeminformation sees a GPU, sys/gpu_util (mean over GPUs, percent) and sys/gpu_mem_mb (sum, MiB).
 * A value the reading lacks is left out rather than logged as NaN.
 */
export function samples(r: Reading): Record<string, number> {
  const out: Record<string, number> = {};
  if (r.cpuPercent !== null) out['sys/cpu_percent'] = round(r.cpuPercent);
  if (r.memPercent !== null) out['sys/mem_percent'] = round(r.memPercent);
  out['sys/rss_mb'] = round(r.rssMb);
  if (r.cpuTempC !== null) out['sys/temp_c'] = round(r.cpuTempC);
  const util = r.gpus.map((g) => g.util).filter((u): u is number => u !== null);
  const mem = r.gpus.map((g) => g.memMb).filter((m): m is number => m !== null);
  if (util.length) out['sys/gpu_util'] = round(util.reduce((a, b) => a + b, 0) / util.length);
  if (mem.length) out['sys/gpu_mem_mb'] = round(mem.reduce((a, b) => a + b, 0));
  return out;
}
