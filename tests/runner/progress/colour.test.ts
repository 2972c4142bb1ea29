// A mark's colour says its state (green done, red failed), and NO_COLOR turns every colour off.
// Colour support is read once when the process starts, so each case is its own `run` process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confWithTasks, tempOutputs } from '../helpers.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'run-cli.ts');
const conf = confWithTasks('t_flaky');

function sweep(env: Record<string, string>): string {
  const { NO_COLOR: _, FORCE_COLOR: __, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', fixture, tempOutputs(), conf, '-m', 'task=t_flaky', 'budget=2m,20m'], {
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  expect(r.status).toBe(1);
  return r.stdout;
}

const green = (s: string) => `\x1b[32m${s}\x1b[39m`;
const red = (s: string) => `\x1b[31m${s}\x1b[39m`;
const esc = (s: string) => s.replace(/[[\]()]/g, '\\$&');

describe('colours', () => {
  it('paints each mark and its word in its state colour', () => {
    const lines = sweep({ FORCE_COLOR: '1' }).replace(/\d+\.\ds/g, 'T').split('\n');
    const line = (start: string) => lines.find((l) => l.startsWith(start));
    expect(line(`${green('✔')} #0 `)).toMatch(new RegExp(`^.* budget=2m → \\S+ · ${esc(green('completed in T'))}$`));
    expect(line(`${red('✖')} #1 `)).toMatch(new RegExp(`^.* budget=20m → \\S+ · ${esc(red('failed after T, reason below'))}$`));
    expect(line(`${red('✖')} sweep`)).toMatch(new RegExp(`^.* · ${esc(red('failed in T'))}$`));
  }, 30_000);

  it('prints no colour at all under NO_COLOR, even where colour is forced', () => {
    const out = sweep({ FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(out).not.toContain('\x1b[');
    expect(out).toMatch(/\n✖ sweep 2\/2 · 1 done · 1 failed · 0 running · failed in \d+\.\ds\n/);
  }, 30_000);
});
