// glob(include, exclude=) filtering over a config group's option names, with Python fnmatch
// semantics (case-sensitive, `*` `?` `[seq]` `[!seq]`).
import type { Glob } from './values.js';

function fnmatchRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      const close = pattern.indexOf(']', j);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegex(pattern).test(name);
}

/** Glob.filter: the names matching an include pattern and no exclude pattern, in input order. */
export function globFilter(glob: Pick<Glob, 'include' | 'exclude'>, names: readonly string[]): string[] {
  const matches = (name: string, patterns: readonly string[]) => patterns.some((p) => fnmatch(name, p));
  return names.filter((n) => matches(n, glob.include) && !matches(n, glob.exclude));
}
