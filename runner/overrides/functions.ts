// Function calls in override values (`choice(a,b)`, `range(1,10,step=2)`, casts...). Binds
// positional and named arguments the way Python's inspect.Signature.bind does and checks each
// argument against its declared type, producing Hydra's error wording.
import { PyError, pyTypeName } from './python.js';
import { ChoiceSweep, Glob, IntervalSweep, QuotedString, RangeSweep, Sweep, isDict } from './values.js';

/** A Python type annotation, reduced to what the grammar's functions use. */
export type TypeSpec =
  | 'any' | 'int' | 'float' | 'bool' | 'str' | 'list' | 'dict' | 'None' | 'QuotedString'
  | 'ChoiceSweep' | 'RangeSweep' | 'IntervalSweep' | 'Sweep' | 'Glob'
  | { union: TypeSpec[]; display?: string };

export interface Param {
  name: string;
  /** positional-or-keyword, `*args`, or keyword-only (declared after `*args`) */
  kind: 'positional' | 'varargs' | 'keyword';
  type: TypeSpec;
  /** present when the parameter is optional; `undefined` means required */
  default?: unknown;
  optional?: boolean;
}

export interface GrammarFunction {
  params: Param[];
  /** called with every named parameter (defaults filled in); a `varargs` parameter gets an array */
  call: (args: Record<string, unknown>) => unknown;
}

function isInstance(value: unknown, type: TypeSpec): boolean {
  switch (type) {
    case 'any': return true;
    case 'int': return typeof value === 'bigint' || typeof value === 'boolean'; // bool subclasses int
    case 'float': return typeof value === 'number';
    case 'bool': return typeof value === 'boolean';
    case 'str': return typeof value === 'string';
    case 'list': return Array.isArray(value);
    case 'dict': return isDict(value);
    case 'None': return value === null;
    case 'QuotedString': return value instanceof QuotedString;
    case 'ChoiceSweep': return value instanceof ChoiceSweep;
    case 'RangeSweep': return value instanceof RangeSweep;
    case 'IntervalSweep': return value instanceof IntervalSweep;
    case 'Sweep': return value instanceof Sweep;
    case 'Glob': return value instanceof Glob;
    default: return type.union.some((t) => isInstance(value, t));
  }
}

/** Hydra's is_type_matching: plain primitives need the exact type (a bool is not an int there). */
export function isTypeMatching(value: unknown, type: TypeSpec): boolean {
  if (type === 'int') return typeof value === 'bigint';
  return isInstance(value, type);
}

const PY_NAMES: Record<string, string> = { list: 'List[Any]', dict: 'Dict[Any, Any]', None: 'NoneType' };

export function typeDisplay(type: TypeSpec): string {
  if (typeof type === 'string') return PY_NAMES[type] ?? type;
  return type.display ?? `Union[${type.union.map(typeDisplay).join(', ')}]`;
}

function bind(params: Param[], args: unknown[], kwargs: Map<string, unknown>): Map<string, unknown> {
  const bound = new Map<string, unknown>();
  let pi = 0;
  for (let i = 0; i < args.length; pi++) {
    const p = params[pi];
    if (!p || p.kind === 'keyword') throw new PyError('TypeError', 'too many positional arguments');
    if (p.kind === 'varargs') {
      bound.set(p.name, args.slice(i));
      i = args.length;
    } else {
      if (kwargs.has(p.name)) throw new PyError('TypeError', `multiple values for argument '${p.name}'`);
      bound.set(p.name, args[i++]);
    }
  }
  const rest = new Map(kwargs);
  for (; pi < params.length; pi++) {
    const p = params[pi];
    if (p.kind === 'varargs') continue;
    if (rest.has(p.name)) {
      bound.set(p.name, rest.get(p.name));
      rest.delete(p.name);
    } else if (!p.optional) {
      throw new PyError('TypeError', `missing a required argument: '${p.name}'`);
    }
  }
  for (const key of rest.keys()) throw new PyError('TypeError', `got an unexpected keyword argument '${key}'`);
  return bound;
}

const unquote = (v: unknown): unknown => (v instanceof QuotedString ? v.text : v);

/** The registry of functions callable from override values. */
export class Functions {
  private readonly defs = new Map<string, GrammarFunction>();

  register(name: string, def: GrammarFunction): this {
    if (this.defs.has(name)) throw new PyError('HydraException', `Function named '${name}' is already registered`);
    this.defs.set(name, def);
    return this;
  }

  names(): string[] {
    return [...this.defs.keys()].sort();
  }

  /** Evaluate a call; throws PyError (the caller adds "<Type> while evaluating '<call>'"). */
  eval(name: string, rawArgs: unknown[], rawKwargs: Map<string, unknown>): unknown {
    const def = this.defs.get(name);
    if (!def) {
      throw new PyError('HydraException', `Unknown function '${name}'\nAvailable: ${this.names().join(',')}\n`);
    }
    const args = rawArgs.map(unquote);
    const kwargs = new Map([...rawKwargs].map(([k, v]) => [k, unquote(v)] as const));
    const bound = bind(def.params, args, kwargs);
    for (const p of def.params) {
      if (!bound.has(p.name)) continue;
      const value = bound.get(p.name);
      if (p.kind === 'varargs') {
        (value as unknown[]).forEach((v, i) => {
          if (!isTypeMatching(v, p.type)) {
            throw new PyError('TypeError',
              `mismatch type argument ${p.name}[${i}]: ${pyTypeName(v)} is incompatible with ${typeDisplay(p.type)}`);
          }
        });
      } else if (!isTypeMatching(value, p.type)) {
        throw new PyError('TypeError',
          `mismatch type argument ${p.name}: ${pyTypeName(value)} is incompatible with ${typeDisplay(p.type)}`);
      }
    }
    const call: Record<string, unknown> = {};
    for (const p of def.params) {
      call[p.name] = bound.has(p.name) ? bound.get(p.name) : p.kind === 'varargs' ? [] : p.default;
    }
    return def.call(call);
  }
}
