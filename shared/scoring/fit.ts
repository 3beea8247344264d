// Maximum-likelihood fitting of BG/NBD, Pareto/NBD and Gamma-Gamma on log-parameters.
//
// Objective (minimised) = −(weighted mean LL) + penalizer·Σ params², exactly lifetimes' definition
// (params = exp(log-params)). Reported `gradNorm` is ‖∇_θ (n · objective)‖₂ with θ = log-params,
// i.e. the gradient of the summed (penalised) negative log-likelihood w.r.t. log-parameters; with
// penalizer 0 it is the gradient of the summed LL. `logLikelihood` is the unpenalised summed LL.
import { type Columns, type SummaryRow, toColumns, compressTriples, totalWeight } from './columns.js';
import { bgnbdLogLikelihoodGrad, type BgNbdParams } from './bgnbd.js';
import { paretoLogLikelihood, type ParetoNbdParams } from './pareto-nbd.js';
import { gammaGammaLogLikelihoodGrad, spendColumns, type GammaGammaParams, type SpendColumns } from './gamma-gamma.js';
import { bfgs, nelderMead, newtonPolish, norm, type Objective, type OptimState } from './optimize.js';

export type ModelName = 'bgnbd' | 'pareto-nbd' | 'gamma-gamma';

export interface ParamsByModel {
  bgnbd: BgNbdParams;
  'pareto-nbd': ParetoNbdParams;
  'gamma-gamma': GammaGammaParams;
}

export interface FitOptions {
  /** L2 penalty coefficient on the natural parameters, lifetimes convention. Default 0. */
  penalizer?: number;
  /** Convergence threshold on gradNorm (see file comment). Default 1e-6. */
  gradTol?: number;
  /** Starting values (natural scale); defaults are 1 for shapes and a data-based time scale. */
  initial?: Partial<Record<string, number>>;
  maxIterations?: number;
}

export interface FitResult<M extends ModelName = ModelName> {
  model: M;
  params: ParamsByModel[M];
  logLikelihood: number;
  n: number;
  gradNorm: number;
  iterations: number;
  converged: boolean;
}

const PARAM_NAMES: { [M in ModelName]: (keyof ParamsByModel[M] & string)[] } = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  'pareto-nbd': ['r', 'alpha', 's', 'beta'],
  'gamma-gamma': ['p', 'q', 'v'],
};
/** |log-parameter| beyond this is treated as divergence to a boundary (degenerate data). */
const THETA_LIMIT = 30;
/** Parameters outside [1e-6, 1e6] mean the likelihood is still rising towards a boundary. */
const BOUNDARY = Math.log(1e6);

export function paramNames(model: ModelName): string[] {
  return PARAM_NAMES[model];
}

function toParams<M extends ModelName>(model: M, theta: ArrayLike<number>): ParamsByModel[M] {
  const out: Record<string, number> = {};
  PARAM_NAMES[model].forEach((k, i) => (out[k] = Math.exp(theta[i]!)));
  return out as unknown as ParamsByModel[M];
}

interface Problem {
  n: number;
  /** Summed LL and its gradient w.r.t. natural parameters (grad may be null). */
  llGrad: ((p: number[], grad: Float64Array | null) => number) | null;
  ll: (p: number[]) => number;
  start: number[];
}

function bgnbdProblem(cols: Columns): Problem {
  const c = compressTriples(cols);
  const meanT = cols.n ? cols.T.reduce((s, v) => s + v, 0) / cols.n : 1;
  const asP = (p: number[]): BgNbdParams => ({ r: p[0]!, alpha: p[1]!, a: p[2]!, b: p[3]! });
  return {
    n: totalWeight(c),
    llGrad: (p, g) => bgnbdLogLikelihoodGrad(asP(p), c, g),
    ll: (p) => bgnbdLogLikelihoodGrad(asP(p), c, null),
    start: [1, Math.max(meanT / 10, 1e-3), 1, 1],
  };
}

function paretoProblem(cols: Columns): Problem {
  const c = compressTriples(cols);
  const meanT = cols.n ? cols.T.reduce((s, v) => s + v, 0) / cols.n : 1;
  const asP = (p: number[]): ParetoNbdParams => ({ r: p[0]!, alpha: p[1]!, s: p[2]!, beta: p[3]! });
  return {
    n: totalWeight(c),
    llGrad: null,
    ll: (p) => paretoLogLikelihood(asP(p), c),
    start: [1, Math.max(meanT / 10, 1e-3), 1, Math.max(meanT / 10, 1e-3)],
  };
}

function gammaGammaProblem(s: SpendColumns): Problem {
  let meanZ = 0;
  for (let i = 0; i < s.n; i++) meanZ += s.zbar[i]! / Math.max(s.n, 1);
  const asP = (p: number[]): GammaGammaParams => ({ p: p[0]!, q: p[1]!, v: p[2]! });
  return {
    n: totalWeight(s as unknown as Columns),
    llGrad: (p, g) => gammaGammaLogLikelihoodGrad(asP(p), s, g),
    ll: (p) => gammaGammaLogLikelihoodGrad(asP(p), s, null),
    start: [1, 1, Math.max(meanZ, 1e-3)],
  };
}

