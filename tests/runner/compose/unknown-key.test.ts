// A key the schema does not know is reported in the file (and line) or override that set it, with the
// nearest known key, before the "missing" error that a renamed key also causes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/compose.js';
import { confDir } from './conf-dir.js';

/** A copy of conf/ with `edits` applied: file → [text to replace, replacement], or new file text. */
function confWith(edits: Record<string, [string, string] | string>): string {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join('conf', dir), { withFileTypes: true })) {
      const name = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(name);
      else files[name] = fs.readFileSync(path.join('conf', name), 'utf8');
    }
  };
  walk('');
  for (const [file, edit] of Object.entries(edits)) {
    if (typeof edit === 'string') files[file] = edit;
    else {
      expect(files[file]).toContain(edit[0]);
      files[file] = files[file]!.replace(edit[0], edit[1]);
    }
  }
  return confDir(files);
}
const run = (dir: string, ...overrides: string[]) => compose({ configDir: dir, configName: 'config', overrides });
const lineOf = (dir: string, file: string, text: string) =>
  fs.readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((line) => line.startsWith(text)) + 1;

describe('an unknown key', () => {
  it('renamed in a YAML file is reported in that file and line, with the key it should be', () => {
    const dir = confWith({ 'model/patchtst.yaml': ['n_layers:', 'n_layer:'] });
    const line = lineOf(dir, 'model/patchtst.yaml', 'n_layer:');
    expect(line).toBeGreaterThan(1);
    expect(() => run(dir)).toThrow(
      `${path.join(dir, 'model/patchtst.yaml')}:${line}: Unknown key 'model.n_layer': not in the schema for 'model'. Did you mean 'model.n_layers'?`,
    );
  });

  it('set by a @package _global_ file is reported in that file', () => {
    const dir = confWith({ 'experiment/deep.yaml': '# @package _global_\nmodel:\n  dropout: 0.1\n  n_layer: 8\n' });
    expect(() => run(dir, '+experiment=deep')).toThrow(
      `${path.join(dir, 'experiment/deep.yaml')}:4: Unknown key 'model.n_layer': not in the schema for 'model'. Did you mean 'model.n_layers'?`,
    );
  });

  it('nested in a file is reported at its own line', () => {
    const dir = confWith({ 'trainer/default.yaml': ['lr:', 'extra:\n  depth: 2\nlr:'] });
    const line = lineOf(dir, 'trainer/default.yaml', 'extra:');
    expect(() => run(dir)).toThrow(`${path.join(dir, 'trainer/default.yaml')}:${line}: Unknown key 'trainer.extra'`);
  });

  it('added on the command line is reported as that override', () => {
    expect(() => run(path.resolve('conf'), 'model=patchtst', '+model.n_layer=3')).toThrow(
      "'+model.n_layer=3' on the command line: Unknown key 'model.n_layer': not in the schema for 'model'. Did you mean 'model.n_layers'?",
    );
  });
});
