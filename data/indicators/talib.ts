/**
 * Indicator kernels following TA-Lib's definitions (default settings: unstable period 0, classic
 * SMA-seeded EMAs). Each takes whole series, oldest first, and returns a series of the same length with
 * NaN for the leading lookback rows TA-Lib does not output. Every value at index t uses inputs [0..t] only.
 *
 * Hand-written rather than taken from trading-signals/technicalindicators: those libraries differ from TA-Lib
 * in seeding (EMA/DEMA, MACD's late-seeded fast EMA, ADOSC's first-value seed) and in ADX's start-up sums.
 */
type Series = ArrayLike<number>;

const nanArray = (n: number): Float64Array => new Float64Array(n).fill(NaN);

/** SMA(n): mean of the last n values. Lookback n-1. */
export function sma(x: Series, n: number): Float64Array {
  const out = nanArray(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    if (i >= n) sum -= x[i - n];
    if (i >= n - 1) out[i] = sum / n;
  }
  return out;
}

/**
 * EMA(n), k = 2/(n+1), seeded at `seedAt` with the SMA of the n values ending there (TA-Lib's INT_EMA);
 * afterwards ema = ema + k*(x - ema). Default seedAt = first index with n values (lookback n-1).
 * NaN inputs before `seedAt - n + 1` are ignored, so an EMA of a series with its own lookback works.
 */
export function ema(x: Series, n: number, seedAt = firstFinite(x) + n - 1): Float64Array {
  const out = nanArray(x.length);
  if (seedAt >= x.length) return out;
  const k = 2 / (n + 1);
  let prev = 0;
  for (let i = seedAt - n + 1; i <= seedAt; i++) prev += x[i];
  prev /= n;
  out[seedAt] = prev;
  for (let i = seedAt + 1; i < x.length; i++) out[i] = prev = (x[i] - prev) * k + prev;
  return out;
}

/** DEMA(n) = 2*EMA(x) - EMA(EMA(x)), each EMA SMA-seeded. Lookback 2(n-1). */
export function dema(x: Series, n: number): Float64Array {
  const e1 = ema(x, n);
  const e2 = ema(e1, n);
  return e1.map((v, i) => 2 * v - e2[i]);
}

/**
 * RSI(n), Wilder: the first average gain/loss is the plain mean of the first n changes, then
 * avg = (avg*(n-1) + current)/n. RSI = 100*avgGain/(avgGain+avgLoss), 0 when both are 0. Lookback n.
 */
export function rsi(x: Series, n: number): Float64Array {
  const out = nanArray(x.length);
  const start = firstFinite(x);
  if (x.length - start <= n) return out;
  let gain = 0;
  let loss = 0;
  for (let i = start + 1; i <= start + n; i++) {
    const d = x[i] - x[i - 1];
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= n;
  loss /= n;
  out[start + n] = ratio100(gain, loss);
  for (let i = start + n + 1; i < x.length; i++) {
    const d = x[i] - x[i - 1];
    gain = (gain * (n - 1) + (d > 0 ? d : 0)) / n;
    loss = (loss * (n - 1) + (d < 0 ? -d : 0)) / n;
    out[i] = ratio100(gain, loss);
  }
  return out;
}

/**
 * STOCHRSI(n, fastK, fastD) with SMA %D: r = RSI(n); %K = 100*(r - min(r, fastK))/(max - min) (0 when
 * max = min, as TA-Lib's STOCHF); returns %D = SMA(%K, fastD). Lookback n + fastK-1 + fastD-1.
 */
export function stochRsi(x: Series, n: number, fastK: number, fastD: number): Float64Array {
  const r = rsi(x, n);
  const k = nanArray(x.length);
  for (let i = firstFinite(r) + fastK - 1; i < x.length; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i - fastK + 1; j <= i; j++) {
      lo = Math.min(lo, r[j]);
      hi = Math.max(hi, r[j]);
    }
    k[i] = hi - lo !== 0 ? (100 * (r[i] - lo)) / (hi - lo) : 0;
  }
  return smaFrom(k, fastD);
}

/**
 * MACD line (fast, slow, signal) as TA-Lib's MACD outputs it: both EMAs are seeded at index slow-1 (the
 * fast one with the SMA of its last `fast` values there, not at fast-1), and output starts after the
 * signal lookback, at index (slow-1)+(signal-1).
 */
export function macdLine(x: Series, fast: number, slow: number, signal: number): Float64Array {
  const seedAt = slow - 1;
  const f = ema(x, fast, seedAt);
  const s = ema(x, slow, seedAt);
  const out = nanArray(x.length);
  for (let i = seedAt + signal - 1; i < x.length; i++) out[i] = f[i] - s[i];
  return out;
}

/** OBV: starts at volume[0]; adds volume on an up close, subtracts on a down close, else unchanged. */
export function obv(close: Series, volume: Series): Float64Array {
  const out = new Float64Array(close.length);
  let acc = volume[0];
  out[0] = acc;
  for (let i = 1; i < close.length; i++) {
    if (close[i] > close[i - 1]) acc += volume[i];
    else if (close[i] < close[i - 1]) acc -= volume[i];
    out[i] = acc;
  }
  return out;
}

/**
 * ADOSC(fast, slow) = EMA_fast(AD) - EMA_slow(AD), AD the Chaikin accumulation/distribution line
 * (AD += ((c-l)-(h-c))/(h-l)*v, unchanged when h = l). TA-Lib seeds both EMAs with AD[0] (not an SMA)
 * and outputs from index slow-1.
 */
