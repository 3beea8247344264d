// BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").
// Purchases while alive ~ Poisson(λ), λ ~ Gamma(r, α); after each repeat purchase the customer
// drops out with probability p, p ~ Beta(a, b).
import { lgamma } from './special.js';
import { bgnbdLogLikelihoodDerivs } from './bgnbd-likelihood.js';
import { hyp2f1 } from './hyp2f1.js';
import type { Columns } from './columns.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Per-customer log-likelihood, lifetimes' formulation (A1 + A2 + logsumexp(A3, A4)). */
export function bgnbdLogLikelihoodOne(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const m = Math.max(a3, a4);
  return a1 + a2 + m + Math.log1p(Math.exp(-Math.abs(a3 - a4)));
}

/**
 * Weighted total log-likelihood and (optionally) its gradient with respect to (r, α, a, b) —
 * natural parameters, not logs. One pass over the data (see bgnbd-likelihood.ts, which also
 * provides the Hessian).
 */
export function bgnbdLogLikelihoodGrad(p: BgNbdParams, cols: Columns, grad: Float64Array | null): number {
  return bgnbdLogLikelihoodDerivs(p, cols, grad, null);
}

/** P(alive at T | x, t_x, T). Equals 1 for x = 0: BG/NBD customers can only drop out after a repeat purchase. */
export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = p;
  return 1 / (1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))));
}

/**
 * ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t)), rewritten by Pfaff as
 * 2F1(r+x, a−1; a+b+x−1; −t/(α+T)) so no large power over/underflows.
 */
function gTerm(p: BgNbdParams, x: number, T: number, t: number): number {
  if (t === 0) return 1;
  return hyp2f1(p.r + x, p.a - 1, p.a + p.b + x - 1, -t / (p.alpha + T));
}

/** The a = 1 singularity is removable; evaluating symmetrically around it keeps formulas usable. */
function nudgeA(p: BgNbdParams): [BgNbdParams, BgNbdParams] | null {
  if (Math.abs(p.a - 1) > 1e-7) return null;
  return [{ ...p, a: 1 + 1e-5 }, { ...p, a: 1 - 1e-5 }];
}

/** E[X(t) | x, t_x, T] / P(alive): expected purchases in (T, T+t] given the customer is alive. */
export function bgnbdExpectedIfAlive(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const nudged = nudgeA(p);
  if (nudged) return 0.5 * (bgnbdExpectedIfAlive(nudged[0], t, x, T) + bgnbdExpectedIfAlive(nudged[1], t, x, T));
  return ((p.a + p.b + x - 1) / (p.a - 1)) * (1 - gTerm(p, x, T, t));
}

/** Conditional expected number of repeat purchases in (T, T+t] for a customer with (x, t_x, T). */
export function bgnbdConditionalExpected(p: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return bgnbdPAlive(p, x, tx, T) * bgnbdExpectedIfAlive(p, t, x, T);
}

/** Unconditional E[X(t)]: expected repeat purchases in (0, t] for a newly acquired customer. */
export function bgnbdExpected(p: BgNbdParams, t: number): number {
  return bgnbdExpectedIfAlive(p, t, 0, 0);
}
