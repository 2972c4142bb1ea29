// Hydra 1.3's built-in grammar functions: the casts int() float() str() bool(), and the sweep
// functions choice() range() interval() tag() shuffle() sort() glob().
import { Functions, type GrammarFunction, type TypeSpec, typeDisplay } from './functions.js';
import { PyError, pyFloat, pyFloatStr, pyInt, pyShuffled, pySorted, pyTypeName } from './python.js';
import {
  ChoiceSweep, Glob, IntervalSweep, QuotedString, RangeSweep, Sweep, cloneSweep, isDict,
} from './values.js';

const ELEMENT: TypeSpec[] = ['str', 'int', 'bool', 'float', 'list', 'dict'];
const CAST_TYPE: TypeSpec = { union: [...ELEMENT, 'QuotedString', 'None', 'Sweep', 'Glob'], display: 'CastType' };
const NUMBER: TypeSpec = { union: ['int', 'float'] };
const opt = (t: TypeSpec): TypeSpec => ({ union: [t, 'None'], display: `Optional[${typeDisplay(t)}]` });

type Scalar = string | bigint | number | boolean;
type Cast = (value: unknown) => unknown;

/** Apply a cast through containers and sweeps, as Hydra's casts do; undefined for a scalar. */
function mapValue(value: unknown, cast: Cast, name: string): unknown {
  if (value instanceof QuotedString) return cast(value.text);
  if (isDict(value)) return new Map([...value].map(([k, v]) => [k, cast(v)]));
  if (Array.isArray(value)) return value.map(cast);
  if (value instanceof ChoiceSweep) return new ChoiceSweep(value.list.map(cast), value.simpleForm);
  const numeric = cast as (v: unknown) => bigint | number;
  if (value instanceof RangeSweep) {
    if (name !== 'int' && name !== 'float') throw new PyError('ValueError', 'Range can only be cast to int or float');
    return new RangeSweep(numeric(value.start), numeric(value.stop), numeric(value.step));
  }
  if (value instanceof IntervalSweep) {
    if (name !== 'int' && name !== 'float') throw new PyError('ValueError', `Intervals cannot be cast to ${name}`);
    const copy = new IntervalSweep(numeric(value.start), numeric(value.end));
    copy.tags = new Set(value.tags);
    return copy;
  }
  return undefined;
}

function assertScalar(value: unknown): asserts value is Scalar {
  if (!['string', 'bigint', 'number', 'boolean'].includes(typeof value)) throw new PyError('AssertionError', '');
}

const castInt: Cast = (v) => mapValue(v, castInt, 'int') ?? (assertScalar(v), pyInt(v));
const castFloat: Cast = (v) => mapValue(v, castFloat, 'float') ?? (assertScalar(v), pyFloat(v));
const castStr: Cast = (v) => {
  const mapped = mapValue(v, castStr, 'str');
  if (mapped !== undefined) return mapped;
  assertScalar(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v === 'number' ? pyFloatStr(v) : String(v);
};
const castBool: Cast = (v) => {
  const mapped = mapValue(v, castBool, 'bool');
  if (mapped !== undefined) return mapped;
  assertScalar(v);
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
    throw new PyError('ValueError', `Cannot cast '${v}' to bool`);
  }
  return typeof v === 'bigint' ? v !== 0n : typeof v === 'number' ? v !== 0 : v;
};

/** Several positional arguments to a cast or sort/shuffle form a simple choice sweep. */
function simpleChoice(args: unknown[]): ChoiceSweep {
  return new ChoiceSweep([...args], true);
}

function castFunction(cast: Cast): GrammarFunction {
  return {
    params: [
      { name: 'args', kind: 'varargs', type: CAST_TYPE },
      { name: 'value', kind: 'keyword', type: opt(CAST_TYPE), optional: true, default: null },
    ],
    call: ({ args, value }) => {
      const list = args as unknown[];
      if (list.length > 0 && value !== null) throw new PyError('TypeError', 'cannot use both position and named arguments');
      if (value !== null) return cast(value);
      if (list.length === 0) throw new PyError('TypeError', 'No positional args or value specified');
      return cast(list.length === 1 ? list[0] : simpleChoice(list));
    },
  };
}

