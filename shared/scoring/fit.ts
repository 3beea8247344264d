// Maximum-likelihood fitting of BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma on log-parameters.
//
// Objective (minimised) = −(weighted mean LL) + penalizer·Σ params², exactly lifetimes' definition
// (params = exp(log-params)). Reported `gradNorm` is ‖∇_θ (n · objective)‖₂ with θ = log-params,
// i.e. the gradient of the summed (penalised) negative log-likelihood w.r.t. log-parameters; with
// penalizer 0 it is the gradient of the summed LL. `logLikelihood` is the unpenalised summed LL.
//
// Strategy: BFGS from the default start, then Newton (analytic Hessian for BG/NBD, differenced
// analytic gradient otherwise) to drive gradNorm to ≤ gradTol; Nelder–Mead restart on failure.
// BG/NBD and MBG/NBD on more than SUBSAMPLE_ABOVE rows first fits a uniform subsample and finishes with a few
// full-data Newton passes. Identical (x, t_x, T) rows are merged when enough of them repeat.
import { type Columns, type SummaryRow, toColumns } from './columns.js';
import type { BgNbdParams } from './bgnbd.js';
import type { MbgNbdParams } from './mbgnbd.js';
import type { ParetoNbdParams } from './pareto-nbd.js';
import { spendColumns, type GammaGammaParams } from './gamma-gamma.js';
import { bfgs, nelderMead, newtonPolish, norm, type OptimState } from './optimize.js';
import { newton } from './newton.js';
import { bgnbdProblem, paretoProblem, gammaGammaProblem, objectives, type Problem } from './fit-problems.js';

export type ModelName = 'bgnbd' | 'mbgnbd' | 'pareto-nbd' | 'gamma-gamma';
/** The purchase/dropout models (Gamma-Gamma is the spend model fitted beside them). */
export type CountModelName = Exclude<ModelName, 'gamma-gamma'>;
export const COUNT_MODELS: readonly CountModelName[] = ['bgnbd', 'mbgnbd', 'pareto-nbd'];

export interface ParamsByModel {
  bgnbd: BgNbdParams;
  mbgnbd: MbgNbdParams;
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
  mbgnbd: ['r', 'alpha', 'a', 'b'],
  'pareto-nbd': ['r', 'alpha', 's', 'beta'],
  'gamma-gamma': ['p', 'q', 'v'],
};
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

/** Above this many rows, start values come from a fit on a uniform subsample of SUBSAMPLE_ROWS. */
const SUBSAMPLE_ABOVE = 60_000;
const SUBSAMPLE_ROWS = 20_000;

const finite = Number.isFinite;

function runOptimizer(prob: Problem, penalizer: number, start: number[], gradTol: number, maxIter: number): OptimState & { llAt: (t: Float64Array) => number } {
  const n = Math.max(prob.n, 1);
  const { f, obj, objH, llAt } = objectives(prob, penalizer);
  const done = (s: OptimState): boolean => finite(s.f) && n * norm(s.grad) <= gradTol;
  let theta0: Float64Array = Float64Array.from(start, Math.log);
  let spent = 0;
  if (objH && prob.subsample && prob.rows > SUBSAMPLE_ABOVE) {
    // Large data: the subsample optimum is within sampling error (~1/√m) of the full one, where
    // Newton with the analytic Hessian converges quadratically — a few passes over all rows
    // instead of the dozens a quasi-Newton run from the default start needs.
    const sub = runOptimizer(prob.subsample(SUBSAMPLE_ROWS), penalizer, start, gradTol, maxIter);
    spent += sub.iterations;
    if (finite(sub.f)) {
      const st = newton(objH, sub.theta, gradTol, n);
      spent += st.iterations;
      // A stall within the loose bound means the target sits below summation noise (see below).
      if (done(st) || (finite(st.f) && n * norm(st.grad) <= Math.max(gradTol, 1e-4 * n))) return { ...st, iterations: spent, llAt };
      theta0 = finite(st.f) ? st.theta : sub.theta;
    }
  }
  const hessStep = prob.llGrad ? 1e-5 : 1e-3;
  const polish = (s: OptimState): OptimState => {
    if (!objH || !finite(s.f)) return newtonPolish(obj, s, gradTol, n, hessStep);
    const st = newton(objH, s.theta, gradTol, n, 10);
    return finite(st.f) && st.f <= s.f + 1e-12 * Math.abs(s.f) ? { ...st, iterations: s.iterations + st.iterations } : s;
  };
  const first = bfgs(obj, theta0, gradTol, n, maxIter, prob.ridge);
  // On a ridge to a limit model the likelihood only creeps up further out: refining is pointless.
  if (prob.ridge?.(first.theta)) return { ...first, iterations: first.iterations + spent, llAt };
  let best = polish(first);
  // Fall back only on a genuine failure: on very large samples the summed-gradient target can sit
  // below floating-point summation noise, and a simplex restart would not improve on that.
  if (!finite(best.f) || !(n * norm(best.grad) <= Math.max(gradTol, 1e-4 * n))) {
    // BFGS from the default start can wander on awkward data; a simplex search is slower but
    // does not depend on gradients, so restart quasi-Newton from its optimum.
    const nm = nelderMead(f, finite(best.f) ? best.theta : theta0, 3000);
    const again = polish(bfgs(obj, nm.theta, gradTol, n, maxIter));
    again.iterations += best.iterations + nm.iterations;
    if (!finite(best.f) || again.f <= best.f) best = again;
  }
  return { ...best, iterations: best.iterations + spent, llAt };
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
  else if (model === 'mbgnbd') prob = bgnbdProblem(cols, true, 1);
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
  const ll = st.llAt(st.theta);
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
