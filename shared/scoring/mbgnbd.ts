// MBG/NBD model (Batislam, Denizel & Filiztekin 2007; conditional expectation corrected by
// Wagner & Hoppe 2008). As BG/NBD, but the customer may also drop out right at the first purchase,
// so one-time buyers can be inactive: P(alive | x = 0) < 1 and falls with time since that purchase.
// Given alive after x repeat purchases, p ~ Beta(a, b+x+1) (x+1 purchases survived) and
// λ ~ Gamma(r+x, α+T): every "if alive" quantity is BG/NBD's with b replaced by b+1.
import { lgamma } from './special.js';
import { bgnbdLogLikelihoodDerivs } from './bgnbd-likelihood.js';
import { bgnbdExpectedIfAlive, type BgNbdParams } from './bgnbd.js';
import type { Columns } from './columns.js';

/** Same parameter meaning as BG/NBD: λ ~ Gamma(r, α), dropout probability p ~ Beta(a, b). */
export type MbgNbdParams = BgNbdParams;

/** log of a/(b+x) · ((α+T)/(α+t_x))^(r+x): the odds of "dropped at the last purchase" vs "alive". */
function logDeadOdds(p: MbgNbdParams, x: number, tx: number, T: number): number {
  return Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
}

/** Per-customer log-likelihood (lifetimes' ModifiedBetaGeoFitter formulation). */
export function mbgnbdLogLikelihoodOne(p: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x + 1) - lgamma(b) - lgamma(a + b + x + 1);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = logDeadOdds(p, x, tx, T);
  return a1 + a2 + a3 + (a4 > 0 ? a4 + Math.log1p(Math.exp(-a4)) : Math.log1p(Math.exp(a4)));
}

/** Weighted total log-likelihood; fills grad (r, α, a, b) and the row-major 4×4 Hessian when given. */
export function mbgnbdLogLikelihoodDerivs(p: MbgNbdParams, cols: Columns, grad: Float64Array | null, hess: Float64Array | null): number {
  return bgnbdLogLikelihoodDerivs(p, cols, grad, hess, 1);
}

/** P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)); below 1 also for x = 0. */
export function mbgnbdPAlive(p: MbgNbdParams, x: number, tx: number, T: number): number {
  return 1 / (1 + Math.exp(logDeadOdds(p, x, tx, T)));
}

/** E[X(t) | alive, x, T]: expected purchases in (T, T+t] of a customer known to be alive. */
export function mbgnbdExpectedIfAlive(p: MbgNbdParams, t: number, x: number, T: number): number {
  return bgnbdExpectedIfAlive({ ...p, b: p.b + 1 }, t, x, T);
}

export function mbgnbdConditionalExpected(p: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  return mbgnbdPAlive(p, x, tx, T) * mbgnbdExpectedIfAlive(p, t, x, T);
}

/** Unconditional E[X(t)] after the first purchase: b/(a+b) survive it, then behave as "alive at 0". */
export function mbgnbdExpected(p: MbgNbdParams, t: number): number {
  return (p.b / (p.a + p.b)) * mbgnbdExpectedIfAlive(p, t, 0, 0);
}
