// A study's search space from `sweeper.params` (key → override grammar, as hydra-optuna-sweeper writes
// it) and `sweeper.conditions`, checked up front: a grammar mistake, an interval whose ends are the wrong
// way round, or a log scale that reaches 0 is a config error before any trial runs, naming its key.
import { IntervalSweep, parseOverride } from '../../runner/overrides/index.js';
import { SweepError } from '../product.js';
import { searchSpace, type SearchSpace } from '../space.js';

/** A study's mistake in its sweeper node or search space: one line with the place and the fix. */
export class StudyError extends SweepError {
  override name = 'StudyError';
}

/** The override text of a search-space entry: a YAML list is a comma list (a choice). */
export function spaceText(key: string, value: unknown): string {
  return `${key}=${Array.isArray(value) ? value.map(String).join(',') : String(value)}`;
}

/**
 * The search space of `params` (config key → override grammar), in the node's key order, with
 * `conditions` (sweeps/space.ts: key → `<other key>=<v1>,<v2>`). `where` names the node in messages (e.g.
 * `sweeper.params`). Throws StudyError: a grammar mistake, interval(lo, hi) with lo ≥ hi, tag(log, ...)
 * with lo ≤ 0, an empty choice, a condition on an unknown key or value, a cycle of conditions.
 */
export function studySpace(
  params: Record<string, unknown>,
  groupOptions: (group: string) => string[],
  conditions: Record<string, string> = {},
  where = 'sweeper.params',
): SearchSpace {
  const texts = Object.entries(params).map(([key, value]) => spaceText(key, value));
  for (const [i, key] of Object.keys(params).entries()) {
    // the ends first, so that this node's place and fix lead the line rather than the grammar's
    const value = safeParse(texts[i])?.value;
    if (value instanceof IntervalSweep) {
      const [lo, hi, log] = [Number(value.start), Number(value.end), value.tags.has('log')];
      if (!(lo < hi)) throw new StudyError(`${where}.${key}: interval(${lo}, ${hi}) needs its lower end below its upper end; swap or widen them`);
      if (log && lo <= 0) throw new StudyError(`${where}.${key}: tag(log, interval(${lo}, ${hi})) needs a lower end above 0 (a log scale never reaches 0); raise it, e.g. interval(1e-5, ${hi})`);
    }
    let entry: SearchSpace;
    try {
      entry = searchSpace([texts[i]], groupOptions);
    } catch (e) {
      throw new StudyError(`${where}.${key}: ${(e as Error).message}; write it in the override grammar, e.g. interval(0.1, 0.3) or choice(64, 128)`, { cause: e });
    }
    const [{ distribution: d }] = entry;
    if (d.type === 'categorical' && d.choices.length === 0) throw new StudyError(`${where}.${key}: no values to search; give at least one, e.g. choice(64, 128)`);
  }
  try {
    return searchSpace(texts, groupOptions, conditions); // its messages name sweeper.conditions.<key>
  } catch (e) {
    throw e instanceof StudyError ? e : new StudyError((e as Error).message, { cause: e });
  }
}

function safeParse(text: string): ReturnType<typeof parseOverride> | null {
  try {
    return parseOverride(text);
  } catch {
    return null; // searchSpace reports the grammar mistake with its key
  }
}
