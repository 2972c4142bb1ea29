// Files the results page may serve: only those inside the outputs dir. The URL path is decoded here,
// one segment at a time, so that an encoded `..` (%2e%2e), an encoded slash (%2f) or a backslash cannot
// climb out; the real path (symlinks followed) must still lie inside the real outputs dir.
import { realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * The absolute real path of the file `urlPath` names ('/'-separated, still percent-encoded, relative to
 * the outputs dir), or null when it does not name a regular file inside `outputsDir`: a `.` or `..`
 * segment (plain or encoded), an encoded `/` or `\`, a NUL, a symlink whose target lies outside, a
 * folder, or nothing at all. Null is the server's 404: it never says which of these it was.
 */
export function resolveInside(outputsDir: string, urlPath: string): string | null {
  const parts: string[] = [];
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue;
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (part === '.' || part === '..' || /[/\\\0]/.test(part)) return null;
    parts.push(part);
  }
  if (!parts.length) return null;
  let root: string;
  let real: string;
  try {
    root = realpathSync(outputsDir);
    real = realpathSync(join(root, ...parts));
  } catch {
    return null;
  }
  if (!real.startsWith(root + sep)) return null;
  try {
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** Content types of the files a run folder holds; anything else is sent as bytes to download. */
export function contentType(file: string): string {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const types: Record<string, string> = {
    json: 'application/json', jsonl: 'text/plain; charset=utf-8', log: 'text/plain; charset=utf-8', txt: 'text/plain; charset=utf-8',
    csv: 'text/csv; charset=utf-8', yaml: 'text/plain; charset=utf-8', yml: 'text/plain; charset=utf-8',
    svg: 'image/svg+xml', png: 'image/png', html: 'text/plain; charset=utf-8',
  };
  return types[ext] ?? 'application/octet-stream';
}
