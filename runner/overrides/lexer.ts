// Tokenizer for Hydra 1.3's OverrideLexer.g4, hand-written. Like ANTLR, it takes the longest
// match at each position and, on ties, the rule listed first in the grammar. Two modes: KEY
// (before the first `=`) and VALUE.

export type TokenType =
  // key mode
  | 'EQUAL' | 'TILDE' | 'PLUS' | 'AT' | 'COLON' | 'SLASH' | 'ID' | 'KEY_SPECIAL' | 'DOT_PATH'
  // value mode
  | 'POPEN' | 'COMMA' | 'PCLOSE' | 'BRACKET_OPEN' | 'BRACKET_CLOSE' | 'BRACE_OPEN' | 'BRACE_CLOSE'
  | 'FLOAT' | 'INT' | 'BOOL' | 'NULL' | 'UNQUOTED_CHAR' | 'ESC' | 'WS' | 'QUOTED_VALUE' | 'INTERPOLATION'
  | 'EOF';

export interface Token {
  type: TokenType;
  text: string;
  start: number;
}

export type LexerMode = 'KEY' | 'VALUE';

/** A character no lexer rule accepts (ANTLR's "token recognition error"). */
export class LexerError extends Error {
  constructor(
    readonly start: number,
    readonly text: string,
  ) {
    super(`token recognition error at: '${text}'`);
  }
}

const WS = '[ \\t]';
const INT_UNSIGNED = '(?:0|[1-9](?:_?[0-9])*)';
const ID = '[a-zA-Z_][a-zA-Z0-9_\\-]*';
const KEY_SPECIAL = '[a-zA-Z_$][a-zA-Z0-9_\\-$]*';
const POINT_FLOAT = `(?:${INT_UNSIGNED}?\\.[0-9](?:_?[0-9])*|${INT_UNSIGNED}\\.)`;
const EXPONENT_FLOAT = `(?:(?:${POINT_FLOAT}|${INT_UNSIGNED})[eE][+-]?[0-9](?:_?[0-9])*)`;
const ESC_PAIR = '\\\\[\\\\()\\[\\]{}:=, \\t]';

type Rule = [TokenType, RegExp];
const rule = (type: TokenType, source: string): Rule => [type, new RegExp(source, 'y')];

// Order matters only for ties (equal-length matches): earlier rules win, as in ANTLR.
const KEY_RULES: Rule[] = [
  rule('EQUAL', `=${WS}*`),
  rule('TILDE', '~'),
  rule('PLUS', '\\+'),
  rule('AT', '@'),
  rule('COLON', ':'),
  rule('SLASH', '/'),
  rule('ID', ID),
  rule('KEY_SPECIAL', KEY_SPECIAL),
  rule('DOT_PATH', `(?:${KEY_SPECIAL}|${INT_UNSIGNED})(?:\\.(?:${KEY_SPECIAL}|${INT_UNSIGNED}))+`),
];

const VALUE_RULES: Rule[] = [
  rule('POPEN', `${WS}*\\(${WS}*`),
  rule('COMMA', `${WS}*,${WS}*`),
  rule('PCLOSE', `${WS}*\\)`),
  rule('BRACKET_OPEN', `\\[${WS}*`),
  rule('BRACKET_CLOSE', `${WS}*\\]`),
  rule('BRACE_OPEN', `\\{${WS}*`),
  rule('BRACE_CLOSE', `${WS}*\\}`),
  rule('COLON', `${WS}*:${WS}*`),
  rule('EQUAL', `${WS}*=${WS}*`),
  // Greedy regex alternation is not longest-match, so the float forms are ordered longest first.
  rule('FLOAT', `[+-]?(?:${EXPONENT_FLOAT}|${POINT_FLOAT}|[Ii][Nn][Ff]|[Nn][Aa][Nn])`),
  rule('INT', `[+-]?${INT_UNSIGNED}`),
  rule('BOOL', '(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])'),
  rule('NULL', '[Nn][Uu][Ll][Ll]'),
  rule('UNQUOTED_CHAR', '[/\\-\\\\+.$%*@?|]'),
  rule('ID', ID),
  rule('ESC', `(?:${ESC_PAIR})+`),
  rule('WS', `${WS}+`),
  rule('INTERPOLATION', '\\$\\{[^}]+\\}'),
];

/**
 * A quoted value ends at the first matching quote preceded by an even number of backslashes
 * (ANTLR's non-greedy QUOTED_VALUE rule). Returns the end index (exclusive) or -1.
 */
function quotedEnd(input: string, start: number): number {
  const q = input[start];
  for (let j = start + 1; j < input.length; j++) {
    if (input[j] !== q) continue;
    let backslashes = 0;
    for (let k = j - 1; k > start && input[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
  }
  return -1;
}

function longestMatch(input: string, pos: number, rules: Rule[]): Token | null {
  let best: Token | null = null;
  for (const [type, re] of rules) {
    re.lastIndex = pos;
    const m = re.exec(input);
    if (m && m[0].length > 0 && (!best || m[0].length > best.text.length)) {
      best = { type, text: m[0], start: pos };
    }
  }
  return best;
}

/** Tokenize `input` starting in `mode`; an EQUAL token in KEY mode switches to VALUE mode. */
export function tokenize(input: string, mode: LexerMode): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let current = mode;
  while (pos < input.length) {
    const ch = input[pos];
    let token: Token | null = null;
    if (current === 'VALUE' && (ch === "'" || ch === '"')) {
      const end = quotedEnd(input, pos);
      if (end < 0) throw new LexerError(pos, input.slice(pos));
      token = { type: 'QUOTED_VALUE', text: input.slice(pos, end), start: pos };
    } else {
      token = longestMatch(input, pos, current === 'KEY' ? KEY_RULES : VALUE_RULES);
    }
    if (!token) throw new LexerError(pos, ch);
    tokens.push(token);
    pos += token.text.length;
    if (current === 'KEY' && token.type === 'EQUAL') current = 'VALUE';
  }
  tokens.push({ type: 'EOF', text: '<EOF>', start: input.length });
  return tokens;
}
