// The engine's malloc settings (ALLOCATOR_ENV) reach the processes that train: `npx run` and `npx ladder`
// through their shebang (pool and SLURM children: their launchers' tests). glibc reads them only when a process starts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV } from '../../../engine/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ladder-allocator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The MALLOC_* variables a process started as `file` (its shebang, not `node file`) sees, printed by a preload. */
function mallocVariables(file: string): Record<string, string> {
  const preload = join(dir, 'print-malloc.mjs');
  writeFileSync(preload, `console.log('MALLOC ' + JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_')))))`);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_')));
  const r = spawnSync(resolve(file), ['--version'], { encoding: 'utf8', env: { ...clean, NODE_OPTIONS: `--import ${preload}` } });
  const line = r.stdout.split('\n').find((l) => l.startsWith('MALLOC '));
  if (!line) throw new Error(`${file} did not start: ${r.stderr || r.error?.message}`);
  return JSON.parse(line.slice('MALLOC '.length)) as Record<string, string>;
}

describe("the engine's malloc settings", () => {
  it('are set by the shebang of the bins that train, before node starts', () => {
    expect(Object.keys(ALLOCATOR_ENV).sort()).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_']);
    for (const bin of ['bin/run.js', 'bin/ladder.js']) expect(mallocVariables(bin), bin).toEqual(ALLOCATOR_ENV);
  });
});
