// Expanding range sweeps exactly as Hydra does: Python's range() for all-int bounds, otherwise
// Hydra's FloatRange, which steps with decimal.Decimal (28 significant digits, half-even) so
// that e.g. range(1.0, 3.14, 0.1) yields the same floats as Python, bit for bit.
import { PyError } from './python.js';
import { RangeSweep } from './values.js';

/** An exact decimal: coefficient × 10^exponent. */
interface Dec {
  coef: bigint;
  exp: number;
}

const PRECISION = 28;

/** Decimal(x) of a binary float or int: exact, as Python's Decimal constructor. */
function toDec(x: bigint | number): Dec {
  if (typeof x === 'bigint') return { coef: x, exp: 0 };
  if (!Number.isFinite(x)) throw new PyError('ValueError', `cannot use ${x} as a range bound`);
  if (Number.isInteger(x)) return { coef: BigInt(x), exp: 0 };
  // x = m / 2^k exactly, so x = m * 5^k / 10^k.
  let k = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  return { coef: BigInt(m) * 5n ** BigInt(k), exp: -k };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

/** Round to PRECISION significant digits, half-even (Python's default decimal context). */
function round(d: Dec): Dec {
  const neg = d.coef < 0n;
  let c = neg ? -d.coef : d.coef;
  const digits = c.toString().length;
  if (digits <= PRECISION) return d;
  const drop = BigInt(digits - PRECISION);
  const div = 10n ** drop;
  let q = c / div;
  const r = c % div;
  const half = div / 2n;
  if (r > half || (r === half && q % 2n === 1n)) q += 1n;
  c = q;
  return { coef: neg ? -c : c, exp: d.exp + Number(drop) };
}

const add = (a: Dec, b: Dec): Dec => {
  const [x, y, exp] = align(a, b);
  return round({ coef: x + y, exp });
};
const cmp = (a: Dec, b: Dec): number => {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const toFloat = (d: Dec): number => Number(`${d.coef}e${d.exp}`);

/** Hydra's FloatRange(start, stop, step): Decimal stepping, float results, stop exclusive. */
export function floatRange(start: bigint | number, stop: bigint | number, step: bigint | number): number[] {
  let cur = toDec(start);
  const end = toDec(stop);
  const inc = toDec(step);
  const dir = inc.coef > 0n ? 1 : inc.coef < 0n ? -1 : 0;
  if (dir === 0) {
    throw new PyError('HydraException', `Invalid range values (start:${start}, stop:${stop}, step:${step})`);
  }
  const out: number[] = [];
  while (cmp(cur, end) * dir < 0) {
    out.push(toFloat(cur));
    cur = add(cur, inc);
  }
  // Decimal(-0.0) keeps its sign; our coefficient cannot.
  if (out.length > 0 && Object.is(start, -0)) out[0] = -0;
  return out;
}

/** Python range(start, stop, step) over ints. */
export function intRange(start: bigint, stop: bigint, step: bigint): bigint[] {
  if (step === 0n) throw new PyError('ValueError', 'range() arg 3 must not be zero');
  const out: bigint[] = [];
  for (let v = start; step > 0n ? v < stop : v > stop; v += step) out.push(v);
  return out;
}

/** The values a range sweep enumerates (RangeSweep.range() in Hydra). */
export function rangeValues(sweep: RangeSweep): (bigint | number)[] {
  const { start, stop, step } = sweep;
  if (typeof start === 'bigint' && typeof stop === 'bigint' && typeof step === 'bigint') {
    return intRange(start, stop, step);
  }
  return floatRange(start, stop, step);
}
