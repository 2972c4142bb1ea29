// The `ladder` bin and the project lookup, as a user's shell meets them: the built bins (npm run
// build), spawned from a subfolder of a project.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findProjectRoot, loadSettings } from '../../../runner/config/index.js';

const bin = (name: string) => path.resolve('bin', `${name}.js`);
const version = JSON.parse(fs.readFileSync('package.json', 'utf8')).version as string;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-project-'));
  dirs.push(dir);
  fs.cpSync(path.resolve('conf'), path.join(dir, 'conf'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'notebooks', 'deep'), { recursive: true });
  return dir;
}

function spawn(name: string, argv: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin(name), ...argv], { cwd, encoding: 'utf8', env: { ...process.env, LADDER_FULL_ERROR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the ladder bin', () => {
  it('prints its version, as run and runs do', () => {
    const cwd = os.tmpdir();
    for (const [name, argv] of [['ladder', ['--version']], ['ladder', ['-V']], ['run', ['--version']], ['runs', ['--version']]] as const) {
      const r = spawn(name, [...argv], cwd);
      expect(r.code, `${name} ${argv}`).toBe(0);
      expect(r.stdout).toBe(`ladder ${version} (node ${process.version})\n`);
    }
  });

  it('runs `ladder run` and `ladder runs` from a subfolder of the project, writing into the project', () => {
    const root = project();
    const sub = path.join(root, 'notebooks', 'deep');
    const cfg = spawn('ladder', ['run', '--cfg', 'job', 'budget=2b'], sub);
    expect(cfg.code).toBe(0);
    expect(parse(cfg.stdout).budget.name).toBe('2b');
    const run = spawn('ladder', ['run', 'task=echo'], sub);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(fs.existsSync(path.join(root, 'outputs', 'index.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(sub, 'outputs'))).toBe(false);
    const ls = spawn('ladder', ['runs', 'ls'], sub);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/completed\s+echo/);
  });

  it('says what it knows on no command or an unknown one, exit 2', () => {
    const none = spawn('ladder', [], os.tmpdir());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('npx ladder <command>');
    const bad = spawn('ladder', ['rnu'], os.tmpdir());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("Error: unknown command 'rnu': use run or runs (npx ladder --help)\n");
  });
});

describe('the project lookup (as git and npm find theirs)', () => {
  it('walks up to the nearest folder with conf/config.yaml', () => {
    const root = project();
    expect(findProjectRoot(path.join(root, 'notebooks', 'deep'))).toBe(root);
    expect(loadSettings(path.join(root, 'notebooks')).configDir).toBe(path.join(root, 'conf'));
  });

  it('stops at the nearest folder with Ladder settings, whose paths are relative to it', () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'notebooks', 'package.json'), JSON.stringify({ name: 'nb', ladder: { outputsDir: 'results' } }));
    const settings = loadSettings(path.join(root, 'notebooks', 'deep'));
    expect(settings.outputsDir).toBe(path.join(root, 'notebooks', 'results'));
    expect(settings.source).toBe(path.join(root, 'notebooks', 'package.json'));
  });

  it('ignores a package.json without a ladder key on the way up', () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'notebooks', 'package.json'), '{"name": "nb"}');
    expect(findProjectRoot(path.join(root, 'notebooks', 'deep'))).toBe(root);
  });

  it('falls back to the current folder outside any project', () => {
    const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-lone-'));
    dirs.push(lone);
    expect(findProjectRoot(lone)).toBe(lone);
  });
});
