// runner/compose composes YAML; it must not reach the engine or the data pipeline, not even through
// another module (a task's checks reach them through the task registry's seam, at planning).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Every project file `entry` reaches through relative imports (type imports included). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(file), fileName)).replace(/\.js$/, '.ts');
      visit(target);
    }
  };
  visit(entry);
  return seen;
}

describe('layering', () => {
  it('runner/compose reaches neither engine/ nor data/', () => {
    const files = [...reachable('runner/compose/index.ts')];
    expect(files).toContain('runner/tasks/registry.ts'); // the graph is real: the seam is there
    expect(files.filter((f) => f.startsWith('engine/') || f.startsWith('data/'))).toEqual([]);
  });
});
