// The closing lines of `npx run`: where results are, a table of each task's headline numbers,
// and, once each, the reasons of the jobs that did not complete.
import { relative } from 'node:path';
import type { JobOutcome, LaunchResult } from '../launch/index.js';
import { formatTable } from '../progress/index.js';
import { getTask, type Headline } from '../tasks/index.js';

/** `dir` relative to `cwd` when inside it, else absolute. */
function shown(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  return rel.startsWith('..') ? dir : rel || '.';
}

/** The headline columns of the tasks that reported some, in first-seen order. */
function headlines(outcomes: JobOutcome[]): Headline[] {
  const seen = new Map<string, Headline>();
  const tasks = new Set(outcomes.filter((o) => Object.keys(o.results).length).map((o) => o.task));
  for (const task of tasks) for (const h of getTask(task).headline) if (!seen.has(h.column ?? h.name)) seen.set(h.column ?? h.name, h);
  return [...seen.values()];
}

/** One line of the results table: what a job achieved, formatted as its task declares. */
function resultRow(o: JobOutcome, columns: Headline[], cwd: string): Record<string, unknown> {
  const row: Record<string, unknown> = { job: o.num, status: o.status };
  for (const h of columns) {
    const v = o.results[h.name];
    row[h.column ?? h.name] = v === undefined ? undefined : h.format ? h.format(v) : String(v);
  }
  row.folder = shown(o.dir, cwd);
  return row;
}

/** Whether an interrupted run of `task` continues with --resume (false for a task no longer registered). */
function resumable(task: string): boolean {
  try {
    return getTask(task).resumable;
  } catch {
    return false;
  }
}

/** `text` wrapped at `width` columns, continuation lines indented by `indent` spaces. */
function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${' '.repeat(indent)}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/**
 * The text after a launch, ending in a newline; folders are shown relative to `cwd`. A job that did
 * not complete gets its row in the table and its reason once, below it, wrapped to be read (the live
 * job line says only that it failed or was skipped).
 */
export function summary(result: LaunchResult, cwd: string): string {
  const where = shown(result.dir, cwd);
  const count = (s: string) => result.outcomes.filter((o) => o.status === s).length;
  const lines: string[] = [];
  // in job order, whatever order a launcher finished them in (pool, slurm)
  const outcomes = [...result.outcomes].sort((a, b) => a.num - b.num);
  const columns = headlines(outcomes);
  const notDone = outcomes.filter((o) => o.status !== 'completed');
  if (columns.length || notDone.length) lines.push('', formatTable(outcomes.map((o) => resultRow(o, columns, cwd))));
  if (notDone.length) lines.push('');
  // --resume of a job folder starts a new single run outside its sweep; a sweep's jobs go on with --resume of the sweep
  const inSweep = result.sweepId !== null;
  for (const o of notDone) {
    const head = `#${o.num} ${o.status}: `;
    lines.push(wrap(`${head}${o.reason ?? '(no reason recorded)'}`, 100, head.length));
    if (!inSweep && o.status === 'interrupted' && resumable(o.task)) lines.push(`${' '.repeat(head.length)}continue it: npx run --resume ${shown(o.dir, cwd)}`);
  }
  if (inSweep && notDone.some((o) => o.status === 'interrupted' && resumable(o.task))) {
    lines.push(`continue the sweep: npx run --resume ${where} (interrupted jobs go on from their checkpoints, jobs not started run)`);
  }
  if (notDone.length) lines.push('');
  const parts = [`${count('completed')} completed`];
  for (const s of ['pruned', 'failed', 'skipped', 'interrupted']) if (count(s)) parts.push(`${count(s)} ${s}`);
  if (result.notStarted.length) parts.push(`${result.notStarted.length} not started`);
  if (result.submitted?.length) parts.push(`${result.submitted.length} submitted, not waited for (npx runs ls shows their state)`);
  lines.push(`${result.status}: ${parts.join(', ')} → ${where}`);
  if (result.sweepId) lines.push(`query it: npx runs sql "SELECT * FROM run_summary WHERE sweep_id = '${result.sweepId}'"`);
  return `${lines.join('\n')}\n`;
}
