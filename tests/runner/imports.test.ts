// Layering: no import cycle runs through the launch, progress, CLI, task-registry or sweep modules
// (type-only imports count: they tie the modules together all the same).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCES = ['runner', 'sweeps', 'engine', 'data', 'schemas'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** file → the files it imports (relative specifiers; static, dynamic and type-only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCES.flatMap((d) => tsFiles(join(ROOT, d)))) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']+)'/g)].map((m) => m[1]);
    graph.set(relative(ROOT, file), specs.map((s) => relative(ROOT, resolve(dirname(file), s.replace(/\.js$/, '.ts')))));
  }
  return graph;
}

/** Strongly connected components with more than one file (or a self-import): the import cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)!.includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

describe('import layering', () => {
  const graph = importGraph();

  it('reads the graph (sanity: the reporter imports the launch types)', () => {
    expect(graph.get(join('runner', 'progress', 'reporter.ts'))).toContain(join('runner', 'launch', 'index.ts'));
  });

  it('has no cycle through launch, progress, cli, the task registry or sweeps', () => {
    const mine = /^(runner\/(launch|progress|cli)\/|runner\/tasks\/(registry|types|builtin|index)\.ts$|sweeps\/)/;
    expect(cycles(graph).filter((scc) => scc.some((f) => mine.test(f)))).toEqual([]);
  });

  it('the finder does find a cycle', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});
