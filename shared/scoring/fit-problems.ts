// Likelihood problems behind fitModel and their log-parameter objectives.
//
// Objective (minimised) f(θ) = −(weighted mean LL) + penalizer·Σ p², p = exp(θ) — lifetimes'
// definition. Gradients/Hessians are with respect to θ.
import { type Columns, compressTriplesIfRepeated, sampleRows, totalWeight } from './columns.js';
import type { BgNbdParams } from './bgnbd.js';
import { bgnbdLogLikelihoodDerivs } from './bgnbd-likelihood.js';
import { paretoLogLikelihood, type ParetoNbdParams } from './pareto-nbd.js';
import { paretoLogLikelihoodGrad, paretoKeyIndex } from './pareto-nbd-grad.js';
import { gammaGammaLogLikelihoodGrad, type GammaGammaParams, type SpendColumns } from './gamma-gamma.js';
import type { Objective } from './optimize.js';
import type { HessianObjective } from './newton.js';

export interface Problem {
  /** Total weight (number of customers). */
  n: number;
  /** Rows actually iterated per evaluation (after merging identical ones). */
  rows: number;
  /** Summed LL and its gradient w.r.t. natural parameters; NaN means "no analytic gradient here". */
  llGrad: ((p: number[], grad: Float64Array) => number) | null;
  /** Summed LL, gradient and Hessian (row-major) w.r.t. natural parameters. */
  llHess?: (p: number[], grad: Float64Array, hess: Float64Array) => number;
  ll: (p: number[]) => number;
  start: number[];
  /** The same problem on m rows drawn uniformly: a cheap source of start values on large data. */
  subsample?: (m: number) => Problem;
  /** True once θ is on a ridge running off to a limit model, where the fit stops (not converged). */
  ridge?: (theta: Float64Array) => boolean;
}

/**
 * Pareto/NBD dropout rates μ ~ Gamma(s, β) with s ≥ 1000 have a coefficient of variation ≤ 3%:
 * the homogeneous-dropout limit (s, β → ∞, s/β fixed) for every forecast. Young shops' data often
 * pull the fit there, where each further step costs thousands of slow 2F1 terms and gains nothing.
 */
const PARETO_RIDGE_S = Math.log(1e3);

/** |log-parameter| beyond this is treated as divergence to a boundary (degenerate data). */
export const THETA_LIMIT = 30;

function meanOf(v: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  return n ? s / n : 1;
}

/** BG/NBD (shift 0) or MBG/NBD (shift 1, dropout possible at the first purchase); see bgnbd-likelihood.ts. */
export function bgnbdProblem(cols: Columns, merge = true, shift: 0 | 1 = 0): Problem {
  const c = merge ? compressTriplesIfRepeated(cols) : cols;
  const meanT = cols.n ? meanOf(cols.T, cols.n) : 1;
  const asP = (p: number[]): BgNbdParams => ({ r: p[0]!, alpha: p[1]!, a: p[2]!, b: p[3]! });
  return {
    n: totalWeight(c),
    rows: c.n,
    llGrad: (p, g) => bgnbdLogLikelihoodDerivs(asP(p), c, g, null, shift),
    llHess: (p, g, h) => bgnbdLogLikelihoodDerivs(asP(p), c, g, h, shift),
    ll: (p) => bgnbdLogLikelihoodDerivs(asP(p), c, null, null, shift),
    start: [1, Math.max(meanT / 10, 1e-3), 1, 1],
    subsample: (m) => bgnbdProblem(sampleRows(c, m), true, shift),
  };
}

export function paretoProblem(cols: Columns): Problem {
  const c = compressTriplesIfRepeated(cols);
  const meanT = cols.n ? meanOf(cols.T, cols.n) : 1;
  const asP = (p: number[]): ParetoNbdParams => ({ r: p[0]!, alpha: p[1]!, s: p[2]!, beta: p[3]! });
  const keys = paretoKeyIndex(c);
  return {
    n: totalWeight(c),
    rows: c.n,
    llGrad: (p, g) => paretoLogLikelihoodGrad(asP(p), c, g, keys),
    ll: (p) => paretoLogLikelihood(asP(p), c),
    start: [1, Math.max(meanT / 10, 1e-3), 1, Math.max(meanT / 10, 1e-3)],
    ridge: (theta) => theta[2]! >= PARETO_RIDGE_S,
  };
}

export function gammaGammaProblem(s: SpendColumns): Problem {
  let meanZ = 0;
  for (let i = 0; i < s.n; i++) meanZ += s.zbar[i]! / Math.max(s.n, 1);
  const asP = (p: number[]): GammaGammaParams => ({ p: p[0]!, q: p[1]!, v: p[2]! });
  return {
    n: totalWeight(s as unknown as Columns),
    rows: s.n,
    llGrad: (p, g) => gammaGammaLogLikelihoodGrad(asP(p), s, g),
    ll: (p) => gammaGammaLogLikelihoodGrad(asP(p), s, null),
    start: [1, 1, Math.max(meanZ, 1e-3)],
  };
}

