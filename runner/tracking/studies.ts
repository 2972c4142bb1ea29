// Reading the studies of sweeper=random|tpe sweeps back from the index (`npx runs study`).
import type { Db } from './db.js';
import type { Row } from './queries.js';

/** A study's row with its sweep folder, its trials (in number order) with their run folder, and each trial's params. */
export interface StudyRows {
  study: Row & { id: string; cell: string; space: string; direction: 'minimize' | 'maximize'; sweep_dir: string };
  trials: (Row & { number: number; state: string; value: number | null; run_id: string | null; dir: string | null })[];
  /** By trial number: key → value (a number, or a choice's value text), in search-space order. */
  params: Map<number, [string, number | string][]>;
}

/** Every study, newest sweep first: id, cell, sampler, trials so far and the best value. */
export function listStudies(db: Db): Row[] {
  return db.prepare(`SELECT s.id, s.cell, s.sampler, s.objective, s.direction,
      (SELECT COUNT(*) FROM trials t WHERE t.study_id = s.id) || '/' || s.n_trials AS trials,
      (SELECT CASE s.direction WHEN 'maximize' THEN MAX(value) ELSE MIN(value) END FROM trials t WHERE t.study_id = s.id AND t.state = 'complete') AS best,
      w.dir AS sweep
    FROM studies s JOIN sweeps w ON w.id = s.sweep_id ORDER BY w.started_at DESC, s.idx`).all() as Row[];
}

/**
 * The study `ref` names: its id, or an id prefix shared by no other study. Undefined when none matches;
 * throws an Error naming the candidates when the prefix is ambiguous.
 */
export function findStudy(db: Db, ref: string): StudyRows | undefined {
  const ids = (db.prepare('SELECT id FROM studies WHERE id = ? OR id LIKE ? ORDER BY id').all(ref, `${ref.replace(/[%_]/g, '')}%`) as { id: string }[]).map((r) => r.id);
  const id = ids.includes(ref) ? ref : ids.length === 1 ? ids[0] : undefined;
  if (!id && ids.length > 1) throw new Error(`study '${ref}' is ambiguous: ${ids.slice(0, 6).join(', ')}${ids.length > 6 ? ', ...' : ''}; give more of the id`);
  if (!id) return undefined;
  const study = db.prepare('SELECT s.*, w.dir AS sweep_dir FROM studies s JOIN sweeps w ON w.id = s.sweep_id WHERE s.id = ?').get(id) as StudyRows['study'];
  const trials = db.prepare('SELECT t.*, r.dir FROM trials t LEFT JOIN runs r ON r.id = t.run_id WHERE t.study_id = ? ORDER BY t.number').all(id) as StudyRows['trials'];
  const order = Object.keys(JSON.parse(study.space) as object);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  const params = new Map<number, [string, number | string][]>();
  for (const p of db.prepare('SELECT number, key, value FROM trial_params WHERE study_id = ? ORDER BY number').all(id) as { number: number; key: string; value: number | string }[]) {
    if (!params.has(p.number)) params.set(p.number, []);
    params.get(p.number)!.push([p.key, p.value]);
  }
  for (const list of params.values()) list.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  return { study, trials, params };
}
