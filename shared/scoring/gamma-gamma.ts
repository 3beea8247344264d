// Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").
// Transaction values z ~ Gamma(p, ν), ν ~ Gamma(q, v); the likelihood is that of the observed
// mean zbar of x repeat transactions (customers with x > 0 only).
import { lgamma, digamma } from './special.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** Columns of spenders only: x > 0 and zbar > 0. */
export interface SpendColumns {
  n: number;
  x: Float64Array;
  zbar: Float64Array;
  w: Float64Array;
}

export function spendColumns(x: ArrayLike<number>, zbar: ArrayLike<number>): SpendColumns {
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i]! > 0 && zbar[i]! > 0) keep.push(i);
  const n = keep.length;
  const out: SpendColumns = { n, x: new Float64Array(n), zbar: new Float64Array(n), w: new Float64Array(n).fill(1) };
  keep.forEach((idx, j) => {
    out.x[j] = x[idx]!;
    out.zbar[j] = zbar[idx]!;
  });
  return out;
}

/** Density of zbar given x (lifetimes' formulation, which includes the x^(px) Jacobian term). */
export function gammaGammaLogLikelihoodOne(g: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, v } = g;
  const px = p * x;
  return (
    lgamma(px + q) - lgamma(px) - lgamma(q) + q * Math.log(v) + (px - 1) * Math.log(zbar) +
    px * Math.log(x) - (px + q) * Math.log(x * zbar + v)
  );
}

/** Weighted total log-likelihood and gradient w.r.t. (p, q, v). */
export function gammaGammaLogLikelihoodGrad(g: GammaGammaParams, c: SpendColumns, grad: Float64Array | null): number {
  const { p, q, v } = g;
  const lgq = lgamma(q);
  const psiQ = digamma(q);
  const logV = Math.log(v);
  let ll = 0, dp = 0, dq = 0, dv = 0;
  for (let i = 0; i < c.n; i++) {
    const x = c.x[i]!;
    const m = c.zbar[i]!;
    const wi = c.w[i]!;
    const px = p * x;
    const lm = Math.log(m);
    const lx = Math.log(x);
    const lxm = Math.log(x * m + v);
    ll += wi * (lgamma(px + q) - lgamma(px) - lgq + q * logV + (px - 1) * lm + px * lx - (px + q) * lxm);
    if (grad) {
      const psiPxq = digamma(px + q);
      dp += wi * x * (psiPxq - digamma(px) + lm + lx - lxm);
      dq += wi * (psiPxq - psiQ + logV - lxm);
      dv += wi * (q / v - (px + q) / (x * m + v));
    }
  }
  if (grad) {
    grad[0] = dp;
    grad[1] = dq;
    grad[2] = dv;
  }
  return ll;
}

/** E[Z | x, zbar] = p(v + x·zbar)/(px + q − 1); population mean pv/(q−1) when x = 0. */
export function gammaGammaConditionalExpectedValue(g: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, v } = g;
  if (x <= 0) return (p * v) / (q - 1);
  return (p * (v + x * zbar)) / (p * x + q - 1);
}
