// hydra-optuna-sweeper's command-line search space: under a sampler sweeper (sweeper=tpe|random, a preset
// with one, hydra/sweeper=optuna) `trainer.lr=tag(log, interval(1e-4, 1e-2))` is a dimension of every
// study, as if written in sweeper.params; choice() and range() stay the grid's cells (one study each).
import { parseOverride } from '../overrides/index.js';
import { isLauncherOverride } from './launchers/config.js';
import { isSweeperOverride } from './sweeper-config.js';

export interface CommandLineDimensions {
  /** The overrides without the dimensions: the grid's cells. */
  cells: string[];
  /** key → the dimension's text in the override grammar, e.g. 'tag(log, interval(1e-4, 1e-2))'. */
  params: Record<string, string>;
  /** The first dimension's override as typed, for messages; null when there is none. */
  first: string | null;
}

/** Splits the command line's `key=interval(...)` and `key=tag(..., interval(...))` overrides from the rest. */
export function commandLineDimensions(overrides: string[]): CommandLineDimensions {
  const cells: string[] = [];
  const params: Record<string, string> = {};
  let first: string | null = null;
  for (const text of overrides) {
    let dimension = false;
    if (!isSweeperOverride(text) && !isLauncherOverride(text) && !/^\s*hydra[./]/.test(text)) {
      try {
        const o = parseOverride(text);
        dimension = o.type === 'change' && o.package === null && o.valueType === 'interval_sweep';
        if (dimension) params[o.key] = text.slice(text.indexOf('=') + 1).trim();
      } catch {
        // composing the job reports the syntax error
      }
    }
    if (dimension) first ??= text.trim();
    else cells.push(text);
  }
  return { cells, params, first };
}

/** The error for a dimension under sweeper=basic: a grid cannot enumerate an interval. */
export function intervalUnderGrid(first: string): string {
  return `${first}: interval() is a search-space dimension, searched by a sampler: add sweeper=tpe (or sweeper=random) with sweeper.n_trials=<n>; for a grid, give choice() or range()`;
}

/** The fix for `+sweeper.params.<key>=<sweep>`, which would nest <key> inside params and sweep the sweeper itself. */
export function sweeperParamsFix(text: string): string | null {
  const key = /^\s*\+{0,2}sweeper\.params\.([\w.]+)\s*=/.exec(text)?.[1];
  if (!key) return null;
  const value = text.slice(text.indexOf('=') + 1).trim();
  return `a search-space dimension is given as ${key}=${value} (with sweeper=tpe or sweeper=random), or as '+sweeper.params={${key}:"${value}"}'`;
}
