// `runs compare <id> <id> …`: what differs between runs' configs, and their final metrics, side by side.
import { IndexError, type Db } from '../db.js';
import { findRun, type Row } from '../queries.js';

/** One line of the comparison: a config key or metric name and its value in each run (null: absent, or null). */
export interface CompareLine {
  key: string;
  values: unknown[];
  /** Config lines: the runs (indices) whose config lacks the key, where `values` holds null too; absent when none. */
  absent?: number[];
}

export interface Comparison {
  runs: { id: string; dir: string; status: string; overrides: string[] }[];
  /** Only the flattened config keys whose values are not all equal (a key absent from a run counts as different). */
  config: CompareLine[];
  /** run_summary's best_val_loss and best_epoch, then the last value of every metric any of the runs logged, by name. */
  metrics: CompareLine[];
}

function flatten(v: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, v);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Compares the runs `refs` name (ids, id prefixes or run folders, as `runs show` takes them), in the order
 * given. Needs two or more distinct runs; throws IndexError naming a ref that matches none.
 */
export function compareRuns(db: Db, refs: string[], outputsDir: string, cwd: string): Comparison {
  if (refs.length < 2) throw new IndexError('runs compare takes two or more run ids (or id prefixes, or run folders)');
  const runs = refs.map((ref) => {
    const run = findRun(db, ref, outputsDir, cwd);
    if (!run) throw new IndexError(`no run '${ref}' in the index; list them with \`runs ls\``);
    return run;
  });
  const ids = runs.map((r) => r.id as string);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new IndexError(`run ${repeated} is named twice; compare different runs`);

  const configs = runs.map((r) => flatten(JSON.parse(r.config as string), '', new Map()));
  const keys = [...new Set(configs.flatMap((c) => [...c.keys()]))].sort();
  const config = keys
    .map((key) => ({ key, values: configs.map((c) => (c.has(key) ? c.get(key) : undefined)) }))
    .filter(({ values }) => values.some((v) => !same(v, values[0])))
    .map(({ key, values }) => {
      const absent = values.flatMap((v, i) => (v === undefined ? [i] : []));
      return { key, values: values.map((v) => v ?? null), ...(absent.length ? { absent } : {}) };
    });

  const summary = db.prepare('SELECT best_val_loss, best_epoch FROM run_summary WHERE id = ?');
  const last = db.prepare('SELECT name, last FROM metric_summary WHERE run_id = ?');
  const lasts = ids.map((id) => new Map((last.all(id) as { name: string; last: number | null }[]).map((m) => [m.name, m.last])));
  const bests = ids.map((id) => (summary.get(id) ?? {}) as Row);
  const names = [...new Set(lasts.flatMap((m) => [...m.keys()]))].sort();
  const metrics: CompareLine[] = [
    { key: 'best_val_loss', values: bests.map((b) => b.best_val_loss ?? null) },
    { key: 'best_epoch', values: bests.map((b) => b.best_epoch ?? null) },
    ...names.map((key) => ({ key, values: lasts.map((m) => m.get(key) ?? null) })),
  ].filter((line) => line.values.some((v) => v !== null));

  return {
    runs: runs.map((r) => ({ id: r.id as string, dir: r.dir as string, status: r.status as string, overrides: JSON.parse(r.overrides as string) as string[] })),
    config,
    metrics,
  };
}
