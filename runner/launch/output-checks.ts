// What a launch checks before it writes anything: the outputs dir can be written, and a Hydra project's
// hydra.run.dir / hydra.sweep.dir lie inside it. Each refusal is an OutputsError naming the folder and the fix.
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { OutputsError } from '../errors.js';
import { makeDirs } from '../outputs/dirs.js';
import type { PlannedJob } from './types.js';

/**
 * A Hydra project's hydra.run.dir / hydra.sweep.dir must lie inside the outputs dir, like the runDir and
 * sweepDir patterns: refused before anything is written, with the fix.
 */
export function checkHydraDirs(job: PlannedJob, outputsDir: string): void {
  for (const [key, dir] of [['hydra.run.dir', job.hydra?.runDir], ['hydra.sweep.dir', job.hydra?.sweepDir]] as const) {
    if (!dir) continue;
    const rel = relative(realish(outputsDir), realish(dir)); // a symlink on the way must not lead out
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) continue;
    throw new OutputsError(
      `${key} (${dir}) must name a folder inside the outputs dir ${outputsDir}: change ${key}, or set "outputsDir" in the ladder settings to a folder that holds it`,
    );
  }
}

/** `path` with its deepest existing folder resolved through symlinks (the rest is yet to be made). */
function realish(path: string): string {
  let head = resolve(path);
  const rest: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    rest.unshift(basename(head));
    head = dirname(head);
  }
  return join(realpathSync(head), ...rest);
}

/**
 * Refuses, before anything is written, an outputs dir that cannot be created or written (no permission,
 * a read-only file system): OutputsError names the folder and the fix.
 */
export function checkWritable(outputsDir: string): void {
  try {
    makeDirs(outputsDir);
    accessSync(outputsDir, constants.W_OK);
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    throw new OutputsError(`cannot write to the outputs dir ${outputsDir} (${code ?? message}); make it writable, or set "outputsDir" in the ladder settings`);
  }
}
