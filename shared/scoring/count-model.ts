// One interface over the purchase/dropout models, so selection, ranking and scoring do not care
// which model won. Time is in the model's unit (weeks in Engage).
import { bgnbdExpected, bgnbdExpectedIfAlive, bgnbdPAlive, type BgNbdParams } from './bgnbd.js';
import { mbgnbdExpected, mbgnbdExpectedIfAlive, mbgnbdPAlive, type MbgNbdParams } from './mbgnbd.js';
import { paretoExpected, paretoExpectedIfAlive, paretoPAlive, type ParetoNbdParams } from './pareto-nbd.js';
import { paretoPurchaseProbIfAlive } from './pareto-tail.js';

export type CountModel =
  | { model: 'bgnbd'; params: BgNbdParams }
  | { model: 'mbgnbd'; params: MbgNbdParams }
  | { model: 'pareto-nbd'; params: ParetoNbdParams };

export function pAlive(m: CountModel, x: number, tx: number, T: number): number {
  switch (m.model) {
    case 'bgnbd': return bgnbdPAlive(m.params, x, tx, T);
    case 'mbgnbd': return mbgnbdPAlive(m.params, x, tx, T);
    case 'pareto-nbd': return paretoPAlive(m.params, x, tx, T);
  }
}

/** E[X(t) | alive at T, x]: expected purchases in (T, T+t] of a customer known to be alive. */
export function expectedIfAlive(m: CountModel, t: number, x: number, T: number): number {
  switch (m.model) {
    case 'bgnbd': return bgnbdExpectedIfAlive(m.params, t, x, T);
    case 'mbgnbd': return mbgnbdExpectedIfAlive(m.params, t, x, T);
    case 'pareto-nbd': return paretoExpectedIfAlive(m.params, t, x, T);
  }
}

export function conditionalExpected(m: CountModel, t: number, x: number, tx: number, T: number): number {
  return pAlive(m, x, tx, T) * expectedIfAlive(m, t, x, T);
}

/** Unconditional E[X(t)] for a customer just acquired. */
export function unconditionalExpected(m: CountModel, t: number): number {
  switch (m.model) {
    case 'bgnbd': return bgnbdExpected(m.params, t);
    case 'mbgnbd': return mbgnbdExpected(m.params, t);
    case 'pareto-nbd': return paretoExpected(m.params, t);
  }
}

/**
 * P(at least one purchase in (T, T+t] | alive at T). In BG/NBD and MBG/NBD dropout happens only
 * at a purchase, so this is P(the Gamma(r+x, α+T)-mixed Poisson fires) = 1 − ((α+T)/(α+T+t))^(r+x).
 */
export function purchaseProbIfAlive(m: CountModel, t: number, x: number, T: number): number {
  if (!(t > 0)) return 0;
  if (m.model === 'pareto-nbd') return paretoPurchaseProbIfAlive(m.params, t, x, T);
  const { r, alpha } = m.params;
  return -Math.expm1(-(r + x) * Math.log1p(t / (alpha + T)));
}

/** P(no purchase in (T, T+t] | x, t_x, T): dead, or alive and not buying. */
export function probNoPurchase(m: CountModel, t: number, x: number, tx: number, T: number): number {
  return 1 - pAlive(m, x, tx, T) * purchaseProbIfAlive(m, t, x, T);
}
