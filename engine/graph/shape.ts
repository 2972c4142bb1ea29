/** Static-shape helpers: numpy broadcasting and axis normalisation. */
export type Shape = readonly number[];

export const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`cannot broadcast shapes [${a}] and [${b}]`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

export const normAxis = (axis: number, rank: number): number => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
};

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Resolves a Reshape target (one -1 and 0 = copy allowed) against the input's shape. */
export function resolveReshape(from: Shape, to: Shape): number[] {
  const out = to.map((d, i) => (d === 0 ? from[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = numel(from);
  const i = out.indexOf(-1);
  if (i >= 0) out[i] = total / known;
  if (numel(out) !== total || !Number.isInteger(out[i] ?? 0)) throw new Error(`cannot reshape [${from}] to [${to}]`);
  return out;
}