const CHOICE_ARG: TypeSpec = { union: ['str', 'int', 'float', 'bool', 'dict', 'list', 'ChoiceSweep'],
  display: 'Union[str, int, float, bool, Dict[Any, Any], List[Any], ChoiceSweep]' };
const SEQUENCE_ARG: TypeSpec = { union: [...ELEMENT, 'ChoiceSweep', 'RangeSweep'],
  display: 'Union[str, int, bool, float, List[Any], Dict[str, Any], ChoiceSweep, RangeSweep]' };
const SWEEP_ARG = opt({ union: ['ChoiceSweep', 'RangeSweep'] });

const choice: GrammarFunction = {
  params: [{ name: 'args', kind: 'varargs', type: CHOICE_ARG }],
  call: ({ args }) => {
    const list = args as unknown[];
    if (list.length === 0) throw new PyError('ValueError', 'empty choice is not legal');
    if (list.length === 1 && list[0] instanceof ChoiceSweep) {
      if (!list[0].simpleForm) throw new PyError('ValueError', 'nesting choices is not supported');
      list[0].simpleForm = false;
      return list[0];
    }
    return new ChoiceSweep([...list]);
  },
};

const asNumber = (v: unknown): bigint | number => (typeof v === 'boolean' ? BigInt(v) : (v as bigint | number));

const range: GrammarFunction = {
  params: [
    { name: 'start', kind: 'positional', type: NUMBER },
    { name: 'stop', kind: 'positional', type: opt(NUMBER), optional: true, default: null },
    { name: 'step', kind: 'positional', type: NUMBER, optional: true, default: 1n },
  ],
  call: ({ start, stop, step }) =>
    stop === null
      ? new RangeSweep(0n, asNumber(start), asNumber(step))
      : new RangeSweep(asNumber(start), asNumber(stop), asNumber(step)),
};

const interval: GrammarFunction = {
  params: [
    { name: 'start', kind: 'positional', type: NUMBER },
    { name: 'end', kind: 'positional', type: NUMBER },
  ],
  call: ({ start, end }) => new IntervalSweep(pyFloat(start), pyFloat(end)),
};

const tag: GrammarFunction = {
  params: [
    { name: 'args', kind: 'varargs', type: { union: ['str', 'Sweep'] } },
    { name: 'sweep', kind: 'keyword', type: opt('Sweep'), optional: true, default: null },
  ],
  call: ({ args, sweep }) => {
    const list = [...(args as unknown[])];
    if (list.length < 1) throw new PyError('ValueError', 'Not enough arguments to tag, must take at least a sweep');
    if (sweep !== null) list.push(sweep);
    const last = list[list.length - 1];
    if (!(last instanceof Sweep)) {
      throw new PyError('ValueError', `Last argument to tag() must be a choice(), range() or interval(), got ${pyTypeName(sweep)}`);
    }
    const tags = new Set<string>();
    for (const t of list.slice(0, -1)) {
      if (typeof t !== 'string') throw new PyError('ValueError', `tag arguments type must be string, got ${pyTypeName(t)}`);
      tags.add(t);
    }
    last.tags = tags;
    return last;
  },
};

const shuffle: GrammarFunction = {
  params: [
    { name: 'args', kind: 'varargs', type: SEQUENCE_ARG },
    { name: 'sweep', kind: 'keyword', type: SWEEP_ARG, optional: true, default: null },
    { name: 'list', kind: 'keyword', type: opt('list'), optional: true, default: null },
  ],
  call: ({ args, sweep, list }) => {
    const items = (list !== null ? [list] : sweep !== null ? [sweep] : args) as unknown[];
    if (items.length !== 1) {
      const choiceSweep = simpleChoice(items);
      choiceSweep.shuffle = true;
      return choiceSweep;
    }
    const arg = items[0];
    if (arg instanceof ChoiceSweep || arg instanceof RangeSweep) {
      const copy = cloneSweep(arg);
      copy.shuffle = true;
      return copy;
    }
    return Array.isArray(arg) ? pyShuffled(arg) : [arg];
  },
};

