// Damped Newton iteration for objectives with an analytic Hessian. Used to finish large fits:
// started near the optimum (e.g. from a subsample fit) it converges quadratically, so a handful of
// passes over the full data drive the gradient to round-off level.
import { norm, type OptimState } from './optimize.js';

/** Fills grad (d) and hess (d×d row-major) at theta and returns f(theta); non-finite = outside the domain. */
export type HessianObjective = (theta: Float64Array, grad: Float64Array, hess: Float64Array) => number;

const MAX_STEP = 2;

/** Cholesky solve of (A + λI) x = b; null when not positive definite. */
function choleskySolve(A: Float64Array, b: Float64Array, lambda: number): Float64Array | null {
  const d = b.length;
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * d + i] = Math.sqrt(s);
      } else {
        L[i * d + j] = s / L[j * d + j]!;
      }
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * d + k]! * y[k]!;
    y[i] = s / L[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= L[k * d + i]! * x[k]!;
    x[i] = s / L[i * d + i]!;
  }
  return x.every(Number.isFinite) ? x : null;
}

/**
 * Newton steps with backtracking; an indefinite Hessian is shifted (Levenberg) until positive
 * definite. Stops when scale·‖∇f‖ ≤ gradTol, or when no step improves (caller falls back).
 * A step is accepted on sufficient decrease, or — once f only changes at round-off level — when
 * it does not increase f beyond round-off and reduces the gradient norm.
 */
export function newton(obj: HessianObjective, theta0: Float64Array, gradTol: number, scale: number, maxIter = 30): OptimState {
  const d = theta0.length;
  let theta = Float64Array.from(theta0);
  let grad = new Float64Array(d);
  let hess = new Float64Array(d * d);
  let f = obj(theta, grad, hess);
  let it = 0;
  for (; it < maxIter && Number.isFinite(f); it++) {
    const gn = norm(grad);
    if (scale * gn <= gradTol) break;
    let diag = 0;
    for (let i = 0; i < d; i++) diag = Math.max(diag, Math.abs(hess[i * d + i]!));
    let step: Float64Array | null = null;
    for (let lambda = 0; !step && lambda < 1e12 * (diag + 1e-300); lambda = lambda === 0 ? 1e-8 * (diag || 1) : lambda * 10) {
      step = choleskySolve(hess, grad, lambda);
    }
    if (!step) break;
    // Away from the optimum (shifted or nearly singular Hessian) the step can be huge; θ are
    // log-parameters, so a move of MAX_STEP already changes a parameter e^MAX_STEP-fold.
    const longest = step.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const dir = longest > MAX_STEP ? step.map((v) => (v * MAX_STEP) / longest) : step;
    const slope = -dir.reduce((s, v, i) => s + v * grad[i]!, 0);
    const noise = 1e-13 * Math.abs(f);
    let accepted = false;
    for (let t = 1; t > 1e-6; t *= 0.5) {
      const cand = theta.map((v, i) => v - t * dir[i]!);
      const gc = new Float64Array(d);
      const hc = new Float64Array(d * d);
      const fc = obj(cand, gc, hc);
      if (!Number.isFinite(fc)) continue;
      if (fc <= f + 1e-4 * t * slope || (fc <= f + noise && norm(gc) < gn)) {
        theta = cand; f = fc; grad = gc; hess = hc;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return { theta, f, grad, iterations: it };
}
