// "Did you mean ...?": the one spelling-distance ranking behind every suggestion Ladder prints
// (unknown spec keys, interpolation keys, override keys).
import { distance } from 'fastest-levenshtein';

export interface NearestOptions {
  /** Most suggestions returned; default 3. */
  limit?: number;
  /** Edits allowed for a candidate; default: a third of `word`'s length, at least 2. */
  budget?: (candidate: string) => number;
  /** Compare without case (default true). */
  ignoreCase?: boolean;
  /** Adjusts a candidate's distance, given its Levenshtein distance `edits` (e.g. to favour a same leaf name). */
  distance?: (candidate: string, edits: number) => number;
}

/**
 * Candidates close to `word`, nearest first (ties in alphabetical order), at most `limit`.
 * With the defaults: within max(2, floor(word.length / 3)) case-insensitive edits (Levenshtein, fastest-levenshtein).
 */
export function nearest(word: string, candidates: Iterable<string>, opts: NearestOptions = {}): string[] {
  const fold = opts.ignoreCase === false ? (s: string) => s : (s: string) => s.toLowerCase();
  const budget = opts.budget ?? (() => Math.max(2, Math.floor(word.length / 3)));
  const folded = fold(word);
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const edits = distance(folded, fold(candidate));
    const d = opts.distance ? opts.distance(candidate, edits) : edits;
    if (d <= budget(candidate)) scored.push([candidate, d]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, opts.limit ?? 3).map(([c]) => c);
}