function sortSweep(sweep: ChoiceSweep | RangeSweep, reverse: boolean): ChoiceSweep | RangeSweep {
  const copy = cloneSweep(sweep);
  if (copy instanceof ChoiceSweep) {
    copy.list = pySorted(copy.list, reverse);
    return copy;
  }
  // Hydra 1.3.2 flips a range whose direction disagrees with the requested order.
  const { start, stop, step } = copy;
  const absStep = pyAbs(step);
  if (!reverse && pyGt(start, stop)) {
    copy.start = pyAdd(stop, absStep);
    copy.stop = pyAdd(start, absStep);
    copy.step = pyNeg(step);
  } else if (reverse && pyGt(stop, start)) {
    copy.start = pyAdd(stop, pyNeg(absStep));
    copy.stop = pyAdd(start, pyNeg(absStep));
    copy.step = pyNeg(step);
  }
  return copy;
}

type Num = bigint | number;
const pyAbs = (x: Num): Num => (typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x));
const pyNeg = (x: Num): Num => -x;
const pyGt = (a: Num, b: Num): boolean => (typeof a === 'bigint' && typeof b === 'bigint' ? a > b : Number(a) > Number(b));
const pyAdd = (a: Num, b: Num): Num => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b));

const sort: GrammarFunction = {
  params: [
    { name: 'args', kind: 'varargs', type: SEQUENCE_ARG },
    { name: 'sweep', kind: 'keyword', type: SWEEP_ARG, optional: true, default: null },
    { name: 'list', kind: 'keyword', type: opt('list'), optional: true, default: null },
    { name: 'reverse', kind: 'keyword', type: 'bool', optional: true, default: false },
  ],
  call: ({ args, sweep, list, reverse }) => {
    const rev = reverse as boolean;
    if (list !== null) return pySorted(list as unknown[], rev);
    if (sweep !== null) return sortSweep(sweep as ChoiceSweep | RangeSweep, rev);
    const items = args as unknown[];
    const invalid = () => new PyError('TypeError', `Invalid arguments: (${items.map((a) => String(a)).join(', ')})`);
    if (items.length === 1) {
      const arg = items[0];
      if (arg instanceof ChoiceSweep || arg instanceof RangeSweep) return sortSweep(arg, rev);
      if (Array.isArray(arg)) return pySorted(arg, rev);
      if (isInstanceOfElement(arg)) return arg;
      throw invalid();
    }
    for (const a of items) if (!['string', 'bigint', 'number', 'boolean'].includes(typeof a)) throw invalid();
    if (items.length === 0) throw new PyError('ValueError', 'empty sort input');
    return sortSweep(simpleChoice(items), rev);
  },
};

const isInstanceOfElement = (v: unknown): boolean =>
  v === null || v instanceof QuotedString || Array.isArray(v) || isDict(v) ||
  ['string', 'bigint', 'number', 'boolean'].includes(typeof v);

const STR_OR_LIST: TypeSpec = { union: ['list', 'str'], display: 'Union[List[str], str]' };
const patterns = (v: unknown): string[] =>
  v === null ? [] : (Array.isArray(v) ? v : [v]).map((p) => (p instanceof QuotedString ? p.text : String(p)));

const glob: GrammarFunction = {
  params: [
    { name: 'include', kind: 'positional', type: STR_OR_LIST },
    { name: 'exclude', kind: 'positional', type: opt(STR_OR_LIST), optional: true, default: null },
  ],
  call: ({ include, exclude }) => new Glob(patterns(include), patterns(exclude)),
};

/** A fresh registry holding Hydra's built-in functions; register your own on top of it. */
export function builtinFunctions(): Functions {
  return new Functions()
    .register('int', castFunction(castInt))
    .register('float', castFunction(castFloat))
    .register('str', castFunction(castStr))
    .register('bool', castFunction(castBool))
    .register('choice', choice)
    .register('range', range)
    .register('interval', interval)
    .register('tag', tag)
    .register('shuffle', shuffle)
    .register('sort', sort)
    .register('glob', glob);
}

