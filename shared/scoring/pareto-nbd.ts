// Pareto/NBD model (Schmittlein, Morrison & Colombo 1987). Purchases while alive ~ Poisson(λ),
// λ ~ Gamma(r, α); lifetime ~ Exponential(μ), μ ~ Gamma(s, β).
// The summed likelihood for fitting is in the form used by lifetimes/BTYD (Fader & Hardie 2005
// note 009): a log-sum-exp of the "alive at T" term and the "died in (t_x, T]" term A0 (2F1).
// Per-customer quantities (P(alive), one customer's likelihood) use pareto-tail.ts, which never
// throws and stays exact where dropout parameters run off to the homogeneous limit.
import { lgamma, logAddExp, logSubExp } from './special.js';
import { hyp2f1 } from './hyp2f1.js';
import { PairCache, type Columns } from './columns.js';
import { paretoLogDeadOdds } from './pareto-tail.js';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * log 2F1 for A0. The series variable is |α−β|/(max(α,β)+t) ∈ [0, 1): for α ≥ β the second
 * parameter is s+1, for α < β it is r+x (the same integral, expanded around the larger rate so the
 * series converges). For α < β, Euler's transformation
 *   2F1(r+s+x, r+x; r+s+x+1; z) = (1−z)^(1−r−x) · 2F1(1, s+1; r+s+x+1; z)
 * removes the large parameter r+x, whose terms would grow for ~r+x steps before decaying.
 * α = β gives z = 0 and log 2F1 = 0.
 */
/** a0LogHyp memoised per (x, t): customers sharing them (ties after rounding) share the 2F1. */
function cachedA0LogHyp(p: ParetoNbdParams): (x: number, t: number) => number {
  const cache = new PairCache();
  return (x, t) => {
    let v = cache.get(x, t);
    if (v === undefined) {
      v = a0LogHyp(p, x, t);
      cache.set(x, t, v);
    }
    return v;
  };
}

function a0LogHyp(p: ParetoNbdParams, x: number, t: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  if (alpha >= beta) return Math.log(hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + t)));
  const z = (beta - alpha) / (beta + t);
  return (1 - r - x) * Math.log1p(-z) + Math.log(hyp2f1(1, s + 1, rsx + 1, z));
}

/** log A0 = log(F(t_x)/(m+t_x)^(r+s+x) − F(T)/(m+T)^(r+s+x)), m = max(α, β); −∞ when t_x = T. */
function logA0From(p: ParetoNbdParams, x: number, tx: number, T: number, logF1: number, logF2: number): number {
  const m = Math.max(p.alpha, p.beta);
  const rsx = p.r + p.s + x;
  return logSubExp(logF1 - rsx * Math.log(m + tx), logF2 - rsx * Math.log(m + T));
}

/** log of the "still alive at T" term: −(r+x)·ln(α+T) − s·ln(β+T). */
function logAliveTerm(p: ParetoNbdParams, x: number, T: number): number {
  return -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
}

/** Per-customer log-likelihood: alive-at-T term times (1 + R), R the dead-in-(t_x, T] odds. */
export function paretoLogLikelihoodOne(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const alive = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + T) - s * Math.log1p(T / beta);
  return alive + logAddExp(0, paretoLogDeadOdds(p, x, tx, T));
}

/** Weighted total log-likelihood; 2F1 values are shared between rows with equal (x, t) keys. */
export function paretoLogLikelihood(p: ParetoNbdParams, cols: Columns): number {
  const { r, alpha, s, beta } = p;
  const hyp = cachedA0LogHyp(p);
  const lgr = lgamma(r);
  const base = r * Math.log(alpha) + s * Math.log(beta) - lgr;
  const logS = Math.log(s);
  const lgByX: number[] = [];
  let ll = 0;
  for (let i = 0; i < cols.n; i++) {
    const x = cols.x[i]!;
    const tx = cols.tx[i]!;
    const T = cols.T[i]!;
    // Only (x, T) repeats often enough to be worth caching; t_x is nearly unique per row.
    const logA0 = logA0From(p, x, tx, T, tx === 0 ? hyp(x, 0) : a0LogHyp(p, x, tx), hyp(x, T));
    const lg = lgByX[x] ?? (lgByX[x] = lgamma(r + x));
    const v = base + lg + logAddExp(logAliveTerm(p, x, T), logS - Math.log(r + s + x) + logA0);
    ll += cols.w[i]! * v;
  }
  return ll;
}

/**
 * P(alive at T | x, t_x, T) = 1/(1 + R), R the odds of "died in (t_x, T]" (pareto-tail.ts): never
 * throws for valid parameters, and stays exact in the homogeneous-dropout limit.
 */
export function paretoPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + Math.exp(paretoLogDeadOdds(p, x, tx, T)));
}

/**
 * Expected purchases in (T, T+t] if alive: (r+x)/(α+T) · (β+T)/(s−1) · [1 − ((β+T)/(β+T+t))^(s−1)],
 * written with expm1 so s → 1 (limit (β+T)·ln((β+T+t)/(β+T))) stays accurate.
 */
export function paretoExpectedIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  const { r, alpha, s, beta } = p;
  // log1p: with β ≫ T + t (homogeneous-dropout limit) the ratio itself would lose its digits.
  const lr = Math.log1p(t / (beta + T));
  const sm1 = s - 1;
  const life = Math.abs(sm1) < 1e-12 ? lr : -Math.expm1(-sm1 * lr) / sm1;
  return ((r + x) / (alpha + T)) * (beta + T) * life;
}

export function paretoConditionalExpected(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  return paretoPAlive(p, x, tx, T) * paretoExpectedIfAlive(p, t, x, T);
}

/** Unconditional E[X(t)] for a new customer: rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)]. */
export function paretoExpected(p: ParetoNbdParams, t: number): number {
  return paretoExpectedIfAlive(p, t, 0, 0);
}
