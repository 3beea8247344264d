// Customer lifetime value (lifetimes convention) and next-order timing.
import { bgnbdConditionalExpected, type BgNbdParams } from './bgnbd.js';
import { paretoConditionalExpected, type ParetoNbdParams } from './pareto-nbd.js';
import { gammaGammaConditionalExpectedValue, type GammaGammaParams } from './gamma-gamma.js';

export interface ClvOptions {
  /** Number of discounting periods M. Default 12. */
  periods?: number;
  /** Period length w in the model's time unit. Default 4.345 (weeks per month). */
  periodLength?: number;
  /** Per-period discount rate d. Default 0.01. */
  discount?: number;
}

export const CLV_DEFAULTS = { periods: 12, periodLength: 4.345, discount: 0.01 } as const;

export function resolveClvOptions(o: ClvOptions = {}): Required<ClvOptions> {
  return {
    periods: o.periods ?? CLV_DEFAULTS.periods,
    periodLength: o.periodLength ?? CLV_DEFAULTS.periodLength,
    discount: o.discount ?? CLV_DEFAULTS.discount,
  };
}

/**
 * CLV = Σ_{k=1..M} E[Z] · (E[X(k·w)] − E[X((k−1)·w)]) / (1+d)^k, where E[X(t)] is the conditional
 * expected number of purchases in (T, T+t] — lifetimes' customer_lifetime_value. Discounting per
 * period (not continuously) keeps results comparable with lifetimes output.
 */
export function customerLifetimeValue(expectedValue: number, expectedPurchases: (t: number) => number, opts: ClvOptions = {}): number {
  const { periods, periodLength, discount } = resolveClvOptions(opts);
  return expectedValue * discountedIncrements(expectedPurchases, periods, periodLength, discount);
}

/** Σ_{k=1..M} (f(k·w) − f((k−1)·w)) / (1+d)^k — the lifetimes CLV discounting convention. */
export function discountedIncrements(f: (t: number) => number, periods: number, periodLength: number, discount: number): number {
  let prev = f(0);
  let sum = 0;
  let disc = 1;
  for (let k = 1; k <= periods; k++) {
    const cur = f(k * periodLength);
    disc /= 1 + discount;
    sum += (cur - prev) * disc;
    prev = cur;
  }
  return sum;
}

export interface CustomerHistory {
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

export function bgnbdClv(p: BgNbdParams, gg: GammaGammaParams, c: CustomerHistory, opts?: ClvOptions): number {
  const ez = gammaGammaConditionalExpectedValue(gg, c.x, c.zbar);
  return customerLifetimeValue(ez, (t) => bgnbdConditionalExpected(p, t, c.x, c.tx, c.T), opts);
}

export function paretoClv(p: ParetoNbdParams, gg: GammaGammaParams, c: CustomerHistory, opts?: ClvOptions): number {
  const ez = gammaGammaConditionalExpectedValue(gg, c.x, c.zbar);
  return customerLifetimeValue(ez, (t) => paretoConditionalExpected(p, t, c.x, c.tx, c.T), opts);
}

/** 1 / E[λ | x, T, alive] in days: the typical time between orders (see nextOrderEstimate). */
export function expectedGapDays(r: number, alpha: number, x: number, T: number, unitDays = 7): number {
  return ((alpha + T) / (r + x)) * unitDays;
}

export interface NextOrderEstimate {
  /** Model-based mean time between orders, in days: 1 / E[λ | x, T, alive]. */
  avgDaysBetweenOrders: number;
  /** Observed mean gap t_x/x in days (null for one-time buyers). */
  observedAvgDaysBetweenOrders: number | null;
  /** asOf + avgDaysBetweenOrders, as YYYY-MM-DD. */
  expectedNextOrderDate: string;
}

/**
 * Method: in both BG/NBD and Pareto/NBD the purchase rate of a customer who is still alive has the
 * posterior λ | x, T ~ Gamma(r + x, α + T), so E[λ | data, alive] = (r + x)/(α + T). We report its
 * reciprocal as the typical time between orders (it shrinks the customer's own rate towards the
 * population rate r/α, so one-time and new customers get a sensible value), and — because purchases
 * are Poisson while alive, hence memoryless — the expected next order as asOf plus that gap.
 * The estimate is conditional on being alive; combine with P(alive) / risk level before acting.
 * `unitDays` converts the model's time unit to days (7 for weeks).
 */
export function nextOrderEstimate(r: number, alpha: number, c: { x: number; tx: number; T: number }, asOf: string | Date, unitDays = 7): NextOrderEstimate {
  const gap = expectedGapDays(r, alpha, c.x, c.T, unitDays);
  const asOfMs = typeof asOf === 'string' ? Date.parse(`${asOf.length === 8 ? `${asOf.slice(0, 4)}-${asOf.slice(4, 6)}-${asOf.slice(6)}` : asOf}T00:00:00Z`) : asOf.getTime();
  const next = new Date(asOfMs + Math.round(gap) * 86_400_000);
  return {
    avgDaysBetweenOrders: gap,
    observedAvgDaysBetweenOrders: c.x > 0 ? (c.tx / c.x) * unitDays : null,
    expectedNextOrderDate: next.toISOString().slice(0, 10),
  };
}
