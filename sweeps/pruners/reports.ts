// A study's report files: how a trial, in whatever process or machine runs it (local, pool, SLURM), tells the
// pruner its intermediate objective values, and reads everyone else's. One file per trial,
// `<TrialLink.dir>/<number>.jsonl`, written only by the process running that trial, one JSON object a line:
//
//   {"step":120,"value":0.6123}     an intermediate value at an optimizer step, oriented lower-is-better
//                                   (negated for direction=maximize); NaN/±Infinity as strings
//   {"end":"complete"}              the trial ended: complete | pruned | failed (written by the job's end)
//
// Appends are single short writes to a file opened for appending, so a reader sees whole lines, or a torn
// last one (a writer killed mid-write) that it skips; the next writer starts on a fresh line. A report after
// an end line means the trial was continued (`--resume` of an interrupted trial): it is running again. An
// interrupted trial writes no end line, since it may continue. A step reported twice (a resumed trial redoes
// the steps after its last checkpoint) keeps its latest value.
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyTrial } from '../samplers/types.js';
import { createPruner } from './create.js';
import type { TrialLink } from './types.js';

/** How a trial ended, as its end line says. */
export type ReportState = 'complete' | 'pruned' | 'failed';

const FILE = /^(\d+)\.jsonl$/;

/** `<link.dir>/<link.number>.jsonl` */
export const reportPath = (link: Pick<TrialLink, 'dir' | 'number'>) => join(link.dir, `${link.number}.jsonl`);

/** `value` of the objective oriented lower-is-better: negated when the study maximizes it. */
export const orient = (link: Pick<TrialLink, 'direction'>, value: number) => (link.direction === 'maximize' ? -value : value);

const encode = (v: number) => (Number.isFinite(v) ? v : String(v));

/** Appends `line` on a line of its own (after a torn line a killed writer left, a newline first). */
function appendLine(path: string, line: string): void {
  let fresh = true;
  if (existsSync(path)) {
    const fd = openSync(path, 'r');
    try {
      const { size } = fstatSync(fd);
      const last = Buffer.alloc(1);
      if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1) fresh = last[0] === 0x0a;
    } finally {
      closeSync(fd);
    }
  }
  appendFileSync(path, `${fresh ? '' : '\n'}${line}\n`);
}

/**
 * Records the objective's value `value` (in its own direction; oriented here) at optimizer step `step` in the
 * trial's report file, creating the study's report folder if need be.
 */
export function appendReport(link: TrialLink, step: number, value: number): void {
  mkdirSync(link.dir, { recursive: true });
  appendLine(reportPath(link), JSON.stringify({ step, value: encode(orient(link, value)) }));
}

/** Marks the trial ended as `state` (see the file's note: an interrupted trial is not ended). */
export function endReport(link: TrialLink, state: ReportState): void {
  mkdirSync(link.dir, { recursive: true });
  appendLine(reportPath(link), JSON.stringify({ end: state }));
}

/**
 * The report state for a run's final status: completed → complete, pruned → pruned, interrupted → null (it
 * may continue: no end line), anything else (failed, skipped, lost) → failed.
 */
export function trialStateOf(status: string): ReportState | null {
  if (status === 'completed') return 'complete';
  if (status === 'pruned') return 'pruned';
  if (status === 'interrupted' || status === 'running') return null;
  return 'failed';
}

const decode = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);

/** A trial from the text of its report file (params are not the reports' business: {}). */
function parseTrial(number: number, text: string): StudyTrial {
  const values = new Map<number, number>();
  let state: StudyTrial['state'] = 'running';
  for (const line of text.split('\n')) {
    let row: { step?: unknown; value?: unknown; end?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      continue; // empty, or torn by a killed writer
    }
    if (typeof row?.step === 'number' && 'value' in row) {
      values.set(row.step, decode(row.value));
      state = 'running';
    } else if (row?.end === 'complete' || row?.end === 'pruned' || row?.end === 'failed') state = row.end;
  }
  const intermediate = [...values].sort((a, b) => a[0] - b[0]);
  return { number, state, params: {}, value: trialValue(state, intermediate), intermediate };
}

/** complete: its best intermediate value; pruned: its last; running and failed: null. */
function trialValue(state: StudyTrial['state'], intermediate: [number, number][]): number | null {
  const finite = intermediate.map(([, v]) => v).filter((v) => !Number.isNaN(v));
  if (state === 'complete') return finite.length ? Math.min(...finite) : null;
  if (state === 'pruned') return intermediate.at(-1)?.[1] ?? null;
  return null;
}

/** Trial `number`'s reports in study folder `dir`, or null when it has reported nothing. */
export function readTrialReports(dir: string, number: number): StudyTrial | null {
  const path = join(dir, `${number}.jsonl`);
  if (!existsSync(path)) return null;
  return parseTrial(number, readFileSync(path, 'utf8'));
}

/**
 * Every trial that has a report file in study folder `dir`, in number order, as StudyTrials: `intermediate`
 * from its reports, `state` from its end line (running without one), `value` its best intermediate value when
 * complete, its last when pruned, else null; `params` {} (the study driver knows them). [] for no folder.
 */
export function readReports(dir: string): StudyTrial[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => FILE.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
    .flatMap((n) => readTrialReports(dir, n) ?? []);
}

/**
 * What a task that is a study's trial calls after each evaluation: records `value` of the objective (in its own
 * direction) at `step`, then asks the study's pruner, with every trial's reports, whether to stop now. When it
 * answers true the task stops and ends as `pruned` (TaskResult `{ status: 'pruned', reason }`).
 */
export function reportAndShouldPrune(link: TrialLink, step: number, value: number): boolean {
  appendReport(link, step, value);
  const trials = readReports(link.dir);
  const self = trials.find((t) => t.number === link.number)
    ?? { number: link.number, state: 'running', params: {}, value: null, intermediate: [[step, orient(link, value)]] };
  return createPruner(link.pruner).prune(self, step, trials.filter((t) => t.number !== link.number));
}
