// Recursive-descent parser for Hydra 1.3's OverrideParser.g4. It builds a small syntax tree
// first and evaluates it afterwards (evaluate.ts), so that, as with ANTLR + visitor, a syntax
// error anywhere wins over an error raised while evaluating a function.
import { type LexerMode, type Token, type TokenType, tokenize } from './lexer.js';

export type Node =
  | { kind: 'primitive'; tokens: Token[] }
  | { kind: 'list'; items: Node[] }
  | { kind: 'dict'; entries: [Token[], Node][] }
  | { kind: 'function'; name: string; args: { name: string | null; value: Node }[]; text: string }
  | { kind: 'sweep'; items: Node[] };

export interface KeyNode {
  key: string;
  package: string | null;
}

export interface OverrideNode {
  type: 'change' | 'add' | 'force_add' | 'delete';
  key: KeyNode;
  /** null for a bare `~key`; an empty primitive for `key=` */
  value: Node | null;
}

/** A grammar violation, worded like ANTLR's messages. */
export class SyntaxError extends Error {
  constructor(
    message: string,
    readonly offending: Token,
  ) {
    super(message);
  }
}

const PRIMITIVE: ReadonlySet<TokenType> = new Set<TokenType>(
  ['ID', 'NULL', 'INT', 'FLOAT', 'BOOL', 'INTERPOLATION', 'UNQUOTED_CHAR', 'COLON', 'ESC', 'WS']);
const DICT_KEY: ReadonlySet<TokenType> = new Set<TokenType>(
  ['ID', 'NULL', 'INT', 'FLOAT', 'BOOL', 'UNQUOTED_CHAR', 'ESC', 'WS']);
const LITERAL: Partial<Record<TokenType, string>> = {
  EQUAL: "'='", TILDE: "'~'", PLUS: "'+'", AT: "'@'", COLON: "':'", SLASH: "'/'", POPEN: "'('",
  COMMA: "','", PCLOSE: "')'", BRACKET_OPEN: "'['", BRACKET_CLOSE: "']'", BRACE_OPEN: "'{'",
  BRACE_CLOSE: "'}'", EOF: '<EOF>',
};
const ELEMENT_START = ['ID', 'NULL', 'INT', 'FLOAT', 'BOOL', 'INTERPOLATION', 'UNQUOTED_CHAR', 'COLON',
  'ESC', 'WS', 'QUOTED_VALUE', 'BRACKET_OPEN', 'BRACE_OPEN'] as const;

const display = (t: Token): string =>
  t.type === 'EOF' ? '<EOF>' : t.text.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
const expecting = (types: readonly TokenType[]): string => {
  const names = types.map((t) => LITERAL[t] ?? t);
  return names.length === 1 ? names[0] : `{${names.join(', ')}}`;
};

export class Parser {
  private pos = 0;
  private readonly tokens: Token[];

