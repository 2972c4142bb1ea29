/**
 * Activation recomputation bench (`npm run bench -- recompute [--recompute-batches 64,256] [--steps N]`): the
 * 2m h3 train step with trainer.recompute off and on, and PyTorch on the same model, batch and threads, each
 * case in its own process: peak RSS, the estimate, samples/s, and the two goals of issue 17 — peak RSS with
 * recomputation at most half of PyTorch's, and its step at most 1.4× slower than without (the `step time
 * on/off` column); the estimate against the peak and samples/s against PyTorch's too. A case whose estimate
 * exceeds 80% of free memory is skipped (said in the log and the table), never shrunk; one that runs past
 * --case-timeout is killed and reported as timed out. `--rounds R` repeats the three cases R times, interleaved,
 * and reports each case's median.
 */
import { freemem } from 'node:os';
import { estimateMemory } from '../../engine/memory/index.js';
import { CASE_TIMEOUT_S, type EngineCase, type EngineRow, failedRow, SHAPES, spawnCase } from './engine.js';
import { runInTurns } from './turns.js';

export interface RecomputeRow {
  batch: number;
  /** 'off', 'on' (every layer) or 'pytorch'. */
  case: string;
  samples_per_s: number;
  peak_rss_mb: number;
  est_peak_mb: number | null;
  /** Step time over the same batch's step time without recomputation (the goal: at most 1.4). */
  slowdown: number | null;
  /** Samples/s over PyTorch's at the same batch. */
  speed_vs_pytorch: number | null;
  /** Why the case has no figures (skipped, timed out, failed). */
  note?: string;
  /** Peak RSS over PyTorch's at the same batch. */
  rss_vs_pytorch: number | null;
}

export interface RecomputeBenchOptions {
  shape?: string; batches: number[]; steps: number; warmup: number; timeoutS?: number; log?: (m: string) => void;
  /**
   * Rounds of the three cases per batch, each round in a rotated order (default 1): a case's samples/s is its
   * median over the rounds and its peak RSS the largest. On a host whose speed wanders within minutes, one
   * round's ratios are one draw; several interleaved rounds put each case under the same spread of speeds.
   */
  rounds?: number;
  /**
   * The three cases in turns (tests/bench/turns.ts): side by side, one step at a time, so that Ladder's and
   * PyTorch's steps meet the same minutes of the host. Needs all three resident at once: a batch whose
   * estimates (PyTorch's taken as 1.5× Ladder's without recomputation; measured 1.31–1.35×) exceed 80% of free
   * memory runs the cases one after another instead, and says so. `rounds` is then ignored.
   */
  turns?: boolean;
}

const CHANNELS = 25;
/** A Ladder case's estimated peak in bytes (the memory checks before running cases). */
const estimateOf = (shape: string, batch: number, recompute: number) => estimateMemory(SHAPES[shape], CHANNELS, batch, { recompute }).total;
const CASES = [['pytorch', 'pytorch', 0], ['off', 'node', 0], ['on', 'node', 1]] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One case's rows over the rounds as one: median samples/s and steps/s, the largest peak; the first failure if any failed. */
function combine(rows: EngineRow[]): EngineRow {
  const failed = rows.find((r) => !Number.isFinite(r.samples_per_s));
  if (failed || rows.length === 1) return failed ?? rows[0]!;
  return {
    ...rows[0]!, samples_per_s: median(rows.map((r) => r.samples_per_s)), steps_per_s: median(rows.map((r) => r.steps_per_s)),
    peak_rss_mb: Math.max(...rows.map((r) => r.peak_rss_mb)),
  };
}

