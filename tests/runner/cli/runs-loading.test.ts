// What `runs` loads: a read command starts in Node's time plus SQLite's, so it must not load the YAML
// parser, cosmiconfig, ajv or listr2 where nothing needs them (no settings file), nor the `run` CLI
// behind `ladder runs`. Checked on the real process: a module hook records every module it resolves,
// and the require cache at exit adds what was loaded with require().
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIndex } from '../../../runner/tracking/index.js';

let dir: string;
let preload: string;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-runs-loading-'));
  const hooks = path.join(dir, 'hooks.mjs');
  fs.writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LADDER_LOADED, result.url + '\\n');
  return result;
}\n`);
  preload = path.join(dir, 'preload.mjs');
  fs.writeFileSync(preload, `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
process.on('exit', () => appendFileSync(process.env.LADDER_LOADED, Object.keys(createRequire(import.meta.url).cache).join('\\n')));\n`);
  openIndex(path.join(dir, 'project', 'outputs', 'index.sqlite')).close();
});

/** Runs a CLI (its TypeScript source) in `cwd`; returns its exit code, stdout and every module path it loaded. */
function loads(cli: string, argv: string[], cwd: string) {
  const log = path.join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(log, '');
  const tsx = import.meta.resolve('tsx'); // the project's, whatever the working directory
  const r = spawnSync(process.execPath, ['--import', tsx, '--import', preload, path.resolve('runner/cli', cli), ...argv], {
    cwd, encoding: 'utf8', env: { ...process.env, LADDER_LOADED: log },
  });
  expect(r.stderr).toBe('');
  const loaded = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { code: r.status, stdout: r.stdout, loaded, has: (name: string) => loaded.some((p) => p.includes(`/node_modules/${name}/`)) };
}

describe('runs loads only what a read command needs', () => {
  it('runs sql, without a settings file: no YAML, cosmiconfig, ajv or listr2', () => {
    const project = path.join(dir, 'project');
    fs.writeFileSync(path.join(project, 'package.json'), '{"name": "study", "private": true}\n');
    const r = loads('runs.ts', ['sql', "SELECT 'x' AS name, count(*) AS runs FROM runs"], project);
    expect(r.stdout).toBe('name  runs\n----  ----\nx     0\n');
    expect(r.code).toBe(0);
    expect(r.has('better-sqlite3')).toBe(true); // the record sees what require() loads
    expect(r.loaded.some((p) => p.endsWith('/runner/tracking/queries.ts'))).toBe(true); // and what import loads
    for (const name of ['yaml', 'cosmiconfig', 'ajv', 'listr2']) expect(r.has(name), name).toBe(false);
  });

  it('reads settings as before when there are some (cosmiconfig and ajv load then)', () => {
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere, { recursive: true });
    fs.writeFileSync(path.join(elsewhere, 'package.json'), JSON.stringify({ name: 'other', ladder: { outputsDir: '../project/outputs' } }));
    const r = loads('runs.ts', ['sql', 'SELECT count(*) AS n FROM runs'], elsewhere);
    expect(r.stdout).toBe('n\n-\n0\n');
    expect(r.has('cosmiconfig') && r.has('ajv')).toBe(true);
  });

  it('ladder runs loads neither the run CLI nor its progress display', () => {
    const r = loads('ladder.ts', ['runs', 'sql', 'SELECT 1 AS one'], path.join(dir, 'project'));
    expect(r.stdout).toBe('one\n---\n1\n');
    expect(r.loaded.some((p) => p.endsWith('/runner/cli/run.ts'))).toBe(false);
    expect(r.has('listr2')).toBe(false);
  });
});
