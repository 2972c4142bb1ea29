// `npx runs study [<id>] [--export FILE]`: the studies of sweeper=random|tpe sweeps from the index; one
// study's trials table and best trial; the best parameters written as a config that composes with
// `+<group>=<name>` (conf/best/<name>.yaml → +best=<name>).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { derivedParams } from '../../sweeps/index.js';
import { makeDirs } from '../outputs/dirs.js';
import { openIndexReadOnly } from '../tracking/db.js';
import { findStudy, listStudies, type StudyRows } from '../tracking/studies.js';
import { formatTable } from '../progress/format.js';
import { bestShown, formatStudy, type StudyShown } from './study-view.js';

export interface StudyRequest {
  rest: string[];
  json: boolean;
  /** --export FILE: write the best trial's parameters there. */
  exportTo: string | null;
  indexPath: string;
  outputsDir: string;
  cwd: string;
  stdout: { write(text: string): unknown };
}

/** Raised for a command line that cannot work; runs.ts turns it into exit code 2. */
export class StudyUsageError extends Error {}

/** A study not found, or one with no complete trial to export: exit 1 with the line. */
export class StudyNotFound extends Error {}

export function studyCommand(req: StudyRequest): number {
  if (req.rest.length > 1) throw new StudyUsageError('runs study takes one study id (or id prefix), e.g. runs study 3f2a9c1b-0; without one it lists the studies');
  const db = openIndexReadOnly(req.indexPath);
  let rows: StudyRows | undefined;
  try {
    if (req.rest.length === 0) {
      if (req.exportTo) throw new StudyUsageError('--export needs a study: runs study <id> --export conf/best/<name>.yaml');
      const list = listStudies(db);
      if (req.json) req.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else req.stdout.write(list.length ? `${formatTable(list.map((s) => ({ ...s, cell: (JSON.parse(s.cell as string) as string[]).join(' ') })))}\n${list.length} stud${list.length === 1 ? 'y' : 'ies'}\n` : 'no studies in the index (run a sweep with sweeper=tpe or random, e.g. npx run -m sweep=hpo)\n');
      return 0;
    }
    rows = findStudy(db, req.rest[0]);
  } finally {
    db.close();
  }
  if (!rows) throw new StudyNotFound(`no study '${req.rest[0]}' in ${req.indexPath}; list them with \`runs study\` (or \`runs reindex\` if sweep folders were added)`);
  const study = shownFromRows(rows, req.outputsDir, req.cwd);
  if (req.json && !req.exportTo) {
    req.stdout.write(`${JSON.stringify({ ...study, best: bestShown(study) }, null, 2)}\n`);
    return 0;
  }
  if (!req.exportTo) {
    req.stdout.write(formatStudy(study));
    return 0;
  }
  const best = bestShown(study);
  if (!best) throw new StudyNotFound(`study ${study.id} has no complete trial: nothing to export`);
  const file = path.resolve(req.cwd, req.exportTo);
  makeDirs(path.dirname(file));
  writeFileSync(file, bestConfig(study, trialParams(rows, best.number)));
  const group = path.basename(path.dirname(file));
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  req.stdout.write(`wrote ${shown(file, req.cwd)}: trial ${best.number} of study ${study.id} (${study.objective} ${best.value}); compose it with +${group}=${name}, e.g.\n  npx run ${[...study.cell, `+${group}=${name}`].join(' ')}\n`);
  return 0;
}

/**
 * The best parameters as a config file at the top level (`# @package _global_`), each dotted key nested
 * (trainer.lr → trainer: {lr: ...}); a choice's value text is read as YAML (300 → a number).
 */
export function bestConfig(study: StudyShown, params: [string, number | string][]): string {
  const root: Record<string, unknown> = {};
  const best = bestShown(study)!;
  for (const [key, value] of params) {
    const parts = key.replace(/^(\+\+|\+)/, '').split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = typeof value === 'number' ? value : parse(value);
  }
  const header = [
    '# @package _global_',
    `# The best trial of study ${study.id}: trial ${best.number}, ${study.objective} ${best.value} (${study.direction}),`,
    `# run ${best.run_id ?? '-'}, searched with ${study.cell.join(' ') || 'the defaults'}. Compose it with +best=<this file's name>.`,
  ];
  return `${header.join('\n')}\n${stringify(root)}`;
}

/**
 * A trial's parameters as [key, value] pairs, then what its architecture derives from them (model.d_ff =
 * 4·d_model, sweeps/architecture.ts): what re-running or exporting it must set to build the model it trained.
 */
export function trialParams(rows: StudyRows, number: number): [string, number | string][] {
  const params = rows.params.get(number) ?? [];
  return [...params, ...derivedParams(Object.keys(JSON.parse(rows.study.space) as object), Object.fromEntries(params))];
}

/** The index rows as StudyShown: folders relative to the working directory, numbers as the user reads them. */
export function shownFromRows(rows: StudyRows, outputsDir: string, cwd: string): StudyShown {
  const { study } = rows;
  return {
    id: study.id, cell: JSON.parse(study.cell) as string[], sampler: String(study.sampler), objective: String(study.objective), direction: study.direction,
    n_trials: Number(study.n_trials), rejected: Number(study.rejected), constraint: (study.constraint_text as string | null) ?? null,
    trials: rows.trials.map((t) => {
      const params = trialParams(rows, t.number);
      return {
        number: t.number, state: t.state, value: t.value, run_id: t.run_id,
        params: Object.fromEntries(params.map(([k, v]) => [k, short(v)])),
        overrides: params.map(([k, v]) => `${k}=${v}`),
        dir: t.dir ? shown(path.join(outputsDir, t.dir), cwd) : null,
      };
    }),
  };
}

/** A number with 4 significant digits for the table; a choice as written. */
export const short = (v: number | string) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : v);

function shown(dir: string, cwd: string): string {
  const rel = path.relative(cwd, dir);
  return rel.startsWith('..') || rel === '' ? dir : rel;
}
