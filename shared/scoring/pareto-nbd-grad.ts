// Pareto/NBD summed log-likelihood with its analytic gradient w.r.t. (r, α, s, β).
//
// Per customer:  ℓ = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + LSE(A, B),
//   A = −(r+x) ln(α+T) − s ln(β+T)                     (alive at T)
//   B = ln s − ln(r+s+x) + ln(G(t_x) − G(T))            (died in (t_x, T])
// where s/(r+s+x)·(G(t_x) − G(T)) = s∫_{t_x}^T (α+u)^−(r+x) (β+u)^−(s+1) du and, expanding around
// the larger rate m = max(α, β) exactly as pareto-nbd.ts does,
//   α ≥ β:  ln G(t) = −(r+s+x) ln(α+t) + ln 2F1(r+s+x, s+1; r+s+x+1; (α−β)/(α+t))
//   α < β:  ln G(t) = −(s+1) ln(β+t) − (r+x−1) ln(α+t) + ln 2F1(1, s+1; r+s+x+1; (β−α)/(β+t))
// (the second after Euler's transformation). The 2F1 parameter derivatives come from the series
// differentiated term by term (logHyp2f1Derivs), so ∇ℓ is exact up to round-off.
import { lgamma, digamma, logSubExp } from './special.js';
import { logHyp2f1Derivs } from './hyp2f1.js';
import { PairCache, type Columns } from './columns.js';
import type { ParetoNbdParams } from './pareto-nbd.js';

/** Record layout per (x, t): ln G and its derivatives w.r.t. r, α, s, β. */
const REC = 5;

/** Fills rec[at..at+4] with ln G(t) and ∂ln G/∂(r, α, s, β); false when the series is too slow. */
function logGDerivs(p: ParetoNbdParams, x: number, t: number, f: Float64Array, rec: Float64Array, at: number): boolean {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const ua = alpha + t, ub = beta + t;
  const la = Math.log(ua);
  if (alpha >= beta) {
    if (!logHyp2f1Derivs(rsx, s + 1, rsx + 1, (alpha - beta) / ua, f)) return false;
    rec[at] = -rsx * la + f[0]!;
    rec[at + 1] = -la + f[1]! + f[3]!;
    rec[at + 2] = -rsx / ua + (f[4]! * ub) / (ua * ua);
    rec[at + 3] = -la + f[1]! + f[2]! + f[3]!;
    rec[at + 4] = -f[4]! / ua;
  } else {
    if (!logHyp2f1Derivs(1, s + 1, rsx + 1, (beta - alpha) / ub, f)) return false;
    const lb = Math.log(ub);
    rec[at] = -(s + 1) * lb - (r + x - 1) * la + f[0]!;
    rec[at + 1] = -la + f[3]!;
    rec[at + 2] = -(r + x - 1) / ua - f[4]! / ub;
    rec[at + 3] = -lb + f[2]! + f[3]!;
    rec[at + 4] = -(s + 1) / ub + (f[4]! * ua) / (ub * ub);
  }
  return true;
}

/** Distinct (x, t) keys of a data set and, per row, the keys of (x, t_x) and (x, T). Parameter-free. */
export interface ParetoKeyIndex {
  kx: Float64Array;
  kt: Float64Array;
  rowTx: Int32Array;
  rowT: Int32Array;
  maxX: number;
}

export function paretoKeyIndex(cols: Columns): ParetoKeyIndex {
  const index = new PairCache();
  const kx: number[] = [], kt: number[] = [];
  const key = (x: number, t: number): number => {
    let k = index.get(x, t);
    if (k === undefined) {
      k = kx.length;
      kx.push(x);
      kt.push(t);
      index.set(x, t, k);
    }
    return k;
  };
  const rowTx = new Int32Array(cols.n), rowT = new Int32Array(cols.n);
  let maxX = 0;
  for (let i = 0; i < cols.n; i++) {
    const x = cols.x[i]!;
    rowTx[i] = key(x, cols.tx[i]!);
    rowT[i] = key(x, cols.T[i]!);
    if (x > maxX) maxX = x;
  }
  return { kx: Float64Array.from(kx), kt: Float64Array.from(kt), rowTx, rowT, maxX };
}

