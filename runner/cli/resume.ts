// `npx run --resume DIR`: the job of run folder DIR again (its own overrides, then any new ones), told
// through trainer.resume to continue from DIR's last checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from './args.js';

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function resumeOverrides(dir: string, cwd: string, extra: string[]): string[] {
  const abs = resolve(cwd, dir);
  const file = join(abs, 'overrides.yaml');
  if (!existsSync(join(abs, 'run.json')) || !existsSync(file)) {
    throw new UsageError(`--resume ${dir}: not a run folder (no run.json and overrides.yaml there); give the folder a run printed, e.g. outputs/2026-01-31/12-00-00`);
  }
  const previous = (parse(readFileSync(file, 'utf8')) ?? []) as string[];
  const kept = previous.filter((o) => !/^\s*trainer\.resume\s*=/.test(o));
  return [...kept, ...extra, `trainer.resume=${quote(abs)}`];
}
