// Robust Pareto/NBD building blocks: the "died in (t_x, T]" integral behind P(alive) and the
// probability of a purchase in the next t, each by a 2F1 form whose series has positive terms
// with ratio below z, or by quadrature where that series would be slow (z near 1). Both forms are
// written relative to their largest term, so the homogeneous-dropout limit (s, β → ∞ with s/β
// fixed) stays exact instead of cancelling huge logarithms.
import { integratePowerProduct, type PowerProduct } from './quadrature.js';
import type { ParetoNbdParams } from './pareto-nbd.js';

/** The series is used up to this z (≤ ~370 terms); beyond it quadrature is cheaper and exact. */
const SERIES_MAX_Z = 0.9;

/** 2F1(1, b; c; z) for 0 ≤ z ≤ SERIES_MAX_Z and c > b > 0: every term ratio is below z. */
export function hyp2f1One(b: number, c: number, z: number): number {
  let term = 1, sum = 1;
  for (let n = 0; n < 2000; n++) {
    term *= (z * (b + n)) / (c + n);
    sum += term;
    // Later ratios stay below z, so the tail is below term·z/(1−z).
    if (term * z <= 1e-17 * sum * (1 - z)) return sum;
  }
  return Number.NaN;
}

/**
 * K(t) = ln[(c1+t)^p1 (c2+t)^p2 ∫_t^∞ (c1+u)^−p1 (c2+u)^−p2 du] (p1 + p2 > 1): the log of the tail
 * integral in units of its integrand at t — a moderate number for any parameters. Closed form:
 * c1 < c2: ln(c1+t) + ln 2F1(1, p2; p1+p2; (c2−c1)/(c2+t)) − ln(p1+p2−1), symmetric otherwise.
 * NaN when z > SERIES_MAX_Z (see logTailLengthRobust).
 */
export function logTailLength(p1: number, c1: number, p2: number, c2: number, t: number): number {
  const [pLow, cLow, pHigh, cHigh] = c1 < c2 ? [p1, c1, p2, c2] : [p2, c2, p1, c1];
  const z = (cHigh - cLow) / (cHigh + t);
  if (z > SERIES_MAX_Z) return Number.NaN;
  return Math.log(cLow + t) + Math.log(hyp2f1One(pHigh, p1 + p2, z)) - Math.log(p1 + p2 - 1);
}

/** log f(b)/f(a) for f = Π (c_k+u)^−p_k. */
function logRatio(f: PowerProduct, a: number, b: number): number {
  let s = 0;
  for (let k = 0; k < f.p.length; k++) s -= f.p[k]! * Math.log1p((b - a) / (f.c[k]! + a));
  return s;
}

/** K(t) for any z: quadrature up to where the series is fast, then the series for the tail. */
export function logTailLengthRobust(p1: number, c1: number, p2: number, c2: number, t: number): number {
  const direct = logTailLength(p1, c1, p2, c2, t);
  if (Number.isFinite(direct)) return direct;
  const cHigh = Math.max(c1, c2), cLow = Math.min(c1, c2);
  // z(U) = (cHigh − cLow)/(cHigh + U) = 1/2.
  const U = Math.max(t, 2 * (cHigh - cLow) - cHigh);
  const f: PowerProduct = { p: [p1, p2], c: [c1, c2] };
  const head = integratePowerProduct(f, t, U);
  const tail = Math.exp(logTailLength(p1, c1, p2, c2, U) + logRatio(f, t, U));
  return Math.log(head + tail);
}

/**
 * ∫_a^b f(u)/f(a) du for f = (c1+u)^−p1 (c2+u)^−p2 as a difference of tail integrals (fast), or by
 * quadrature when a series would be slow. `k` supplies K(t) (e.g. from a table).
 */
export function powerProductIntegral(f: PowerProduct, a: number, b: number, k?: (t: number) => number): number {
  if (!(b > a)) return 0;
  const K = k ?? ((t: number) => logTailLength(f.p[0]!, f.c[0]!, f.p[1]!, f.c[1]!, t));
  const ka = K(a), kb = K(b);
  if (Number.isFinite(ka) && Number.isFinite(kb)) {
    const v = Math.exp(ka) - Math.exp(kb + logRatio(f, a, b));
    if (v >= 0) return v;
  }
  return integratePowerProduct(f, a, b);
}

/** The dead-in-(t_x, T] integrand relative to its value at t_x: (α+u)^−(r+x) (β+u)^−(s+1). */
export function deadIntegrand(p: ParetoNbdParams, x: number): PowerProduct {
  return { p: [p.r + x, p.s + 1], c: [p.alpha, p.beta] };
}

/**
 * ln of the odds "died in (t_x, T]" : "alive at T", R = s ∫_{t_x}^T ((α+T)/(α+u))^(r+x)
 * ((β+T)/(β+u))^s du/(β+u), so P(alive) = 1/(1+R). −Infinity when t_x = T.
 */
export function paretoLogDeadOdds(p: ParetoNbdParams, x: number, tx: number, T: number, k?: (t: number) => number): number {
  const { r, alpha, s, beta } = p;
  const logAtTx = (r + x) * Math.log1p((T - tx) / (alpha + tx)) + s * Math.log1p((T - tx) / (beta + tx)) - Math.log(beta + tx);
  return Math.log(s) + logAtTx + Math.log(powerProductIntegral(deadIntegrand(p, x), tx, T, k));
}

/** The next-purchase integrand: (α+T+u)^−(r+x+1) (β+T+u)^−s over u ∈ [0, t]. */
export function purchaseIntegrand(p: ParetoNbdParams, x: number, T: number): PowerProduct {
  return { p: [p.r + x + 1, p.s], c: [p.alpha + T, p.beta + T] };
}

/**
 * P(at least one purchase in (T, T+t] | alive at T) = ∫_0^t E[λ e^−λu] E[e^−μu] du with the
 * posteriors λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T): (r+x)/(α+T) ∫_0^t f(u)/f(0) du.
 */
export function paretoPurchaseProbIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (!(t > 0)) return 0;
  const v = ((p.r + x) / (p.alpha + T)) * powerProductIntegral(purchaseIntegrand(p, x, T), 0, t);
  return Math.min(1, v);
}
