// The standard normal's CDF, its log and its inverse, in double precision, and the truncated normal a Parzen
// estimator's kernels are: what TPE needs of scipy.stats, written out (no maintained JS library covers the
// log-space tails). erfc: the power series of erf below x = 3 (all terms positive, so no cancellation) and
// Laplace's continued fraction above it; the inverse: Acklam's rational approximation refined by one Halley step.

const SQRT2 = Math.SQRT2;
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf(x) for 0 ≤ x < 3: 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** log(erfc(x)) for x ≥ 3: -x² - log √π - log K(x), K the continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + …))). */
function logErfcFraction(x: number): number {
  // modified Lentz on erfc(x)·√π·e^(x²) = 1/(x + a1/(x + a2/(x + …))), a_n = n/2
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - LOG_SQRT_PI - Math.log(f);
}

/** log Φ(z), the standard normal's log CDF, accurate in the far left tail (z = -1e3 gives ≈ -500007). */
export function logNdtr(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 0;
  const x = -z / SQRT2; // Φ(z) = erfc(x) / 2
  if (x >= 3) return logErfcFraction(x) - Math.LN2;
  if (x >= 0) return Math.log1p(-erfSeries(x)) - Math.LN2;
  if (x > -3) return Math.log1p(erfSeries(-x)) - Math.LN2; // Φ(z) = (1 + erf(-x)) / 2
  return Math.log1p(-0.5 * Math.exp(logErfcFraction(-x)));
}

/** Φ(z), the standard normal CDF. */
export function ndtr(z: number): number {
  return Math.exp(logNdtr(z));
}

/** Φ⁻¹(p) for p in (0, 1): -Infinity at 0, Infinity at 1. */
export function ndtri(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // one Halley step on Φ(x) - p brings Acklam's 1e-9 to full precision
  const e = ndtr(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Φ⁻¹(exp(lp)): the inverse from a log probability, so p below 1e-308 still inverts (Newton on log Φ there). */
export function ndtriExp(lp: number): number {
  if (lp > -700) return ndtri(Math.exp(lp));
  let z = -Math.sqrt(-2 * lp);
  for (let i = 0; i < 50; i++) {
    const step = (logNdtr(z) - lp) / Math.exp(logPhi(z) - logNdtr(z)); // d log Φ / dz = φ / Φ
    z -= step;
    if (Math.abs(step) < 1e-14 * Math.abs(z)) break;
  }
  return z;
}

/** log(Φ(b) - Φ(a)) for a ≤ b: the mass of [a, b] under the standard normal, stable in either tail. */
export function logGaussMass(a: number, b: number): number {
  if (a >= b) return -Infinity;
  if (a > 0) return logGaussMass(-b, -a); // work in the left tail, where Φ keeps its precision
  const lb = logNdtr(b);
  return lb + Math.log1p(-Math.exp(logNdtr(a) - lb));
}

/** log of the standard normal density at z. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/**
 * A draw from N(mu, sigma²) truncated to [low, high], by inverting the CDF at u in [0, 1). The standardised
 * interval is mirrored into the left tail first, so a kernel whose mass sits far out still draws accurately.
 */
export function truncNormPpf(u: number, mu: number, sigma: number, low: number, high: number): number {
  let a = (low - mu) / sigma;
  let b = (high - mu) / sigma;
  const flip = a + b > 0;
  if (flip) [a, b] = [-b, -a];
  // log(Φ(a)·(1 - u) + Φ(b)·u), in logs so that an interval far out in the tail still inverts
  const [la, lb] = [logNdtr(a) + Math.log1p(-u), logNdtr(b) + Math.log(u)];
  const hi = Math.max(la, lb);
  const lp = hi === -Infinity ? -Infinity : hi + Math.log1p(Math.exp(Math.min(la, lb) - hi));
  let z = ndtriExp(lp);
  if (!Number.isFinite(z)) z = a;
  z = Math.min(Math.max(z, a), b);
  const x = mu + (flip ? -z : z) * sigma;
  return Math.min(Math.max(x, low), high);
}

/** log density at x of N(mu, sigma²) truncated to [low, high]. */
export function truncNormLogPdf(x: number, mu: number, sigma: number, low: number, high: number): number {
  return logPhi((x - mu) / sigma) - Math.log(sigma) - logGaussMass((low - mu) / sigma, (high - mu) / sigma);
}
