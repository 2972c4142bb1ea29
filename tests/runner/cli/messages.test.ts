// One line that names the place and the fix, exit 2, for each mistake a new user made (issue 11):
// no wrong advice, a "did you mean" where one is near, and nothing read as something else.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/run.js';

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-messages-'));
fs.cpSync(path.resolve('conf'), path.join(project, 'conf'), { recursive: true });
const extra = path.join(project, 'conf', 'extra');
fs.mkdirSync(extra);
// 9^5 expansions of 9 small aliases: an alias bomb
const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
fs.writeFileSync(path.join(extra, 'bomb.yaml'), `${levels.join('\n')}\nf: [${Array(9).fill('*e').join(', ')}]\n`);
fs.writeFileSync(path.join(extra, 'tag.yaml'), 'fine: 1\nfoo: !!js/undefined\n');
fs.writeFileSync(path.join(extra, 'big.yaml'), 'a: 9007199254740991\nb: [1, 99999999999999999999999]\n');
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: project });
  return { code, stdout, stderr };
}

async function refused(argv: string[], message: string | RegExp) {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  if (typeof message === 'string') expect(r.stderr).toBe(`Error: ${message}\n`);
  else expect(r.stderr).toMatch(message);
  expect(fs.existsSync(path.join(project, 'outputs'))).toBe(false);
}

describe('messages', () => {
  it('--cfg with -m and a sweep: says --cfg shows one job, not that -m is missing', async () => {
    await refused(['--cfg', 'job', '-m', 'budget=2m,20m'],
      "--cfg prints the config of one job, and 'budget=2m,20m' is a sweep: give it one value to see that job's config, or list the jobs with npx run -m budget=2m,20m --dry-run");
  });

  it('a group option in the wrong case, or a near spelling, gets a "did you mean"; a different short name does not', async () => {
    await refused(['budget=2M'], "Could not find 'budget/2M'. Did you mean budget=2m? Available options in 'budget': 200m, 20m, 2b, 2m");
    await refused(['model=patchtts'], "Could not find 'model/patchtts'. Did you mean model=patchtst? Available options in 'model': patchtst, patchtst_mix");
    await refused(['budget=3m'], "Could not find 'budget/3m'. Available options in 'budget': 200m, 20m, 2b, 2m");
  });

  it('a misspelt flag gets a "did you mean"', async () => {
    await refused(['--dryrun'], "unknown flag '--dryrun'. Did you mean '--dry-run'? See npx run --help");
    await refused(['--multrun'], "unknown flag '--multrun'. Did you mean '--multirun'? See npx run --help");
  });

  it('nan and inf are not numbers a config takes, and say so', async () => {
    await refused(['trainer.lr=nan'], 'trainer.lr: expected a finite number, got nan');
    await refused(['trainer.lr=inf'], 'trainer.lr: expected a finite number, got inf');
  });

  it('an integer beyond 2^53 is refused, on the command line and in a config file, not rounded', async () => {
    await refused(['seed=99999999999999999999999'], /^Error: Error parsing override 'seed=99999999999999999999999': 99999999999999999999999 is an integer beyond 2\^53, .*quote it for a string \('99999999999999999999999'\) or write it as a float \(1e\+23\)\n$/);
    await refused(['-m', 'seed=1,99999999999999999999999', '--dry-run'], /^Error: job #1 \(seed=99999999999999999999999\): .*beyond 2\^53/);
    await refused(['+extra=big', '--cfg', 'job'], /^Error: \/.*\/conf\/extra\/big\.yaml:2: 99999999999999999999999 is an integer beyond 2\^53/);
    const safe = await cli('--cfg', 'job', 'seed=9007199254740991');
    expect(safe.stdout).toMatch(/^seed: 9007199254740991$/m);
  });

  it('a YAML alias bomb names its file and is no bug in Ladder', async () => {
    await refused(['+extra=bomb', '--cfg', 'job'], `${path.join(extra, 'bomb.yaml')}: its aliases (*name) expand to too many values (an alias bomb?): write the values out or use fewer aliases`);
  });

  it('an unknown YAML tag is refused with its file and line, not read as a string', async () => {
    await refused(['+extra=tag', '--cfg', 'job'], /^Error: \/.*\/conf\/extra\/tag\.yaml:2: Unresolved tag: tag:yaml\.org,2002:js\/undefined: remove the tag/);
  });
});
