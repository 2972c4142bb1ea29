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
    super(`Error parsing override '${input}': ${detail.trim().replace(/\s*\n\s*/g, ' ')}${where}`);
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
