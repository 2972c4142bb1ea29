/**
 * Parser for OmegaConf-style interpolation strings: `${a.b}`, `${.x}`, `${..x}`,
 * `${resolver:arg1,arg2}`, nesting (`${oc.env:${x},d}`), quoted args and `\${` escapes.
 */
export type Part = string | Interpolation;
export type Interpolation =
  | { kind: 'node'; key: Part[] }
  | { kind: 'resolver'; name: string; args: Argument[] };
export interface Argument {
  quoted: boolean;
  parts: Part[];
}

export function hasInterpolation(text: string): boolean {
  return text.includes('${');
}

export function parseTemplate(text: string): Part[] {
  const [parts, end] = parseParts(text, 0, () => false);
  if (end !== text.length) throw new Error(`unexpected '${text[end]}' in '${text}'`);
  return parts;
}

/** Reads literal text and `${...}` until `stop(i)` says so; returns the parts and the stop index. */
function parseParts(text: string, start: number, stop: (i: number) => boolean): [Part[], number] {
  const parts: Part[] = [];
  let literal = '';
  let i = start;
  while (i < text.length && !stop(i)) {
    if (text.startsWith('\\${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      if (literal) parts.push(literal);
      literal = '';
      const [interpolation, next] = parseInterpolation(text, i + 2);
      parts.push(interpolation);
      i = next;
    } else {
      literal += text[i];
      i += 1;
    }
  }
  if (literal) parts.push(literal);
  return [parts, i];
}

function parseInterpolation(text: string, start: number): [Interpolation, number] {
  const [head, i] = parseParts(text, start, (j) => text[j] === '}' || text[j] === ':');
  if (i >= text.length) throw new Error(`unclosed '\${' in '${text}'`);
  if (text[i] === '}') return [{ kind: 'node', key: trim(head) }, i + 1];
  const name = head.length === 1 && typeof head[0] === 'string' ? head[0].trim() : '';
  if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new Error(`invalid resolver name in '${text}'`);
  const args: Argument[] = [];
  let j = i + 1;
  let afterComma = false;
  for (;;) {
    while (text[j] === ' ') j += 1;
    const quote = text[j] === "'" || text[j] === '"' ? text[j]! : null;
    let arg: Argument;
    if (quote) {
      const [parts, end] = parseParts(text, j + 1, (k) => text[k] === quote && text[k - 1] !== '\\');
      if (end >= text.length) throw new Error(`unclosed quote in '${text}'`);
      arg = { quoted: true, parts: parts.map((p) => (typeof p === 'string' ? p.replaceAll(`\\${quote}`, quote) : p)) };
      j = end + 1;
      while (text[j] === ' ') j += 1;
    } else {
      const [parts, end] = parseParts(text, j, (k) => text[k] === ',' || text[k] === '}');
      arg = { quoted: false, parts: trim(parts) };
      j = end;
    }
    // `${r:}` has no argument; `${r:a,}` has an empty second one, as in OmegaConf
    if (arg.quoted || arg.parts.length > 0 || text[j] === ',' || afterComma) args.push(arg);
    afterComma = text[j] === ',';
    if (afterComma) j += 1;
    else if (text[j] === '}') return [{ kind: 'resolver', name, args }, j + 1];
    else throw new Error(`unclosed '\${' in '${text}'`);
  }
}

function trim(parts: Part[]): Part[] {
  const out = [...parts];
  if (typeof out[0] === 'string') out[0] = out[0].trimStart();
  const last = out.length - 1;
  if (typeof out[last] === 'string') out[last] = (out[last] as string).trimEnd();
  return out.filter((p) => p !== '');
}
