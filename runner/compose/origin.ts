// Where a key of a composed config came from: the command-line override or the config file (and line)
// that wrote it last. Only asked when a config is refused, so it reads the YAML again instead of
// keeping positions for every key.
import { isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import { configDocument } from '../yaml/index.js';
import { overrideValue, parseOverride, type Override } from '../overrides/index.js';
import { mergeOrder, type DefaultsNode } from './defaults.js';
import { isDict, type ConfigValue } from './types.js';

/** A key path of the composed config, e.g. ['model', 'n_layer'] → a place for messages, or null. */
export type KeyOrigin = (key: readonly string[]) => string | null;

/** What composed a config (a ComposedTree has these). */
export interface Composition {
  overrides: readonly string[];
  choices: Record<string, string | null>;
  defaults: DefaultsNode;
}

/**
 * The place that set `key` last: `'+model.n_layer=3' on the command line`, `conf/model/patchtst.yaml:9`
 * (file and line of the key), or the file alone when the key is where the file is placed or above it.
 */
export function keyOrigin(tree: Composition): KeyOrigin {
  return (key) => fromCommandLine(tree, key) ?? fromFiles(tree, key);
}

function fromCommandLine(tree: Composition, key: readonly string[]): string | null {
  for (const text of [...tree.overrides].reverse()) {
    let o: Override;
    let value: ConfigValue;
    try {
      o = parseOverride(text);
      value = o.type === 'delete' ? null : overrideValue(o);
    } catch {
      continue;
    }
    const groupChoice = o.key in tree.choices && !isDict(value);
    if (o.type === 'delete' || o.package !== null || groupChoice) continue;
    if (startsWith(key, o.key.split('.'))) return `'${text}' on the command line`;
  }
  return null;
}

function fromFiles(tree: Composition, key: readonly string[]): string | null {
  for (const item of mergeOrder(tree.defaults).reverse()) {
    const pkg = item.package === '' ? [] : item.package.split('.');
    if (startsWith(pkg, key)) return item.loaded.displayPath;
    if (!startsWith(key, pkg)) continue;
    const inFile = key.slice(pkg.length);
    if (setsKey(item.loaded.body, inFile)) {
      const line = lineOf(item.loaded.text, inFile);
      return line === null ? item.loaded.displayPath : `${item.loaded.displayPath}:${line}`;
    }
  }
  return null;
}

/** True when `path` exists in `body`, or passes through a string (an interpolation that made it). */
function setsKey(body: ConfigValue, path: readonly string[]): boolean {
  let node: ConfigValue | undefined = body;
  for (const segment of path) {
    if (typeof node === 'string') return node.includes('${');
    node = Array.isArray(node) ? node[Number(segment)] : isDict(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (node === undefined) return false;
  }
  return true;
}

/** 1-based line of the deepest key of `path` that the YAML text has, or null. */
function lineOf(text: string, path: readonly string[]): number | null {
  const lineCounter = new LineCounter();
  const doc = configDocument(text, { lineCounter });
  let node = doc.contents as Node | null;
  let offset: number | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === null ? null : lineCounter.linePos(offset).line;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}
