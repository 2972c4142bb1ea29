// When the outputs cannot be written, a run says so once and leaves nothing that lies: a full disk
// ends the sweep as failed with the reason in every record it can still write and no temporary files;
// an outputs dir the user may not write is refused before anything is written. Real file systems: a
// 200 KB tmpfs and an unprivileged user, so these need root (CI runs as root).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const BIN = resolve('bin', 'run.js');
const isRoot = process.getuid?.() === 0;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-wf-'));
  chmodSync(dir, 0o755);
  cpSync(resolve('conf'), join(dir, 'conf'), { recursive: true });
  mkdirSync(join(dir, 'outputs'));
  return dir;
}

const files = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

const mounted: string[] = [];
afterAll(() => mounted.forEach((m) => spawnSync('umount', ['-l', m]))); // lazy: detached even if a file is still open

/** A 200 KB tmpfs over `dir`, or the reason it cannot be had here. */
function tmpfs(dir: string): string | null {
  if (!isRoot) return 'needs root to mount a tmpfs';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `mount failed: ${r.stderr.trim()}`;
  mounted.push(dir);
  return null;
}

describe('a full disk', () => {
  it('ends the sweep as failed, records why wherever it can, leaves no temporary file, and says it in one line', (ctx) => {
    const dir = project();
    const outputs = join(dir, 'outputs');
    const cannot = tmpfs(outputs);
    if (cannot) return ctx.skip(cannot);
    writeFileSync(join(dir, '.ladderrc.json'), JSON.stringify({ indexPath: 'index.sqlite' })); // an index with room to record the end
    spawnSync('sh', ['-c', `head -c 150000 /dev/zero > ${join(outputs, 'filler')}`]); // leaves room for a job or two
    const r = spawnSync(process.execPath, [BIN, '-m', 'task=echo', 'budget=2m,20m,200m', 'seed=1,2,3,4'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/bug in ladder|Napi/);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([expect.stringMatching(/^Error: disk full: ENOSPC: no space left on device, \w+ '[^']+'; free space on that disk, or set "outputsDir" .*not started/)]);
    expect(files(outputs).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const sweepDir = join(outputs, files(outputs).find((f) => f.endsWith('multirun.yaml'))!, '..');
    expect(parse(readFileSync(join(sweepDir, 'multirun.yaml'), 'utf8'))).toMatchObject({ status: 'failed', finished_at: expect.any(String) });
    const records = readdirSync(sweepDir).filter((f) => existsSync(join(sweepDir, f, 'run.json')))
      .map((f) => JSON.parse(readFileSync(join(sweepDir, f, 'run.json'), 'utf8')) as { status: string; reason: string | null });
    expect(records.map((x) => x.status)).not.toContain('running');
    expect(records.at(-1)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^disk full: /) });

    const db = new Database(join(dir, 'index.sqlite'), { readonly: true });
    const runs = db.prepare('SELECT status, reason FROM runs ORDER BY job').all() as { status: string; reason: string | null }[];
    expect(db.prepare('SELECT status FROM sweeps').pluck().all()).toEqual(['failed']);
    db.close();
    expect(runs.map((x) => x.status)).not.toContain('running');
    expect(runs.at(-1)).toEqual({ status: 'failed', reason: expect.stringMatching(/^disk full: /) });
  });

  it('at the start refuses to run with one line, and leaves neither a sweep folder nor a half-made index', (ctx) => {
    const dir = project();
    const outputs = join(dir, 'outputs');
    const cannot = tmpfs(outputs);
    if (cannot) return ctx.skip(cannot);
    spawnSync('sh', ['-c', `head -c 300000 /dev/zero > ${join(outputs, 'filler')}; true`]); // full to the last block
    const r = spawnSync(process.execPath, [BIN, '-m', 'task=echo', 'budget=2m,20m'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toMatch(/^Error: disk full: ENOSPC: no space left on device, [^\n]*; nothing was run\n$/);
    expect(r.status).toBe(2);
    expect(files(outputs).filter((f) => !statSync(join(outputs, f)).isDirectory())).toEqual(['filler']); // no record, no index
  });
});

describe('an outputs dir the user may not write', () => {
  it('is refused with one line and exit 2, and nothing is written', (ctx) => {
    if (!isRoot) return ctx.skip('needs root to run the CLI as an unprivileged user');
    const probe = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(BIN)})`]);
    if (probe.status !== 0) return ctx.skip('user nobody cannot read this checkout');
    const dir = project();
    const outputs = join(dir, 'outputs');
    chmodSync(outputs, 0o555);
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, BIN, 'task=echo'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe(`Error: cannot write to the outputs dir ${outputs} (EACCES); make it writable, or set "outputsDir" in the ladder settings\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(files(outputs)).toEqual([]);
  });
});