export interface Objectives {
  /** f(θ) alone (+∞ outside the domain). */
  f: (t: Float64Array) => number;
  /** f and ∇f: analytic where available, else Richardson-extrapolated central differences. */
  obj: Objective;
  /** f, ∇f and ∇²f when the problem has an analytic Hessian. */
  objH: HessianObjective | null;
  /** Unpenalised summed LL at θ, reusing the value of a recent evaluation when there is one. */
  llAt: (t: Float64Array) => number;
}

const inDomain = (theta: Float64Array): boolean => theta.every((t) => Math.abs(t) <= THETA_LIMIT);

export function objectives(prob: Problem, penalizer: number): Objectives {
  const n = Math.max(prob.n, 1);
  const recent: { theta: Float64Array; ll: number }[] = [];
  const remember = (theta: Float64Array, ll: number): void => {
    recent.push({ theta: Float64Array.from(theta), ll });
    if (recent.length > 8) recent.shift();
  };
  const pen = (p: number[]): number => p.reduce((s, x) => s + x * x, 0);
  const f = (theta: Float64Array): number => {
    if (!inDomain(theta)) return Infinity;
    const p = Array.from(theta, Math.exp);
    let v: number;
    try {
      const ll = prob.ll(p);
      remember(theta, ll);
      v = -ll / n + penalizer * pen(p);
    } catch {
      // e.g. a 2F1 series that cannot converge at absurd trial parameters: treat as out of domain.
      return Infinity;
    }
    return Number.isFinite(v) ? v : Infinity;
  };
  const fdGrad: Objective = (theta, grad) => {
    const f0 = f(theta);
    if (!Number.isFinite(f0)) return Infinity;
    // Richardson-extrapolated central differences: O(h⁴) truncation, so the gradient is
    // accurate to ~1e-12 relative and the 1e-6 summed-gradient criterion is meaningful.
    const h = 2e-3;
    for (let i = 0; i < theta.length; i++) {
      const at = (d: number): number => {
        const t = Float64Array.from(theta);
        t[i]! += d;
        return f(t);
      };
      const d1 = (at(h) - at(-h)) / (2 * h);
      const d2 = (at(h / 2) - at(-h / 2)) / h;
      grad[i] = (4 * d2 - d1) / 3;
    }
    return grad.every(Number.isFinite) ? f0 : Infinity;
  };
  const llGrad = prob.llGrad;
  const obj: Objective = !llGrad
    ? fdGrad
    : (theta, grad) => {
        if (!inDomain(theta)) return Infinity;
        const p = Array.from(theta, Math.exp);
        const g = new Float64Array(p.length);
        const ll = llGrad(p, g);
        if (Number.isNaN(ll)) return fdGrad(theta, grad);
        remember(theta, ll);
        for (let i = 0; i < p.length; i++) grad[i] = (-g[i]! * p[i]!) / n + 2 * penalizer * p[i]! * p[i]!;
        const v = -ll / n + penalizer * pen(p);
        return Number.isFinite(v) && grad.every(Number.isFinite) ? v : Infinity;
      };
  const llHess = prob.llHess;
  const objH: HessianObjective | null = !llHess
    ? null
    : (theta, grad, hess) => {
        if (!inDomain(theta)) return Infinity;
        const d = theta.length;
        const p = Array.from(theta, Math.exp);
        const g = new Float64Array(d);
        const h = new Float64Array(d * d);
        const ll = llHess(p, g, h);
        remember(theta, ll);
        for (let i = 0; i < d; i++) {
          grad[i] = (-g[i]! * p[i]!) / n + 2 * penalizer * p[i]! * p[i]!;
          // ∂²/∂θi∂θj = p_i p_j ∂²/∂p_i∂p_j + δ_ij p_i ∂/∂p_i
          for (let j = 0; j < d; j++) hess[i * d + j] = (-p[i]! * p[j]! * h[i * d + j]!) / n;
          hess[i * d + i]! += (-p[i]! * g[i]!) / n + 4 * penalizer * p[i]! * p[i]!;
        }
        const v = -ll / n + penalizer * pen(p);
        return Number.isFinite(v) && grad.every(Number.isFinite) && hess.every(Number.isFinite) ? v : Infinity;
      };
  const llAt = (theta: Float64Array): number => {
    for (let k = recent.length - 1; k >= 0; k--) {
      const r = recent[k]!;
      if (r.theta.every((v, i) => v === theta[i])) return r.ll;
    }
    return prob.ll(Array.from(theta, Math.exp));
  };
  return { f, obj, objH, llAt };
}
