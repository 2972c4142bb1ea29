// Rendering parsed values back to override text, as Hydra does for sweep jobs and
// override_dirname: special characters escaped, quoted strings re-quoted, Python's str() for
// numbers and booleans.
import { pyFloatStr } from './python.js';
import { QuotedString, isDict } from './values.js';

/** A sweep (or glob) found inside a list, dict or another sweep: it has no single text form. */
export class NestedSweepError extends Error {
  constructor() {
    super('a sweep can only be the whole value of an override, not part of a list, dict or another sweep');
  }
}

/** Hydra's escape_special_characters: backslash-escape `\ ( ) [ ] { } : = ,` space and tab. */
export function escapeSpecialCharacters(s: string): string {
  return s.replace(/[\\()[\]{}:=, \t]/g, (c) => `\\${c}`);
}

/** QuotedString.with_quotes(): the quoted form that parses back to the same text. */
export function withQuotes(q: QuotedString): string {
  const qc = q.quote === 'single' ? "'" : '"';
  // Backslashes right before a quote (or the closing quote) must be doubled, then quotes escaped.
  const doubled = q.text.replace(new RegExp(`\\\\+(?=${qc}|$)`, 'g'), (m) => m + m);
  return qc + doubled.split(qc).join(`\\${qc}`) + qc;
}

/** Override._get_value_element_as_str: the text form of an element (not of a sweep). */
export function valueElementAsStr(value: unknown, spaceAfterSep = false): string {
  const comma = spaceAfterSep ? ', ' : ',';
  const colon = spaceAfterSep ? ': ' : ':';
  if (value === null || value === undefined) return 'null';
  if (value instanceof QuotedString) return withQuotes(value);
  if (Array.isArray(value)) return `[${value.map((v) => valueElementAsStr(v, spaceAfterSep)).join(comma)}]`;
  if (isDict(value)) {
    const items = [...value].map(([k, v]) => `${valueElementAsStr(k)}${colon}${valueElementAsStr(v, spaceAfterSep)}`);
    return `{${items.join(comma)}}`;
  }
  if (typeof value === 'string') return escapeSpecialCharacters(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatStr(value);
  throw new NestedSweepError();
}

/** Hydra's Transformer.encode: scalars stay typed, containers (and quoted strings) become text. */
export function encodeElement(value: unknown): string | bigint | number | boolean {
  if (['string', 'bigint', 'number', 'boolean'].includes(typeof value)) return value as string | bigint | number | boolean;
  return valueElementAsStr(value);
}
