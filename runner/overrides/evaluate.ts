// Turns the syntax tree into values, as Hydra's HydraOverrideVisitor does: typed primitives,
// quoted strings (un-escaped, quotes remembered), lists, dicts with typed keys, function calls.
import type { Functions } from './functions.js';
import type { Token } from './lexer.js';
import type { Node } from './parser.js';
import { PyError, pyFloat } from './python.js';
import { ChoiceSweep, type DictKey, type Quote, QuotedString } from './values.js';

/** An error raised while evaluating (Hydra raises these as HydraException, not syntax errors). */
export class EvaluationError extends Error {}

const unescapeEsc = (text: string): string => [...text].filter((_, i) => i % 2 === 1).join('');

/**
 * Un-escape a quoted value: backslashes are only special right before a quote (the enclosing
 * one included), where each pair stands for one backslash and an odd one escapes the quote.
 */
export function unescapeQuoted(token: string): QuotedString {
  const q = token[0];
  const quote: Quote = q === "'" ? 'single' : 'double';
  const body = token.slice(1, -1);
  const text = body.replace(new RegExp(`(\\\\+)(${q}|$)`, 'g'), (_m, slashes: string, end: string) =>
    '\\'.repeat(Math.floor(slashes.length / 2)) + end);
  return new QuotedString(text, quote);
}

/** Hydra's _createPrimitive: one token gives a typed value, several give their joined text. */
export function createPrimitive(tokens: Token[]): DictKey | QuotedString {
  if (tokens.length === 0) return '';
  let first = 0;
  let last = tokens.length;
  if (tokens[0].type === 'WS') {
    if (tokens.length === 1) throw new EvaluationError('Trying to parse a primitive that is all whitespaces');
    first = 1;
  }
  if (tokens[tokens.length - 1].type === 'WS') last--;
  if (last - first > 1) {
    return tokens.slice(first, last).map((t) => (t.type === 'ESC' ? unescapeEsc(t.text) : t.text)).join('');
  }
  const t = tokens[first];
  switch (t.type) {
    case 'QUOTED_VALUE': return unescapeQuoted(t.text);
    case 'INT': return BigInt(t.text.replace(/_/g, ''));
    case 'FLOAT': return pyFloat(t.text);
    case 'NULL': return null;
    case 'BOOL': return t.text.toLowerCase() === 'true';
    case 'ESC': return unescapeEsc(t.text);
    default: return t.text;
  }
}

export function evaluate(node: Node, functions: Functions): unknown {
  switch (node.kind) {
    case 'primitive': return createPrimitive(node.tokens);
    case 'list': return node.items.map((n) => evaluate(n, functions));
    case 'dict': {
      const dict = new Map<DictKey, unknown>();
      for (const [key, value] of node.entries) dict.set(createPrimitive(key) as DictKey, evaluate(value, functions));
      return dict;
    }
    case 'sweep': return new ChoiceSweep(node.items.map((n) => evaluate(n, functions)), true);
    case 'function': {
      const args: unknown[] = [];
      const kwargs = new Map<string, unknown>();
      for (const arg of node.args) {
        if (arg.name !== null) kwargs.set(arg.name, evaluate(arg.value, functions));
        else if (kwargs.size > 0) throw new EvaluationError('positional argument follows keyword argument');
        else args.push(evaluate(arg.value, functions));
      }
      try {
        return functions.eval(node.name, args, kwargs);
      } catch (e) {
        if (!(e instanceof PyError)) throw e;
        throw new EvaluationError(`${e.pyType} while evaluating '${node.text}': ${e.message}`);
      }
    }
  }
}
