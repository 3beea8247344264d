// BG/NBD and MBG/NBD summed log-likelihood with analytic gradient and Hessian w.r.t. (r, α, a, b).
//
// Per customer (lifetimes' formulation):  ℓ = c(x) + LSE(A3, A4) for x > 0, ℓ = c(0) + A3 for x = 0,
//   c(x) = lnΓ(r+x) − lnΓ(r) + r·ln α + lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
//   A3 = −(r+x)·ln(α+T),   A4 = ln a − ln(b+x−1) − (r+x)·ln(α+t_x).
// MBG/NBD (Batislam, Denizel & Filiztekin 2007) also lets a customer drop out at the first
// purchase, so the Beta part counts x+1 survived purchases: the same formulas with b+x → b+x+1 in
// c(x) and A4, and the A4 term present for x = 0 too ("shift" = 1 below).
// c(x) depends on the row only through x, so its contribution (and its digamma/trigamma
// derivatives) is accumulated once per distinct x from per-x weight totals. The row loop does two
// logs, one exp and one log1p per repeat buyer (one log for x = 0) and only rational operations for
// the derivatives: with w3, w4 the softmax weights of A3, A4 and d = ∇A3 − ∇A4,
//   ∇ LSE = w3∇A3 + w4∇A4,   ∇² LSE = w3∇²A3 + w4∇²A4 + w3·w4·d dᵀ.
import { lgamma, digamma, trigamma } from './special.js';
import { maxX, type Columns } from './columns.js';
import type { BgNbdParams } from './bgnbd.js';

/** Index of (i, j) in a row-major 4×4 matrix. */
const H = (i: number, j: number): number => i * 4 + j;

/**
 * Weighted total log-likelihood; fills grad (length 4) and hess (row-major 4×4, symmetric) when
 * given. Derivatives are with respect to the natural parameters (r, α, a, b).
 */
export function bgnbdLogLikelihoodDerivs(p: BgNbdParams, cols: Columns, grad: Float64Array | null, hess: Float64Array | null, shift: 0 | 1 = 0): number {
  const { r, alpha, a, b } = p;
  const K = maxX(cols) + 1;
  const cA4 = new Float64Array(K);
  const ib = new Float64Array(K);
  const wByX = new Float64Array(K);
  const logA = Math.log(a);
  for (let k = 1 - shift; k < K; k++) {
    ib[k] = 1 / (b + k - 1 + shift);
    cA4[k] = logA - Math.log(b + k - 1 + shift);
  }
  const { x, tx, T, w } = cols;
  const n = cols.n;
  const wantG = grad !== null;
  const wantH = hess !== null;
  const ia = 1 / a;
  let ll = 0;
  let gr = 0, gal = 0, ga = 0, gb = 0;
  let hrr = 0, hra = 0, hrA = 0, hrB = 0, haa = 0, haA = 0, haB = 0, hAA = 0, hAB = 0, hBB = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const k = xi | 0;
    const wi = w[i]!;
    wByX[k]! += wi;
    const rx = r + xi;
    const uT = alpha + T[i]!;
    const lT = Math.log(uT);
    if (k === 0 && shift === 0) {
      ll -= wi * rx * lT;
      if (wantG) {
        const iT = 1 / uT;
        gr -= wi * lT;
        gal -= wi * rx * iT;
        if (wantH) {
          hra -= wi * iT;
          haa += wi * rx * iT * iT;
        }
      }
      continue;
    }
    const ut = alpha + tx[i]!;
    const lt = Math.log(ut);
    const a3 = -rx * lT;
    const a4 = cA4[k]! - rx * lt;
    let m: number, e: number;
    if (a3 >= a4) { m = a3; e = Math.exp(a4 - a3); } else { m = a4; e = Math.exp(a3 - a4); }
    ll += wi * (m + Math.log1p(e));
    if (!wantG) continue;
    const wBig = 1 / (1 + e);
    const w3 = a3 >= a4 ? wBig : e * wBig;
    const w4 = 1 - w3;
    const iT = 1 / uT;
    const it = 1 / ut;
    const ibk = ib[k]!;
    gr -= wi * (w3 * lT + w4 * lt);
    gal -= wi * rx * (w3 * iT + w4 * it);
    ga += wi * w4 * ia;
    gb -= wi * w4 * ibk;
    if (!wantH) continue;
    const c = wi * w3 * w4;
    const dr = lt - lT;
    const da = rx * (it - iT);
    hrr += c * dr * dr;
    hra += c * dr * da - wi * (w3 * iT + w4 * it);
    hrA -= c * dr * ia;
    hrB += c * dr * ibk;
    haa += c * da * da + wi * rx * (w3 * iT * iT + w4 * it * it);
    haA -= c * da * ia;
    haB += c * da * ibk;
    hAA += (c - wi * w4) * ia * ia;
    hAB -= c * ia * ibk;
    hBB += (c + wi * w4) * ibk * ibk;
  }
  // Terms that depend on x only: c(x) and its derivatives, weighted by the total weight per x.
  const lgR = lgamma(r), lgAB = lgamma(a + b), lgB = lgamma(b), logAl = Math.log(alpha);
  const psiR = wantG ? digamma(r) : 0, psiAB = wantG ? digamma(a + b) : 0, psiB = wantG ? digamma(b) : 0;
  const tR = wantH ? trigamma(r) : 0, tAB = wantH ? trigamma(a + b) : 0, tB = wantH ? trigamma(b) : 0;
  let W = 0;
  for (let k = 0; k < K; k++) {
    const wk = wByX[k]!;
    if (wk === 0) continue;
    W += wk;
    const kb = k + shift;
    ll += wk * (lgamma(r + k) - lgR + r * logAl + lgAB + lgamma(b + kb) - lgB - lgamma(a + b + kb));
    if (!wantG) continue;
    const psiABk = digamma(a + b + kb);
    gr += wk * (digamma(r + k) - psiR);
    ga += wk * (psiAB - psiABk);
    gb += wk * (psiAB + digamma(b + kb) - psiB - psiABk);
    if (!wantH) continue;
    const tABk = trigamma(a + b + kb);
    hrr += wk * (trigamma(r + k) - tR);
    hAA += wk * (tAB - tABk);
    hAB += wk * (tAB - tABk);
    hBB += wk * (tAB + trigamma(b + kb) - tB - tABk);
  }
  if (grad) {
    grad[0] = gr + W * logAl;
    grad[1] = gal + (W * r) / alpha;
    grad[2] = ga;
    grad[3] = gb;
  }
  if (hess) {
    const v = [
      [hrr, hra + W / alpha, hrA, hrB],
      [0, haa - (W * r) / (alpha * alpha), haA, haB],
      [0, 0, hAA, hAB],
      [0, 0, 0, hBB],
    ];
    for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) hess[H(i, j)] = hess[H(j, i)] = v[i]![j]!;
  }
  return ll;
}