/** Builds f(θ) = −LL/n + pen·Σp² with an analytic θ-gradient, or a Richardson-extrapolated one. */
function objective(prob: Problem, penalizer: number): { f: (t: Float64Array) => number; obj: Objective } {
  const n = Math.max(prob.n, 1);
  const f = (theta: Float64Array): number => {
    for (let i = 0; i < theta.length; i++) if (!(Math.abs(theta[i]!) <= THETA_LIMIT)) return Infinity;
    const p = Array.from(theta, Math.exp);
    let v: number;
    try {
      v = -prob.ll(p) / n + penalizer * p.reduce((s, x) => s + x * x, 0);
    } catch {
      // e.g. a 2F1 series that cannot converge at absurd trial parameters: treat as out of domain.
      return Infinity;
    }
    return Number.isFinite(v) ? v : Infinity;
  };
  const llGrad = prob.llGrad;
  const obj: Objective = llGrad
    ? (theta, grad) => {
        for (let i = 0; i < theta.length; i++) if (!(Math.abs(theta[i]!) <= THETA_LIMIT)) return Infinity;
        const p = Array.from(theta, Math.exp);
        const g = new Float64Array(p.length);
        const ll = llGrad(p, g);
        let pen = 0;
        for (let i = 0; i < p.length; i++) {
          pen += p[i]! * p[i]!;
          grad[i] = (-g[i]! * p[i]!) / n + 2 * penalizer * p[i]! * p[i]!;
        }
        const v = -ll / n + penalizer * pen;
        return Number.isFinite(v) && grad.every(Number.isFinite) ? v : Infinity;
      }
    : (theta, grad) => {
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
  return { f, obj };
}

function runOptimizer(prob: Problem, penalizer: number, start: number[], gradTol: number, maxIter: number): OptimState {
  const n = Math.max(prob.n, 1);
  const { f, obj } = objective(prob, penalizer);
  const hessStep = prob.llGrad ? 1e-5 : 1e-3;
  const polish = (s: OptimState): OptimState => newtonPolish(obj, s, gradTol, n, hessStep);
  const theta0 = Float64Array.from(start, Math.log);
  let best = polish(bfgs(obj, theta0, gradTol, n, maxIter));
  // Fall back only on a genuine failure: on very large samples the summed-gradient target can sit
  // below floating-point summation noise, and a simplex restart would not improve on that.
  if (!Number.isFinite(best.f) || !(n * norm(best.grad) <= Math.max(gradTol, 1e-4 * n))) {
    // BFGS from the default start can wander on awkward data; a simplex search is slower but
    // does not depend on gradients, so restart quasi-Newton from its optimum.
    const nm = nelderMead(f, Number.isFinite(best.f) ? best.theta : theta0, 3000);
    const again = polish(bfgs(obj, nm.theta, gradTol, n, maxIter));
    again.iterations += best.iterations + nm.iterations;
    if (!Number.isFinite(best.f) || again.f <= best.f) best = again;
  }
  return best;
}

function toColumnsAny(data: readonly SummaryRow[] | Columns): Columns {
  return Array.isArray(data) ? toColumns(data as readonly SummaryRow[]) : (data as Columns);
}

/**
 * Fit one model. BG/NBD and Pareto/NBD use (x, t_x, T); Gamma-Gamma uses customers with x > 0
 * and zbar > 0 (n counts only those). Never throws on degenerate data: params stay finite and
 * `converged` is false when the optimum lies on the boundary (e.g. no repeat buyers).
 */
export function fitModel<M extends ModelName>(model: M, data: readonly SummaryRow[] | Columns, opts: FitOptions = {}): FitResult<M> {
  const cols = toColumnsAny(data);
  const penalizer = opts.penalizer ?? 0;
  const gradTol = opts.gradTol ?? 1e-6;
  let prob: Problem;
  if (model === 'bgnbd') prob = bgnbdProblem(cols);
  else if (model === 'pareto-nbd') prob = paretoProblem(cols);
  else {
    if (!cols.zbar) throw new Error('gamma-gamma fit needs zbar (mean repeat transaction value) for each customer');
    prob = gammaGammaProblem(spendColumns(cols.x, cols.zbar));
  }
  const names = PARAM_NAMES[model];
  const start = names.map((k, i) => opts.initial?.[k] ?? prob.start[i]!);
  if (prob.n === 0) {
    return { model, params: toParams(model, start.map(Math.log)), logLikelihood: 0, n: 0, gradNorm: 0, iterations: 0, converged: false };
  }
  const st = runOptimizer(prob, penalizer, start, gradTol, opts.maxIterations ?? 500);
  const gradNorm = prob.n * norm(st.grad);
  const params = toParams(model, st.theta);
  // With no repeat buyers the purchase/dropout split is unidentified; never call that converged.
  const noRepeat = !cols.x.some((x) => x > 0);
  const onBoundary = noRepeat || Array.from(st.theta).some((t) => Math.abs(t) > BOUNDARY);
  const ll = prob.ll(names.map((k) => (params as unknown as Record<string, number>)[k]!));
  return {
    model,
    params,
    logLikelihood: ll,
    n: prob.n,
    gradNorm: Number.isFinite(gradNorm) ? gradNorm : Number.MAX_VALUE,
    iterations: st.iterations,
    converged: Number.isFinite(st.f) && gradNorm <= gradTol && !onBoundary,
  };
}
