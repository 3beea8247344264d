// Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1, as needed by BG/NBD
// (conditional/unconditional expectations) and Pareto/NBD (likelihood, P(alive)).
import { lgamma, gammaSign } from './special.js';

const EPS = 1e-16;
const MAX_TERMS = 5_000_000;
/** Beyond this z the plain series needs many terms; the 1−z transformation converges fast. */
const TRANSFORM_ABOVE = 0.75;

export class Hyp2f1Error extends Error {}

/**
 * Plain Gauss series Σ (a)_n (b)_n / ((c)_n n!) z^n with a convergence check that bounds the
 * remaining tail (not just "term is small"), so slowly decaying series near z = 1 are summed fully.
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  // Neumaier compensation: near z = 1 millions of terms are added and plain summation drifts.
  let comp = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    const t = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    if (term === 0) return sum + comp;
    if (Math.abs(term) <= EPS * Math.abs(sum)) {
      // Tail bound: later term ratios are z·(a+m)/(c+m)·(b+m)/(m+1); each factor is monotone in m
      // once m is past any negative parameter and tends to 1, so ρ bounds every later ratio and
      // the remaining tail is at most |term|·ρ/(1−ρ).
      const m = n + 1;
      if (m + a > 0 && m + b > 0 && m + c > 0) {
        const rho = Math.abs(z) * Math.max(1, (a + m) / (c + m)) * Math.max(1, (b + m) / (m + 1));
        if (rho < 1 && Math.abs(term) * rho <= EPS * Math.abs(sum) * (1 - rho)) return sum + comp;
      }
    }
  }
  throw new Hyp2f1Error(`hyp2f1 series did not converge for a=${a}, b=${b}, c=${c}, z=${z}`);
}

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

/** Signed Γ ratio Γ(p1)Γ(p2)/(Γ(q1)Γ(q2)) evaluated in logs; 0 when a denominator hits a pole. */
function gammaRatio(p1: number, p2: number, q1: number, q2: number): number {
  if (isNonPositiveInteger(q1) || isNonPositiveInteger(q2)) return 0;
  const sign = gammaSign(p1) * gammaSign(p2) * gammaSign(q1) * gammaSign(q2);
  return sign * Math.exp(lgamma(p1) + lgamma(p2) - lgamma(q1) - lgamma(q2));
}

/**
 * 2F1 for z near 1 via Abramowitz & Stegun 15.3.6. Returns NaN when the formula does not apply
 * (c−a−b close to an integer, where the Γ factors blow up) or when its two terms cancel badly.
 */
function hyp2f1OneMinusZ(a: number, b: number, c: number, z: number): number {
  const d = c - a - b;
  if (Math.abs(d - Math.round(d)) < 0.05) return Number.NaN;
  const w = 1 - z;
  const c1 = gammaRatio(c, d, c - a, c - b);
  const c2 = gammaRatio(c, -d, a, b);
  const t1 = c1 === 0 ? 0 : c1 * hyp2f1Series(a, b, 1 - d, w);
  const t2 = c2 === 0 ? 0 : c2 * Math.pow(w, d) * hyp2f1Series(c - a, c - b, d + 1, w);
  const sum = t1 + t2;
  if (!Number.isFinite(sum) || Math.abs(t1) + Math.abs(t2) > 1e3 * Math.abs(sum)) return Number.NaN;
  return sum;
}

/**
 * 2F1(a, b; c; z) for z < 1 (c not a non-positive integer).
 * - z < 0: Pfaff transformation to w = z/(z−1) ∈ (0, 1) so the series has positive terms.
 * - 0 ≤ z ≤ 0.75: direct series.
 * - z > 0.75: 1−z transformation when well conditioned, else the (slow but exact) series.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) throw new Hyp2f1Error(`hyp2f1 requires z < 1, got ${z}`);
  if (isNonPositiveInteger(c)) throw new Hyp2f1Error(`hyp2f1 undefined for c=${c}`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z < 0) {
    const w = z / (z - 1);
    // Pfaff: F(a,b;c;z) = (1−z)^(−a) F(a, c−b; c; w). Put the smaller parameter in front so the
    // power stays moderate; both choices are exact.
    if (Math.abs(a) <= Math.abs(b)) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, w);
    return Math.pow(1 - z, -b) * hyp2f1(c - a, b, c, w);
  }
  if (z > TRANSFORM_ABOVE) {
    const v = hyp2f1OneMinusZ(a, b, c, z);
    if (Number.isFinite(v)) return v;
  }
  return hyp2f1Series(a, b, c, z);
}

/**
 * ln 2F1(a, b; c; z) and its partial derivatives ∂/∂a, ∂/∂b, ∂/∂c, ∂/∂z of ln 2F1, for a, b, c > 0
 * and 0 ≤ z < 1, by differentiating the Gauss series term by term:
 *   ∂t_n/∂a = t_n·Σ_{k<n} 1/(a+k) (same for b, minus for c),   ∂F/∂z = Σ t_n (a+n)(b+n)/(c+n).
 * All terms are positive, so there is no cancellation. Each sum stops once a geometric bound on
 * its remaining tail is below 1e-16 of the sum. Writes [ln F, ∂a, ∂b, ∂c, ∂z] to out[0..4] and
 * returns false (out untouched) when more than maxTerms terms would be needed (z close to 1).
 */
export function logHyp2f1Derivs(a: number, b: number, c: number, z: number, out: Float64Array, maxTerms = 4000): boolean {
  let t = 1, s = 1, sa = 0, sb = 0, sc = 0;
  let sz = (a * b) / c;
  let ha = 0, hb = 0, hc = 0;
  if (z > 0) {
    let n = 0;
    for (;; n++) {
      if (n >= maxTerms) return false;
      ha += 1 / (a + n);
      hb += 1 / (b + n);
      hc += 1 / (c + n);
      t *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
      if (t === 0) break;
      const m = n + 1;
      s += t;
      sa += t * ha;
      sb += t * hb;
      sc += t * hc;
      sz += (t * (a + m) * (b + m)) / (c + m);
      if (t > EPS * s) continue;
      // Later term ratios are bounded by ρ (see hyp2f1Series); H sums grow by ≤ 1/(p+m) per term.
      const ra = Math.max(1, (a + m) / (c + m)) * Math.max(1, (b + m) / m);
      const rho = z * ra;
      if (!(rho < 1)) continue;
      const g1 = rho / (1 - rho);
      const g2 = g1 / (1 - rho);
      const tailH = (h: number, p: number, sum: number): boolean => t * (h * g1 + g2 / (p + m)) <= EPS * sum;
      if (t * g1 <= EPS * s && tailH(ha, a, sa) && tailH(hb, b, sb) && tailH(hc, c, sc) && t * ra * ((m + 1) * g1 + g2) <= EPS * sz) break;
    }
  }
  out[0] = Math.log(s);
  out[1] = sa / s;
  out[2] = sb / s;
  out[3] = -sc / s;
  out[4] = sz / s;
  return true;
}
