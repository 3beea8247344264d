// Quadrature for the decreasing, log-convex integrands of Pareto/NBD (products of powers
// (c+u)^−p): the fallback wherever a 2F1 series is slow or ill-conditioned.

/** 16-point Gauss–Legendre on [−1, 1]: positive nodes and their weights (symmetric). */
const GL_X = [0.09501250983763744, 0.2816035507792589, 0.45801677765722737, 0.6178762444026438, 0.755404408355003, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499];
const GL_W = [0.18945061045506864, 0.18260341504492364, 0.16915651939500265, 0.1495959888165767, 0.12462897125553407, 0.0951585116824926, 0.062253523938647456, 0.027152459411754176];

/** A log-integrand log f(u) = Σ −p_k·ln(c_k + u) (p_k ≥ 0, c_k > 0): decreasing and log-convex. */
export interface PowerProduct {
  p: readonly number[];
  c: readonly number[];
}

function logF(f: PowerProduct, u: number, u0: number): number {
  // Relative to u0 with log1p, so huge exponents (homogeneous-dropout limit, p ~ 1e12) stay exact.
  let s = 0;
  for (let k = 0; k < f.p.length; k++) s -= f.p[k]! * Math.log1p((u - u0) / (f.c[k]! + u0));
  return s;
}

function slope(f: PowerProduct, u: number): number {
  let s = 0;
  for (let k = 0; k < f.p.length; k++) s += f.p[k]! / (f.c[k]! + u);
  return s;
}

const MAX_PANELS = 10_000;

/**
 * ∫_a^b f(u)/f(a) du for b > a (b finite). Panels are at most 8 e-folds of f long and at most twice
 * the distance to the nearest singularity (u = −c_k), where 16-point Gauss–Legendre is exact to
 * round-off; since f decreases, the rest of [u, b] is bounded by f(u)·(b − u), which ends the sum
 * as soon as it is negligible.
 */
export function integratePowerProduct(f: PowerProduct, a: number, b: number): number {
  if (!(b > a)) return 0;
  const cMin = Math.min(...f.c);
  let u = a, acc = 0;
  for (let panel = 0; panel < MAX_PANELS && u < b; panel++) {
    const sl = slope(f, u);
    const len = Math.min(b - u, sl > 0 ? 8 / sl : Infinity, 2 * (cMin + u));
    const mid = u + len / 2, half = len / 2;
    let s = 0;
    for (let i = 0; i < GL_X.length; i++) {
      s += GL_W[i]! * (Math.exp(logF(f, mid - half * GL_X[i]!, a)) + Math.exp(logF(f, mid + half * GL_X[i]!, a)));
    }
    acc += s * half;
    u += len;
    if (u < b && Math.exp(logF(f, u, a)) * (b - u) <= 1e-17 * acc) break;
  }
  return acc;
}
