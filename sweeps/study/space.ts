// A study's search space from `sweeper.params` (key → override grammar, as hydra-optuna-sweeper writes
// it), checked up front: an interval whose ends are the wrong way round, or a log scale that reaches 0,
// is a config error before any trial runs.
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
 * The search space of `params` (config key → override grammar), in the node's key order. `where` names the
 * node in messages (e.g. `sweeper.params`). Throws StudyError: a grammar mistake, interval(lo, hi) with
 * lo ≥ hi, tag(log, ...) with lo ≤ 0, an empty choice.
 */
export function studySpace(params: Record<string, unknown>, groupOptions: (group: string) => string[], where = 'sweeper.params'): SearchSpace {
  const space: SearchSpace = [];
  for (const [key, value] of Object.entries(params)) {
    let entry: SearchSpace;
    try {
      entry = searchSpace([spaceText(key, value)], groupOptions);
    } catch (e) {
      throw new StudyError(`${where}.${key}: ${(e as Error).message}; write it in the override grammar, e.g. interval(0.1, 0.3) or choice(64, 128)`, { cause: e });
    }
    const [{ distribution: d }] = entry;
    if (d.type === 'categorical' && d.choices.length === 0) throw new StudyError(`${where}.${key}: no values to search; give at least one, e.g. choice(64, 128)`);
    if (d.type !== 'categorical') {
      if (!(d.low < d.high)) throw new StudyError(`${where}.${key}: interval(${d.low}, ${d.high}) needs its lower end below its upper end; swap or widen them`);
      if (d.log && d.low <= 0) throw new StudyError(`${where}.${key}: tag(log, interval(${d.low}, ${d.high})) needs a lower end above 0 (a log scale never reaches 0); raise it, e.g. interval(1e-5, ${d.high})`);
    }
    space.push(...entry);
  }
  return space;
}