/**
 * Weighted total log-likelihood and its gradient w.r.t. (r, α, s, β) (natural parameters).
 * Returns NaN when a 2F1 series would need too many terms (|α−β| close to max(α,β)+t); callers
 * then fall back to numerical differentiation of paretoLogLikelihood. Pass the key index of
 * `cols` when evaluating repeatedly (it does not depend on the parameters).
 */
export function paretoLogLikelihoodGrad(p: ParetoNbdParams, cols: Columns, grad: Float64Array, keys = paretoKeyIndex(cols)): number {
  const { r, alpha, s, beta } = p;
  const f = new Float64Array(5);
  const nk = keys.kx.length;
  const rec = new Float64Array(REC * nk);
  for (let k = 0; k < nk; k++) if (!logGDerivs(p, keys.kx[k]!, keys.kt[k]!, f, rec, REC * k)) return Number.NaN;
  const lgr = lgamma(r), psiR = digamma(r);
  const logAl = Math.log(alpha), logBe = Math.log(beta), logS = Math.log(s);
  const lgByX = new Float64Array(keys.maxX + 1).fill(Number.NaN);
  const psiByX = new Float64Array(keys.maxX + 1);
  const { rowTx, rowT } = keys;
  let ll = 0, gr = 0, ga = 0, gs = 0, gb = 0;
  for (let i = 0; i < cols.n; i++) {
    const x = cols.x[i]!, T = cols.T[i]!, w = cols.w[i]!;
    const rx = r + x, rsx = rx + s;
    const uaT = alpha + T, ubT = beta + T;
    const laT = Math.log(uaT), lbT = Math.log(ubT);
    const A = -rx * laT - s * lbT;
    const i1 = REC * rowTx[i]!, i2 = REC * rowT[i]!;
    const lg1 = rec[i1]!, lg2 = rec[i2]!;
    const lA0 = logSubExp(lg1, lg2);
    const B = logS - Math.log(rsx) + lA0;
    let lse: number, wB: number;
    if (B === -Infinity) {
      lse = A;
      wB = 0;
    } else {
      const mx = Math.max(A, B);
      const eA = Math.exp(A - mx), eB = Math.exp(B - mx);
      lse = mx + Math.log(eA + eB);
      wB = eB / (eA + eB);
    }
    const wA = 1 - wB;
    let lg = lgByX[x]!;
    if (Number.isNaN(lg)) {
      lg = lgByX[x] = lgamma(rx);
      psiByX[x] = digamma(rx);
    }
    ll += w * (lg - lgr + r * logAl + s * logBe + lse);
    let dr = psiByX[x]! - psiR + logAl - wA * laT;
    let da = r / alpha - (wA * rx) / uaT;
    let ds = logBe - wA * lbT;
    let db = s / beta - (wA * s) / ubT;
    if (wB > 0) {
      // ∂ln(G1 − G2) = e1·∂ln G1 − e2·∂ln G2 with e_k = G_k/(G1 − G2).
      const e1 = Math.exp(lg1 - lA0), e2 = Math.exp(lg2 - lA0);
      dr += wB * (e1 * rec[i1 + 1]! - e2 * rec[i2 + 1]! - 1 / rsx);
      da += wB * (e1 * rec[i1 + 2]! - e2 * rec[i2 + 2]!);
      ds += wB * (e1 * rec[i1 + 3]! - e2 * rec[i2 + 3]! + 1 / s - 1 / rsx);
      db += wB * (e1 * rec[i1 + 4]! - e2 * rec[i2 + 4]!);
    }
    gr += w * dr;
    ga += w * da;
    gs += w * ds;
    gb += w * db;
  }
  grad[0] = gr;
  grad[1] = ga;
  grad[2] = gs;
  grad[3] = gb;
  return ll;
}
