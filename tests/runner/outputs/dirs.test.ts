// makeDirs: `mkdir -p` for paths users give (outputs dir, index, export targets) that ends with the failing
// level's error where Node's recursive mkdirSync would spin forever (a path under /proc).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../../runner/outputs/index.js';
import { tempOutputs } from '../helpers.js';

/** makeDirs(`at`) in a child process that is killed after 20 s: a hang is a failure, not a stuck suite. */
function makeDirsInChild(at: string) {
  const code = `const { makeDirs } = await import(${JSON.stringify(path.resolve('runner/outputs/dirs.ts'))});
try { makeDirs(${JSON.stringify(at)}); console.log('made'); } catch (e) { console.log(e.code); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  return { signal: r.signal, stdout: r.stdout.trim() };
}

describe('makeDirs', () => {
  it('creates every missing level, and accepts a folder that exists', () => {
    const dir = path.join(tempOutputs(), 'a', 'b', 'c');
    makeDirs(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(() => makeDirs(dir)).not.toThrow();
  });

  it('throws the level\'s error for a file in the way', () => {
    const file = path.join(tempOutputs(), 'f');
    writeFileSync(file, 'x');
    expect(() => makeDirs(path.join(file, 'x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(file)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });

  it.skipIf(!existsSync('/proc/self'))('ends with ENOENT under /proc, where mkdirSync recursive never returns', () => {
    expect(makeDirsInChild('/proc/ladder-nope/x')).toEqual({ signal: null, stdout: 'ENOENT' });
  }, 30_000);
});
