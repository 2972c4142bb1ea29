import path from 'node:path';
import { configRepository } from '../config/index.js';
import type { ComposedTree, DefaultsNode } from '../compose/index.js';

/** `npx run --info`: search path, groups and options, defaults tree and merge order. */
export function renderInfo(tree: ComposedTree, cwd: string): string {
  const lines: string[] = [];
  lines.push('Config search path (first match wins)');
  for (const source of tree.searchPath) lines.push(`  ${path.relative(cwd, source.dir) || '.'}  (${source.dir})  provider=${source.provider}`);
  lines.push('');
  lines.push('Config groups (options)');
  const repository = configRepository(tree.searchPath);
  for (const group of repository.groups()) {
    const options = repository.groupOptions(group);
    const chosen = tree.choices[group];
    const marked = options.map((o) => (o === chosen ? `[${o}]` : o));
    lines.push(`  ${group}: ${marked.join(', ') || '(no options)'}`);
  }
  lines.push('', 'Defaults tree');
  renderNode(tree.defaults, 1, lines);
  lines.push('', 'Defaults list (merge order: config -> package)');
  collectSelf(tree.defaults, lines);
  return lines.join('\n');
}

function renderNode(node: DefaultsNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const label = node.choice ? `${node.choice.key}: ${node.choice.option}` : node.configPath;
  const nested = node.children.length > 1;
  lines.push(`${indent}${label}${nested ? ':' : ''}`);
  if (!nested) return;
  for (const child of node.children) {
    if (child === 'self') lines.push(`${indent}  _self_`);
    else renderNode(child, depth + 1, lines);
  }
}

function collectSelf(node: DefaultsNode, lines: string[]): void {
  for (const child of node.children) {
    if (child === 'self') lines.push(`  ${node.configPath} -> ${node.package || '<root>'}`);
    else collectSelf(child, lines);
  }
}
