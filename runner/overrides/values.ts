// Parser-level values, mirroring Hydra's override_parser types. Python's int/float split is kept:
// an int is a `bigint`, a float is a `number`, so `10` and `10.0` stay distinguishable.

export type Quote = 'single' | 'double';

/** A quoted string keeps its quote style until Override.value() strips it. */
export class QuotedString {
  constructor(
    readonly text: string,
    readonly quote: Quote,
  ) {}
}

export type DictKey = string | bigint | number | boolean | null;

/** An element: what may appear after `key=` (without sweeps), or inside a list/dict. */
export type ParsedElement =
  | null
  | boolean
  | bigint
  | number
  | string
  | QuotedString
  | ParsedElement[]
  | Map<DictKey, ParsedElement>;

export abstract class Sweep {
  tags = new Set<string>();
}

/** `a,b,c` (simpleForm) or `choice(a,b,c)`. */
export class ChoiceSweep extends Sweep {
  constructor(
    public list: unknown[],
    public simpleForm = false,
    public shuffle = false,
  ) {
    super();
  }
}

/** `range(start, stop, step)`: Python range semantics; float when any bound is a float. */
export class RangeSweep extends Sweep {
  constructor(
    public start: bigint | number,
    public stop: bigint | number,
    public step: bigint | number = 1n,
    public shuffle = false,
  ) {
    super();
  }
}

/** `interval(lo, hi)`: a continuous range, only meaningful to samplers. */
export class IntervalSweep extends Sweep {
  constructor(
    public start: bigint | number,
    public end: bigint | number,
  ) {
    super();
  }
}

/** `glob(include, exclude=)`: selects among a config group's options. Not a Sweep subclass in Hydra. */
export class Glob {
  constructor(
    readonly include: string[],
    readonly exclude: string[] = [],
  ) {}
}

/** Anything the value side of an override can evaluate to (functions may return any of these). */
export type ParsedValue = ParsedElement | Sweep | Glob;

export function cloneSweep<T extends Sweep>(sweep: T): T {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(sweep)), sweep) as T;
  return copy;
}

export const isDict = (v: unknown): v is Map<DictKey, unknown> => v instanceof Map;
