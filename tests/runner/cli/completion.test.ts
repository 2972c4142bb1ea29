// `npx run --shell-completion install=bash`: the script, sourced in a real bash, completes flags, groups,
// a group's options and config keys when its function is called as bash calls it (COMP_WORDS split at
// '=' as bash's COMP_WORDBREAKS splits them, COMP_CWORD, COMP_LINE, COMP_POINT). Runs the built bin
// (npm run build). zsh and fish (where installed; skipped with the reason otherwise) complete in a real shell too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { confWithTasks, tempOutputs } from '../helpers.js';

const BIN = path.resolve('bin/run.js');
const cwd = tempOutputs();
const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

function install(shell: string): string {
  const r = spawnSync(process.execPath, [BIN, '--shell-completion', `install=${shell}`], { cwd, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

/** Calls the completion function as bash does for `line` (cursor at its end), with bash's words. */
function complete(words: string[], dir = cwd): string[] {
  const line = words.join('').replace(/\u0000/g, ' ');
  const script = [
    `source ${path.join(cwd, 'ladder-completion.bash')}`,
    `COMP_WORDS=(${words.filter((w) => w !== '\u0000').map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))`,
    `COMP_LINE='${line}'`,
    'COMP_POINT=${#COMP_LINE}',
    '_ladder_run_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['--norc', '-c', script], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

/** A project with its own installed bin (node_modules/.bin/run answering 'budget=installed'); a folder inside it. */
function projectWithBin(): string {
  const project = tempOutputs();
  mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(path.join(project, 'node_modules', '.bin', 'run'), "console.log('budget=installed');\n");
  mkdirSync(path.join(project, 'src'));
  return path.join(project, 'src');
}
const SP = '\u0000'; // a space between words on the line

beforeAll(() => {
  spawnSync('cp', ['-r', path.join(confWithTasks(), '.'), path.join(cwd, 'conf')]);
  expect(existsSync(BIN)).toBe(true);
  writeFileSync(path.join(cwd, 'ladder-completion.bash'), install('bash'));
});

describe('shell completion in bash', () => {
  it('completes flags', () => {
    expect(complete(['run', SP, '--cf'])).toEqual(['--cfg']);
    expect(complete(['run', SP, '--d'])).toEqual(['--dry-run']);
    expect(complete(['run', SP, '--cfg', SP, ''])).toEqual(['all', 'job']);
  });

  it('completes group names and config keys at the top level', () => {
    expect(complete(['run', SP, 'bud'])).toEqual(['budget.', 'budget=']);
    expect(complete(['run', SP, 'se'])).toEqual(['seed=']);
  });

  it("completes a group's options after '=' (bash splits the word there)", () => {
    expect(complete(['npx', SP, 'run', SP, 'model', '='])).toEqual(['=patchtst', '=patchtst_mix']);
    expect(complete(['run', SP, 'budget', '=', '2'])).toEqual(['200m', '20m', '2b', '2m']);
    expect(complete(['run', SP, '+budget', '=', '20'])).toEqual(['200m', '20m']);
  });

  it('completes config keys from the composed config: trainer.<TAB>, with the prefix kept', () => {
    const keys = complete(['run', SP, 'budget=2m', SP, 'trainer.']);
    expect(keys).toContain('trainer.lr=');
    expect(keys).toContain('trainer.log_every_n_steps=');
    expect(keys).toContain('trainer.early_stopping.');
    expect(complete(['run', SP, '++trainer.l'])).toEqual(['++trainer.log_every_n_steps=', '++trainer.lr=']);
    expect(complete(['run', SP, 'trainer.early_stopping.pat'])).toEqual(['trainer.early_stopping.patience=']);
  });

  it('leaves other npx commands to file completion', () => {
    writeFileSync(path.join(cwd, 'notes.txt'), '');
    expect(complete(['npx', SP, 'tsc', SP, 'note'])).toEqual(['notes.txt']);
  });

  it('asks the bin installed in the project it is typed in (node_modules/.bin/run, from the folder up)', () => {
    expect(complete(['run', SP, 'bud'], projectWithBin())).toEqual(['budget=installed']);
  });

  it('elsewhere asks the bin that printed it, its symlinks resolved: no .bin link (as in npx\'s cache) is baked in', () => {
    const link = path.join(tempOutputs(), '_npx', 'node_modules', '.bin', 'run');
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(BIN, link);
    const r = spawnSync(process.execPath, [link, '--shell-completion', 'install=bash'], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`printf '%s' ${JSON.stringify(realpathSync(BIN))}\n`);
    expect(r.stdout).not.toContain('_npx');
  });

  it('refuses an unknown shell with the fix', () => {
    const r = spawnSync(process.execPath, [BIN, '--shell-completion', 'install=tcsh'], { cwd, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--shell-completion takes install=bash, install=zsh or install=fish \(got 'install=tcsh'\)/);
  });
});

describe('shell completion in zsh and fish', () => {
  // zsh: the function runs in a real zsh with compadd (a builtin of completion widgets only) recording its arguments
  it.skipIf(!has('zsh'))('zsh: completes config keys and group options, without a space after = or .', () => {
    writeFileSync(path.join(cwd, 'ladder-completion.zsh'), install('zsh'));
    const script = [
      'source ./ladder-completion.zsh',
      'compadd() { print -r -- "compadd $*" }',
      'words=(npx run trainer.l); CURRENT=3; PREFIX=trainer.l; _ladder_run_complete',
      'words=(run model=pa); CURRENT=2; PREFIX=model=pa; _ladder_run_complete',
      `cd ${projectWithBin()}; words=(run bud); CURRENT=2; PREFIX=bud; _ladder_run_complete`,
    ].join('\n');
    const r = spawnSync('zsh', ['-fc', script], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => l.trim() !== 'compadd --' && l.trim() !== 'compadd -S  --')).toEqual([
      'compadd -S  -- trainer.log_every_n_steps= trainer.lr=',
      'compadd -- model=patchtst model=patchtst_mix',
      'compadd -- budget=installed',
      '',
    ]);
  });

  // fish: `complete -C LINE` asks fish for the completions of LINE, as a TAB would
  it.skipIf(!has('fish'))('fish: completes flags, groups, group options and config keys', () => {
    writeFileSync(path.join(cwd, 'ladder-completion.fish'), install('fish'));
    const ask = (line: string) => {
      const r = spawnSync('fish', ['--no-config', '-c', `source ./ladder-completion.fish; complete -C '${line}'`], { cwd, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(ask('run trainer.l')).toEqual(['trainer.log_every_n_steps=', 'trainer.lr=']);
    expect(ask('npx run model=')).toEqual(['model=patchtst', 'model=patchtst_mix']);
    expect(ask('run --cf')).toEqual(['--cfg']);
    const r = spawnSync('fish', ['--no-config', '-c', `source ${path.join(cwd, 'ladder-completion.fish')}; complete -C 'run bud'`], { cwd: projectWithBin(), encoding: 'utf8' });
    expect(r.stdout).toBe('budget=installed\n');
  });
});
