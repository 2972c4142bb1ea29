// Entry points into single grammar rules (Hydra's OverridesParser.parse_rule), used by tools and
// by the conformance suite that replays Hydra's own parser tests rule by rule.
import type { LexerMode } from './lexer.js';
import { type Override, type ParseOptions, evaluateNode, parseOverride, runRule } from './override.js';
import type { Node, Parser } from './parser.js';

export type GrammarRule =
  | 'override' | 'key' | 'package' | 'packageOrGroup'
  | 'value' | 'element' | 'primitive' | 'listContainer' | 'dictContainer' | 'function' | 'simpleChoiceSweep';

const VALUE_RULES: Record<string, (p: Parser) => Node> = {
  value: (p) => p.value(),
  element: (p) => p.element(),
  primitive: (p) => p.primitive(),
  listContainer: (p) => p.listContainer(),
  dictContainer: (p) => p.dictContainer(),
  function: (p) => p.function(),
  simpleChoiceSweep: (p) => p.simpleChoiceSweep(),
};

/**
 * Parse `text` with one grammar rule. As in Hydra's parse_rule, only `override` must consume the
 * whole text (its grammar rule ends in EOF); the other rules stop where their syntax ends. Key rules return strings (`key` returns `{key, package}`),
 * `override` returns an Override, value rules return the parser-level value.
 */
export function parseRule(rule: GrammarRule, text: string, opts?: ParseOptions):
  Override | { key: string; package: string | null } | unknown {
  const keyMode: LexerMode = 'KEY';
  switch (rule) {
    case 'override': return parseOverride(text, opts);
    case 'key': return runRule(text, keyMode, (p) => p.key(), false);
    case 'package': return runRule(text, keyMode, (p) => p.package(), false);
    case 'packageOrGroup': return runRule(text, keyMode, (p) => p.packageOrGroup(), false);
    default: return evaluateNode(text, runRule(text, 'VALUE', VALUE_RULES[rule], false), opts);
  }
}
