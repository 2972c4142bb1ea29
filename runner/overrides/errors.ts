// The one error type the grammar throws. `message` is one line for users; `hydraMessage` is the
// multi-line text Hydra itself prints for the same mistake.

export type ParseErrorKind = 'lexer' | 'syntax' | 'evaluation';

const GRAMMAR_DOCS = 'See https://hydra.cc/docs/1.2/advanced/override_grammar/basic for details';

export class OverrideParseError extends Error {
  override readonly name = 'OverrideParseError';
  /** Hydra's own multi-line message for this error (as printed by a Hydra app). */
  readonly hydraMessage: string;

  constructor(
    /** the override text as given */
    readonly input: string,
    /** Hydra's detail: ANTLR's wording for syntax errors, "<Type> while evaluating ..." otherwise */
    readonly detail: string,
    readonly kind: ParseErrorKind,
    /** 0-based column of the offending character, when known */
    readonly column: number | null = null,
  ) {
    const where = column === null ? '' : ` (at column ${column + 1})`;
    const hint = hintFor(input, kind, column);
    super(`Error parsing override '${input}': ${detail.trim().replace(/\s*\n\s*/g, ' ')}${where}${hint ? `. ${hint}` : ''}`);
    if (kind === 'lexer') {
      const prefix = 'LexerNoViableAltException: ';
      this.hydraMessage = `${prefix}${input}\n${'^'.padStart(prefix.length + (column ?? 0) + 1)}\n${GRAMMAR_DOCS}`;
    } else if (kind === 'syntax') {
      this.hydraMessage = `${detail}\n${GRAMMAR_DOCS}`;
    } else {
      this.hydraMessage = `Error parsing override '${input}'\n${detail}\n${GRAMMAR_DOCS}`;
    }
  }
}

/** Advice for the commonest typos, added to the one-line message (Hydra's detail stays intact). */
function hintFor(input: string, kind: ParseErrorKind, column: number | null): string | null {
  const equal = input.indexOf('=');
  const at = column === null ? '' : input[column] ?? '';
  if (kind === 'lexer' && (at === "'" || at === '"')) {
    return `Close the ${at === "'" ? 'single' : 'double'} quote, or escape a quote inside it as \\${at}`;
  }
  if (kind === 'lexer' && /[ \t]/.test(at) && (equal < 0 || column! < equal)) {
    return "Keys cannot contain spaces: write key=value, with nothing around '='";
  }
  if (kind === 'lexer' && equal >= 0 && input.slice(equal + 1) === '~') {
    return `'~' is YAML's null, not the override grammar's: write ${input.slice(0, equal)}=null (or ${input.slice(0, equal)}='~' for the string)`;
  }
  if (kind === 'lexer' && equal >= 0 && column! > equal) {
    return `To use '${at}' in a value, quote the value, e.g. ${input.slice(0, equal)}='${input.slice(equal + 1).replace(/'/g, "\\'")}'`;
  }
  if (kind === 'syntax' && equal < 0 && !input.startsWith('~')) {
    return `An override needs '=': write ${input || 'key'}=<value> (or ~${input || 'key'} to delete it)`;
  }
  if (kind !== 'syntax') return null;
  const value = input.slice(equal + 1).replace(/\\./g, '').replace(/'[^']*'|"[^"]*"/g, '');
  for (const [open, close] of [['[', ']'], ['{', '}'], ['(', ')']]) {
    if (value.split(open).length !== value.split(close).length) return `Check the brackets: '${open}' and '${close}' do not pair up`;
  }
  if (/[=,()[\]{}]/.test(value)) {
    return "To use = , ( ) [ ] { } literally in a value, quote it (key='a=b') or escape them with \\";
  }
  return null;
}
