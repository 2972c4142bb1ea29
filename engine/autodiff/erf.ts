/**
 * erf for the forward pass. ORT has Erf for float32 only, so float64 graphs (used by the gradient
 * checks) evaluate erf(x) = 2/√π · x · e^(−x²) · Σ 2ⁿ x²ⁿ / (2n+1)!! — all terms positive, so no
 * cancellation — on x clipped to ±6 (erfc(6) ≈ 2e-17), to double precision.
 */
import type { Graph, Tensor } from '../graph/builder.js';

const TERMS = 110;

export function erfRaw(g: Graph, x: Tensor): Tensor {
  if (x.dtype === 'float32') return g.op('Erf', [x], {}, x.dtype, x.shape);
  const c = (v: number) => g.scalar(v, x.dtype, 'erf_c');
  const op = (name: string, a: Tensor, b: Tensor) => g.op(name, [a, b], {}, x.dtype, x.shape);
  const xc = op('Min', op('Max', x, c(-6)), c(6));
  const z = op('Mul', xc, xc);
  // Horner in u = z/36 ∈ [0, 1] with coefficients cₙ·36ⁿ, which stay in [1, 1e16]: ORT lost precision on
  // the ~1e-170 coefficients of the plain series.
  const u = op('Mul', z, c(1 / 36));
  const coeffs: number[] = [1];
  for (let n = 1; n < TERMS; n++) coeffs.push((coeffs[n - 1] * 2 * 36) / (2 * n + 1));
  let s = c(coeffs[TERMS - 1]);
  for (let n = TERMS - 2; n >= 0; n--) s = op('Add', op('Mul', s, u), c(coeffs[n]));
  const e = g.op('Exp', [g.op('Neg', [z], {}, x.dtype, x.shape)], {}, x.dtype, x.shape);
  return op('Mul', op('Mul', op('Mul', xc, e), s), c(2 / Math.sqrt(Math.PI)));
}
