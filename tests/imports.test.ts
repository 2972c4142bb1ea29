// No import cycles, type-only imports included: a cycle between files makes load order matter, and a
// cycle between folders means neither can be understood (or replaced) without the other. Reads every
// source file's imports with TypeScript's own pre-processor, then looks for strongly connected components.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE_ROOTS = ['index.ts', 'runner', 'engine', 'sweeps', 'data', 'schemas'];

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const entries = readdirSync(path, { withFileTypes: true });
    for (const e of entries) {
      const p = join(path, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(relative(ROOT, p));
    }
  };
  for (const r of SOURCE_ROOTS) (r.endsWith('.ts') ? out.push(r) : walk(join(ROOT, r)));
  return out.sort();
}

/** file → the project files it imports (relative specifiers only; `.js` resolves to the `.ts` source). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const deps = importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).replace(/\.js$/, '.ts'))
      .map((p) => (known.has(p) ? p : join(p, 'index.ts')))
      .filter((p) => known.has(p));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Strongly connected components of more than one node (Tarjan), each sorted. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const nested = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * The same graph one level up: folder → folders its files import (a file at the root is its own node).
 * A folder and its own subfolders are one room (data/ and data/source/, tasks/ and tasks/train/), so
 * edges between them do not count; peers such as runner/compose and runner/config must not import each other both ways.
 */
function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const folder = (f: string) => (f.includes('/') ? dirname(f) : f);
  const out = new Map<string, Set<string>>();
  for (const [file, deps] of graph) {
    const from = folder(file);
    const set = out.get(from) ?? new Set();
    for (const d of deps) if (!nested(folder(d), from)) set.add(folder(d));
    out.set(from, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

describe('imports', () => {
  const files = sourceFiles();
  const graph = importGraph(files);

  it('reads the real import graph (a known edge is present)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get('runner/cli/run.ts')?.length).toBeGreaterThan(0);
  });

  it('has no cycle between source files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const g = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