export function adosc(high: Series, low: Series, close: Series, volume: Series, fast: number, slow: number): Float64Array {
  const out = nanArray(close.length);
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  let ad = 0;
  let ef = 0;
  let es = 0;
  for (let i = 0; i < close.length; i++) {
    const range = high[i] - low[i];
    if (range > 0) ad += ((close[i] - low[i] - (high[i] - close[i])) / range) * volume[i];
    if (i === 0) ef = es = ad;
    else {
      ef = kf * ad + (1 - kf) * ef;
      es = ks * ad + (1 - ks) * es;
    }
    if (i >= Math.max(fast, slow) - 1) out[i] = ef - es;
  }
  return out;
}

/** True range from index 1: max(h-l, |h-prevClose|, |l-prevClose|). */
export function trueRange(high: Series, low: Series, close: Series): Float64Array {
  const out = nanArray(close.length);
  for (let i = 1; i < close.length; i++) {
    out[i] = Math.max(high[i] - low[i], Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1]));
  }
  return out;
}

/** ATR(n), Wilder: first value at index n is the mean of TR[1..n], then atr = (atr*(n-1) + tr)/n. */
export function atr(high: Series, low: Series, close: Series, n: number): Float64Array {
  const tr = trueRange(high, low, close);
  const out = nanArray(close.length);
  if (close.length <= n) return out;
  let prev = 0;
  for (let i = 1; i <= n; i++) prev += tr[i];
  prev /= n;
  out[n] = prev;
  for (let i = n + 1; i < close.length; i++) out[i] = prev = (prev * (n - 1) + tr[i]) / n;
  return out;
}

/**
 * ADX(n) as TA-Lib: +DM = up move if it is positive and larger than the down move (and vice versa for
 * -DM). Wilder sums of +DM, -DM and TR start as plain sums over days 1..n-1 and are updated with
 * s = s - s/n + today from day n on; DI = 100*DM/TR, DX = 100*|+DI - -DI|/(+DI + -DI). The first ADX
 * (index 2n-1) is the mean of DX over days n..2n-1, then adx = (adx*(n-1) + dx)/n. When TR or the DI sum
 * is 0, DX is skipped and ADX carries over.
 */
export function adx(high: Series, low: Series, close: Series, n: number): Float64Array {
  const out = nanArray(close.length);
  if (close.length < 2 * n) return out;
  let pdm = 0;
  let mdm = 0;
  let tr = 0;
  const step = (i: number, init: boolean): void => {
    const up = high[i] - high[i - 1];
    const down = low[i - 1] - low[i];
    const p = up > 0 && up > down ? up : 0;
    const m = down > 0 && down > up ? down : 0;
    const t = Math.max(high[i] - low[i], Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1]));
    if (init) {
      pdm += p;
      mdm += m;
      tr += t;
    } else {
      pdm += p - pdm / n;
      mdm += m - mdm / n;
      tr += t - tr / n;
    }
  };
  const dx = (): number | null => {
    if (tr === 0) return null;
    const pdi = (100 * pdm) / tr;
    const mdi = (100 * mdm) / tr;
    return pdi + mdi === 0 ? null : (100 * Math.abs(pdi - mdi)) / (pdi + mdi);
  };
  for (let i = 1; i < n; i++) step(i, true);
  let sumDx = 0;
  for (let i = n; i < 2 * n; i++) {
    step(i, false);
    sumDx += dx() ?? 0;
  }
  let prev = sumDx / n;
  out[2 * n - 1] = prev;
  for (let i = 2 * n; i < close.length; i++) {
    step(i, false);
    const d = dx();
    if (d !== null) prev = (prev * (n - 1) + d) / n;
    out[i] = prev;
  }
  return out;
}

/**
 * Bollinger %B(n, k): (close - lower)/(upper - lower) with middle = SMA(n) and bands ±k population standard
 * deviations (TA-Lib's STDDEV); 0.5 when the bands coincide. Lookback n-1.
 */
export function bollingerPercentB(close: Series, n: number, k: number): Float64Array {
  const out = nanArray(close.length);
  for (let i = n - 1; i < close.length; i++) {
    let sum = 0;
    let sq = 0;
    for (let j = i - n + 1; j <= i; j++) {
      sum += close[j];
      sq += close[j] * close[j];
    }
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(sq / n - mean * mean, 0));
    out[i] = sd > 0 ? (close[i] - (mean - k * sd)) / (2 * k * sd) : 0.5;
  }
  return out;
}

/** Rolling VWAP(n): sum(typical*volume)/sum(volume) over the last n days, typical = (h+l+c)/3 (plain mean when volume sums to 0). */
export function rollingVwap(high: Series, low: Series, close: Series, volume: Series, n: number): Float64Array {
  const out = nanArray(close.length);
  for (let i = n - 1; i < close.length; i++) {
    let pv = 0;
    let v = 0;
    let p = 0;
    for (let j = i - n + 1; j <= i; j++) {
      const typical = (high[j] + low[j] + close[j]) / 3;
      pv += typical * volume[j];
      v += volume[j];
      p += typical;
    }
    out[i] = v > 0 ? pv / v : p / n;
  }
  return out;
}

function ratio100(gain: number, loss: number): number {
  return gain + loss !== 0 ? (100 * gain) / (gain + loss) : 0;
}

function firstFinite(x: Series): number {
  let i = 0;
  while (i < x.length && !Number.isFinite(x[i])) i++;
  return i;
}

/** SMA over a series that starts with NaN lookback rows. */
function smaFrom(x: Series, n: number): Float64Array {
  const start = firstFinite(x);
  const out = nanArray(x.length);
  const tail = sma(Array.prototype.slice.call(x, start) as number[], n);
  out.set(tail, start);
  return out;
}
