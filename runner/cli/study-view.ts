// What a study shows: the trials table and the best trial (value, parameters, run folder, and the
// override line that runs it again), at the end of `npx run -m` and in `npx runs study <id>`.
import { join, relative } from 'node:path';
import { derivedParams, trialOverrides } from '../../sweeps/index.js';
import { orient, shownValue, type Study } from '../../sweeps/study/index.js';
import { formatTable } from '../progress/format.js';

/** A study as shown: its trials' values as the run gave them (not negated for direction=maximize). */
export interface StudyShown {
  id: string;
  cell: string[];
  sampler: string;
  objective: string;
  direction: 'minimize' | 'maximize';
  n_trials: number;
  rejected: number;
  constraint: string | null;
  trials: {
    number: number;
    state: string;
    value: number | null;
    /** key → the value as the user reads it (a number, or a choice's value text). */
    params: Record<string, string>;
    /** The job overrides that set the trial's parameters. */
    overrides: string[];
    /** The run folder as shown (relative to the working directory when inside it), or null before it started. */
    dir: string | null;
    run_id: string | null;
  }[];
}

const fmt = (v: number | null) => (v === null ? '-' : Number(v.toPrecision(6)).toString());

/** The best complete trial: the lowest value (highest under maximize), the first on a tie; null when none completed. */
export function bestShown(study: StudyShown): StudyShown['trials'][number] | null {
  let best: StudyShown['trials'][number] | null = null;
  const better = (a: number, b: number) => (study.direction === 'maximize' ? a > b : a < b);
  for (const t of study.trials) if (t.state === 'complete' && t.value !== null && (!best || better(t.value, best.value!))) best = t;
  return best;
}

/** Counts by state: '6 complete, 1 pruned, 1 failed'. */
function counts(study: StudyShown): string {
  const by = (state: string) => study.trials.filter((t) => t.state === state).length;
  const running = by('running');
  return `${by('complete')} complete, ${by('pruned')} pruned, ${by('failed')} failed${running ? `, ${running} not finished` : ''}`;
}

/** The best-trial block: the study's line, then its parameters, run folder and re-run line. */
export function formatBest(study: StudyShown): string {
  const cell = study.cell.length ? ` (${study.cell.join(' ')})` : '';
  const head = `study ${study.id}${cell}: ${study.trials.length} of ${study.n_trials} trials, ${counts(study)}`;
  const best = bestShown(study);
  if (!best) return `${head}\n  no trial completed: nothing to call best\n`;
  return [
    head,
    `  best: trial ${best.number}, ${study.objective} ${fmt(best.value)} (${study.direction})`,
    `  params: ${Object.entries(best.params).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    `  run:    ${best.dir ?? '-'}`,
    `  re-run: npx run ${[...study.cell, ...best.overrides].join(' ')}`,
    '',
  ].join('\n');
}

/** The trials table (number, state, value, each parameter, run folder) and the best-trial block. */
export function formatStudy(study: StudyShown): string {
  const keys = [...new Set(study.trials.flatMap((t) => Object.keys(t.params)))];
  const rows = study.trials.map((t) => ({
    trial: t.number,
    state: t.state,
    [study.objective]: fmt(t.value),
    ...Object.fromEntries(keys.map((k) => [k, t.params[k] ?? '-'])),
    folder: t.dir ?? '-',
  }));
  const notes = [
    `sampler=${study.sampler}, ${study.direction} ${study.objective}`,
    ...(study.constraint ? [`constraint: ${study.constraint} (${study.rejected} proposals drawn again)`] : []),
  ];
  return `${notes.join('\n')}\n\n${rows.length ? formatTable(rows) : '(no trials yet)'}\n\n${formatBest(study)}`;
}

/** The driver's studies as shown at the end of a run: their trials' folders inside the sweep folder `sweepDir`. */
export function shownFromStudies(studies: readonly Study[], sweepDir: string, cwd: string): StudyShown[] {
  return studies.map(({ spec, trials, rejected, space }) => ({
    id: spec.id, cell: spec.cell, sampler: spec.sampler, objective: spec.objective, direction: spec.direction, n_trials: spec.n_trials,
    rejected, constraint: spec.constraint,
    trials: trials.map((t) => {
      // what the architecture derives (model.d_ff) is listed and set beside the searched keys, as runs study does
      const derived = derivedParams(space.map((p) => p.key), t.params);
      return {
        number: t.number, state: t.state, run_id: t.run_id,
        value: t.value === null ? null : orient(t.value, spec.direction),
        params: Object.fromEntries([...Object.entries(t.params), ...derived].map(([k, v]) => [k, typeof v === 'number' ? String(Number(v.toPrecision(4))) : shownValue(k, v)])),
        overrides: [...trialOverrides(space, t.params), ...derived.map(([k, v]) => `${k}=${v}`)],
        dir: t.dir === null ? null : shownDir(join(sweepDir, t.dir), cwd),
      };
    }),
  }));
}

function shownDir(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  return rel.startsWith('..') || rel === '' ? dir : rel;
}