export async function benchRecompute(o: RecomputeBenchOptions): Promise<RecomputeRow[]> {
  const shape = o.shape ?? '2m';
  const rounds = Math.max(1, o.rounds ?? 1);
  const rows: RecomputeRow[] = [];
  for (const batch of o.batches) {
    const runs = new Map<string, EngineRow[]>(CASES.map(([name]) => [name, []]));
    const together = o.turns && inTurns(shape, batch, o, runs);
    for (let round = 0; round < (together ? 0 : rounds); round++) {
      for (const [name, backend, recompute] of [...CASES.slice(round % 3), ...CASES.slice(0, round % 3)]) {
        const c: EngineCase = { shape, backend, batch, steps: o.steps, warmup: o.warmup, recompute };
        const need = backend === 'pytorch' ? 0 : estimateOf(shape, batch, recompute);
        if (need > 0.8 * freemem()) {
          const why = `not run: its estimate ${(need / 2 ** 30).toFixed(1)} GiB exceeds 80% of free memory`;
          o.log?.(`skip ${shape}/${name} at batch ${batch}: ${why}`);
          runs.get(name)!.push(failedRow(c, why));
          continue;
        }
        o.log?.(`${shape}/${name}: batch ${batch}, ${o.warmup} warm-up + ${o.steps} timed steps${rounds > 1 ? `, round ${round + 1}/${rounds}` : ''}`);
        try {
          runs.get(name)!.push(spawnCase(c, o.timeoutS));
        } catch (e) {
          o.log?.(String((e as Error).message));
          runs.get(name)!.push(failedRow(c, String((e as Error).message)));
        }
      }
    }
    if (together) await together;
    const ran = CASES.map(([name]) => ({ name, row: combine(runs.get(name)!) }));
    const of = (name: string) => ran.find((r) => r.name === name)?.row;
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    for (const { name, row } of ran) {
      const [off, torch] = [of('off'), of('pytorch')];
      rows.push({
        batch, case: name, samples_per_s: row.samples_per_s, peak_rss_mb: row.peak_rss_mb,
        est_peak_mb: finite(row.est_peak_mb),
        slowdown: name === 'on' && off ? finite(off.samples_per_s / row.samples_per_s) : null,
        speed_vs_pytorch: name !== 'pytorch' && torch ? finite(row.samples_per_s / torch.samples_per_s) : null,
        rss_vs_pytorch: name !== 'pytorch' && torch ? finite(row.peak_rss_mb / torch.peak_rss_mb) : null,
        ...(name === 'pytorch' || !Number.isFinite(row.samples_per_s) ? { note: row.note } : {}),
      });
    }
  }
  return rows;
}

/**
 * The batch's three cases in turns, their rows put in `runs`, or null (logged) when they would not fit in
 * memory side by side.
 */
function inTurns(shape: string, batch: number, o: RecomputeBenchOptions, runs: Map<string, EngineRow[]>): Promise<void> | null {
  const need = estimateOf(shape, batch, 0) * 2.5 + estimateOf(shape, batch, 1);
  if (need > 0.8 * freemem()) {
    o.log?.(`batch ${batch}: the three cases side by side need about ${(need / 2 ** 30).toFixed(1)} GiB, over 80% of free memory: one after another instead`);
    return null;
  }
  const cases = CASES.map(([, backend, recompute]): EngineCase => ({ shape, backend, batch, steps: o.steps, warmup: o.warmup, recompute }));
  o.log?.(`${shape}: batch ${batch}, pytorch, off and on in turns, ${o.warmup} warm-up + ${o.steps} timed steps each`);
  return runInTurns(cases, o.timeoutS ?? CASE_TIMEOUT_S).then(
    (rows) => rows.forEach((r, i) => runs.get(CASES[i][0])!.push(r)),
    (e) => {
      o.log?.(String((e as Error).message));
      for (const [i, [name]] of CASES.entries()) runs.get(name)!.push(failedRow(cases[i], String((e as Error).message)));
    },
  );
}

/** The rows as an aligned table, with the goals' verdicts. */
export function recomputeTable(rows: RecomputeRow[]): string {
  const f = (v: number | null, d: number) => (v === null || Number.isNaN(v) ? '-' : v.toFixed(d));
  const head = ['batch', 'recompute', 'samples/s', 'step s', 'peak RSS MB', 'est MB', 'est/peak', 'step time on/off', 'RSS vs pytorch', 'vs pytorch'];
  const body = rows.map((r) => [String(r.batch), r.case, f(r.samples_per_s, 1), f(r.samples_per_s ? r.batch / r.samples_per_s : NaN, 2), f(r.peak_rss_mb, 0), f(r.est_peak_mb, 0),
    r.est_peak_mb === null ? '-' : f(r.est_peak_mb / r.peak_rss_mb, 2),
    r.slowdown === null ? '-' : `${f(r.slowdown, 2)}× ${r.slowdown <= 1.4 ? 'ok' : 'over 1.4×'}`,
    r.rss_vs_pytorch === null ? '-' : `${f(r.rss_vs_pytorch, 2)}×${r.case === 'on' ? (r.rss_vs_pytorch <= 0.5 ? ' ok' : ' over 0.5×') : ''}`,
    r.speed_vs_pytorch === null ? '-' : `${f(r.speed_vs_pytorch, 2)}×`]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const notes = rows.filter((r) => r.note).map((r) => `  batch ${r.batch} ${r.case}: ${r.note}`);
  return [...[head, ...body].map((cells) => cells.map((c, i) => c.padStart(w[i])).join('  ')), ...notes].join('\n');
}
