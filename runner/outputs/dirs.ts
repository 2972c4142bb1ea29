// Run folder names: a strftime-like pattern under the outputs dir, created atomically so that
// two runs started in the same second get distinct folders (`12-05-09`, `12-05-09_1`, ...).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

export interface DirPatterns {
  /** Single run folder, relative to the outputs dir. */
  run: string;
  /** Sweep root, relative to the outputs dir; each job gets `<root>/<job#>/`. */
  sweep: string;
}

export const DEFAULT_PATTERNS: DirPatterns = { run: '%Y-%m-%d/%H-%M-%S', sweep: 'multirun/%Y-%m-%d/%H-%M-%S' };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Why `pattern` would put a folder outside the outputs dir (absolute, a `..` part, or the outputs dir itself), or null when it
 * stays inside. The fields expand to digits, so checking the pattern checks every folder it makes.
 */
export function patternEscapes(pattern: string): string | null {
  if (isAbsolute(pattern) || /^[a-zA-Z]:/.test(pattern)) return 'absolute';
  const parts = pattern.split(/[/\\]/);
  if (parts.includes('..')) return "'..'";
  return parts.every((p) => p === '' || p === '.') ? 'the outputs dir itself' : null;
}

/** Expands %Y %m %d %H %M %S (local time, as Hydra's ${now:...}) and %% in a folder pattern. */
export function formatPattern(pattern: string, when: Date): string {
  if (patternEscapes(pattern)) {
    throw new ConfigError(`run folder pattern '${pattern}' (runDir/sweepDir setting) must name a folder inside the outputs dir: give a pattern relative to it, without '..'`);
  }
  const fields: Record<string, string> = {
    Y: String(when.getFullYear()),
    m: pad(when.getMonth() + 1),
    d: pad(when.getDate()),
    H: pad(when.getHours()),
    M: pad(when.getMinutes()),
    S: pad(when.getSeconds()),
    '%': '%',
  };
  return pattern.replace(/%(.)/g, (whole, c: string) => {
    if (!(c in fields)) throw new ConfigError(`run folder pattern '${pattern}' (runDir/sweepDir setting): unknown field ${whole}; use %Y %m %d %H %M %S`);
    return fields[c];
  });
}

/**
 * `mkdir -p` that always ends: creates the missing folders of `path` one level at a time. Node's
 * `mkdirSync(p, { recursive: true })` spins forever where mkdir answers ENOENT for a folder whose parent
 * exists (any path under /proc), so a path a user gives goes through here. Throws the failing level's
 * error (ENOENT, ENOTDIR, EACCES, EROFS, ...); EEXIST only when a file stands where a folder should.
 */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw e; // EEXIST: made meanwhile
    }
  }
  if (!missing.length && !statSync(path).isDirectory()) mkdirSync(path); // a file there: mkdir's own EEXIST
}

/** Creates a fresh folder at `path`, or `path_1`, `path_2`, ... if taken; returns the one created. */
export function createUniqueDir(path: string): string {
  makeDirs(dirname(path));
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? path : `${path}_${i}`;
    try {
      mkdirSync(candidate);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Creates the folder for `pattern` at `when` under `outputsDir`; refuses one that would land outside it. */
export function createRunDir(outputsDir: string, pattern: string, when: Date): string {
  const path = join(outputsDir, formatPattern(pattern, when));
  const rel = relative(outputsDir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ConfigError(`run folder pattern '${pattern}' (runDir/sweepDir setting) must name a folder inside the outputs dir ${outputsDir}: give a pattern relative to it, without '..'`);
  }
  return createUniqueDir(path);
}

/**
 * Walks the folders under `root` depth-first, in name order with numbers compared as numbers (so date
 * and job folders come in chronological order), calling `visit` with each folder and the names of the
 * files in it. `visit` returning 'prune' skips that folder's subfolders. Unreadable folders are passed over.
 */
export function walkFolders(root: string, visit: (dir: string, files: ReadonlySet<string>) => 'prune' | void): void {
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (visit(dir, new Set(entries.filter((e) => e.isFile()).map((e) => e.name))) === 'prune') return;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
      if (e.isDirectory()) walk(join(dir, e.name));
    }
  };
  walk(root);
}