  constructor(
    private readonly input: string,
    mode: LexerMode,
  ) {
    this.tokens = tokenize(input, mode);
  }

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }

  private at(...types: TokenType[]): boolean {
    return types.includes(this.peek().type);
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'EOF') this.pos++;
    return t;
  }

  private mismatch(expected: readonly TokenType[]): SyntaxError {
    const t = this.peek();
    return new SyntaxError(`mismatched input '${display(t)}' expecting ${expecting(expected)}`, t);
  }

  private expect(type: TokenType): Token {
    if (this.at(type)) return this.next();
    // ANTLR's single-token deletion: one stray token before the expected one.
    if (this.peek(1).type === type) {
      const t = this.peek();
      throw new SyntaxError(`extraneous input '${display(t)}' expecting ${expecting([type])}`, t);
    }
    throw this.mismatch([type]);
  }

  /** Parse `input` as `rule`; unless `untilEof` is false, anything left over is an error. */
  parseAll<T>(rule: (p: Parser) => T, untilEof = true): T {
    const result = rule(this);
    if (untilEof) this.expect('EOF');
    return result;
  }

  // override: (key EQUAL value? | TILDE key (EQUAL value?)? | PLUS PLUS? key EQUAL value?) EOF
  override(): OverrideNode {
    let type: OverrideNode['type'] = 'change';
    if (this.at('TILDE')) {
      this.next();
      const key = this.key();
      if (this.at('EOF')) return { type: 'delete', key, value: null };
      if (!this.at('EQUAL')) throw this.mismatch(['EOF', 'EQUAL']);
      this.next();
      return { type: 'delete', key, value: this.optionalValue() };
    }
    if (this.at('PLUS')) {
      this.next();
      type = 'add';
      if (this.at('PLUS')) {
        this.next();
        type = 'force_add';
      }
    }
    const key = this.key();
    this.expect('EQUAL');
    return { type, key, value: this.optionalValue() };
  }

  private optionalValue(): Node {
    return this.at('EOF') ? { kind: 'primitive', tokens: [] } : this.value();
  }

  // key: packageOrGroup (AT package)?
  key(): KeyNode {
    const key = this.packageOrGroup();
    if (!this.at('AT')) return { key, package: null };
    this.next();
    return { key, package: this.package() };
  }

  // packageOrGroup: package | ID (SLASH ID)+
  packageOrGroup(): string {
    if (!(this.at('ID') && this.peek(1).type === 'SLASH')) return this.package();
    const parts = [this.next().text];
    while (this.at('SLASH')) {
      this.next();
      parts.push(this.expect('ID').text);
    }
    return parts.join('/');
  }

  // package: ( | ID | KEY_SPECIAL | DOT_PATH)
  package(): string {
    return this.at('ID', 'KEY_SPECIAL', 'DOT_PATH') ? this.next().text : '';
  }

  // value: element | simpleChoiceSweep
  value(): Node {
    const start = this.peek();
    let first: Node;
    try {
      first = this.element();
    } catch (e) {
      // ANTLR predicts `value` by reading the whole first element; failing there is a
      // "no viable alternative" spanning from the start of the value to the offending token.
      if (!(e instanceof SyntaxError)) throw e;
      const end = e.offending.type === 'EOF' ? e.offending.start : e.offending.start + e.offending.text.length;
      const text = this.input.slice(start.start, end).replace(/\t/g, '\\t');
      throw new SyntaxError(`no viable alternative at input '${text}'`, e.offending);
    }
    if (!this.at('COMMA')) return first;
    const items = [first];
    while (this.at('COMMA')) {
      this.next();
      items.push(this.element());
    }
    return { kind: 'sweep', items };
  }

  // simpleChoiceSweep: element (COMMA element)+
  simpleChoiceSweep(): Node {
    const items = [this.element()];
    do {
      this.expect('COMMA');
      items.push(this.element());
    } while (this.at('COMMA'));
    return { kind: 'sweep', items };
  }

  // element: primitive | listContainer | dictContainer | function
  element(): Node {
    if (this.at('ID') && this.peek(1).type === 'POPEN') return this.function();
    if (this.at('BRACKET_OPEN')) return this.listContainer();
    if (this.at('BRACE_OPEN')) return this.dictContainer();
    return this.primitive();
  }

  // function: ID POPEN (argName? element (COMMA argName? element)*)? PCLOSE ; argName: ID EQUAL
  function(): Node {
    const nameToken = this.expect('ID');
    this.expect('POPEN');
    const args: { name: string | null; value: Node }[] = [];
    if (!this.at('PCLOSE')) {
      do {
        if (args.length > 0) this.next();
        let name: string | null = null;
        if (this.at('ID') && this.peek(1).type === 'EQUAL') {
          name = this.next().text;
          this.next();
        }
        args.push({ name, value: this.element() });
      } while (this.at('COMMA'));
    }
    const close = this.expect('PCLOSE');
    const text = this.input.slice(nameToken.start, close.start + close.text.length);
    return { kind: 'function', name: nameToken.text, args, text };
  }

  // listContainer: BRACKET_OPEN (element (COMMA element)*)? BRACKET_CLOSE
  listContainer(): Node {
    this.expect('BRACKET_OPEN');
    const items: Node[] = [];
    if (!this.at('BRACKET_CLOSE')) {
      items.push(this.element());
      while (this.at('COMMA')) {
        this.next();
        items.push(this.element());
      }
    }
    this.expect('BRACKET_CLOSE');
    return { kind: 'list', items };
  }

  // dictContainer: BRACE_OPEN (dictKeyValuePair (COMMA dictKeyValuePair)*)? BRACE_CLOSE
  dictContainer(): Node {
    this.expect('BRACE_OPEN');
    const entries: [Token[], Node][] = [];
    if (!this.at('BRACE_CLOSE')) {
      if (!DICT_KEY.has(this.peek().type)) throw this.mismatch(['BRACE_CLOSE', 'ID']);
      entries.push(this.dictKeyValuePair());
      while (this.at('COMMA')) {
        this.next();
        entries.push(this.dictKeyValuePair());
      }
    }
    this.expect('BRACE_CLOSE');
    return { kind: 'dict', entries };
  }

  // dictKeyValuePair: dictKey COLON element
  private dictKeyValuePair(): [Token[], Node] {
    const key: Token[] = [];
    while (DICT_KEY.has(this.peek().type)) key.push(this.next());
    if (key.length === 0) throw this.mismatch(['ID']);
    this.expect('COLON');
    return [key, this.element()];
  }

  // primitive: QUOTED_VALUE | (ID | NULL | INT | FLOAT | BOOL | INTERPOLATION | UNQUOTED_CHAR | COLON | ESC | WS)+
  primitive(): Node {
    if (this.at('QUOTED_VALUE')) return { kind: 'primitive', tokens: [this.next()] };
    const tokens: Token[] = [];
    while (PRIMITIVE.has(this.peek().type)) tokens.push(this.next());
    if (tokens.length === 0) throw this.mismatch([...ELEMENT_START]);
    return { kind: 'primitive', tokens };
  }
}
