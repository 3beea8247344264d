// A simulated shop: customers acquired over time, each buying by one of the models' generative
// processes, recorded as whole purchase days — the input refit replays and evaluations need.
import type { CountModel } from './count-model.js';
import { beta, gamma, type Rng } from './simulate.js';

export interface ShopOptions {
  customers: number;
  /** Customers arrive uniformly over days [0, acquisitionDays). */
  acquisitionDays: number;
  /** Last simulated day (inclusive). */
  endDay: number;
  /** Days per model time unit. Default 7. */
  unitDays?: number;
}

/** Purchase times (model units, first purchase at 0) of one customer up to `horizon`. */
function purchaseTimes(m: CountModel, horizon: number, rng: Rng): number[] {
  const times = [0];
  const lambda = gamma(rng, m.params.r, m.params.alpha);
  if (m.model === 'pareto-nbd') {
    const life = -Math.log(rng()) / gamma(rng, m.params.s, m.params.beta);
    for (let t = -Math.log(rng()) / lambda; t <= Math.min(life, horizon); t += -Math.log(rng()) / lambda) times.push(t);
    return times;
  }
  const drop = beta(rng, m.params.a, m.params.b);
  // MBG/NBD may lose the customer at the first purchase already; BG/NBD only at repeat purchases.
  if (m.model === 'mbgnbd' && rng() < drop) return times;
  for (let t = -Math.log(rng()) / lambda; t <= horizon; t += -Math.log(rng()) / lambda) {
    times.push(t);
    if (rng() < drop) break;
  }
  return times;
}

/** Distinct ascending purchase days per customer (same-day purchases merge, as in real logs). */
export function simulateShop(m: CountModel, opts: ShopOptions, rng: Rng): number[][] {
  const unitDays = opts.unitDays ?? 7;
  const out: number[][] = [];
  for (let i = 0; i < opts.customers; i++) {
    const first = Math.floor(rng() * opts.acquisitionDays);
    const times = purchaseTimes(m, (opts.endDay - first + 1) / unitDays, rng);
    const days = times.map((t) => first + Math.floor(t * unitDays)).filter((d) => d <= opts.endDay);
    out.push([...new Set(days)]);
  }
  return out;
}
