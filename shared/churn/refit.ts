/**
 * The weekly model refit: read every customer summary (compact items only), refresh the base
 * statistics the rule and RFM use, fit Pareto/NBD (risk), Gamma-Gamma (spend) and BG/NBD (for
 * comparison) on all buyers or a uniform sample, and make the new parameters current only when
 * the fit is reliable. An unreliable fit keeps the previous version and is reported.
 */
import { baseStats, type ModelParams } from './model.js';
import { purchaseStats, type OrderSummary } from '../orders/decide.js';
import { fitModel, isFitReliable, type SummaryRow } from '../scoring/index.js';
import type { CustomerStore } from '../customers/port.js';
import type { ScoreStore } from './port.js';
import { forEachCustomerPage } from '../customers/scan.js';

export interface RefitDeps {
  customers: Pick<CustomerStore, 'scanCustomers'>;
  scores: ScoreStore;
  /** Uniform [0, 1): injected so sampling is reproducible in tests. */
  random: () => number;
}

export type RefitOutcome =
  | { kind: 'updated'; version: number; customers: number; sampled: number; params: ModelParams }
  | { kind: 'kept'; reasons: string[]; currentVersion?: number; customers: number; sampled: number };

async function allSummaries(store: Pick<CustomerStore, 'scanCustomers'>): Promise<Array<{ id: string; s: OrderSummary }>> {
  const out: Array<{ id: string; s: OrderSummary }> = [];
  await forEachCustomerPage(store, (customers) => void out.push(...customers.map((c) => ({ id: c.customerId, s: c.summary }))), 1000);
  return out;
}

/** Algorithm R: a uniform sample of k items in one pass. */
export function reservoir<T>(items: readonly T[], k: number, random: () => number): T[] {
  const sample = items.slice(0, k);
  for (let i = k; i < items.length; i++) {
    const j = Math.floor(random() * (i + 1));
    if (j < k) sample[j] = items[i]!;
  }
  return sample;
}

export function toSummaryRows(customers: Array<{ id: string; s: OrderSummary }>, now: Date): SummaryRow[] {
  return customers.flatMap(({ id, s }) => {
    const p = purchaseStats(s, now);
    // Time in weeks, as in the published work; same-day orders are already one purchase.
    return p ? [{ customerId: id, x: p.x, tx: p.recencyDays / 7, T: p.ageDays / 7, zbar: p.repeatValue }] : [];
  });
}

export async function refitModel(deps: RefitDeps, now: Date, opts: { sampleLimit: number }): Promise<RefitOutcome> {
  const customers = await allSummaries(deps.customers);
  await deps.scores.putBaseStats(baseStats(customers.map((c) => c.s), now));

  const rows = reservoir(toSummaryRows(customers, now), opts.sampleLimit, deps.random);
  const repeatBuyers = rows.filter((r) => r.x > 0).length;
  const current = (await deps.scores.getStoreModel()).params;
  const counts = { customers: customers.length, sampled: rows.length };

  const pareto = fitModel('pareto-nbd', rows);
  const verdict = isFitReliable(pareto, { customers: rows.length, repeatBuyers });
  if (!verdict.reliable) return { kind: 'kept', reasons: verdict.reasons, ...(current ? { currentVersion: current.version } : {}), ...counts };

  const spenders = rows.filter((r) => r.x > 0 && (r.zbar ?? 0) > 0);
  const gg = spenders.length >= 30 ? fitModel('gamma-gamma', spenders) : undefined;
  const bg = fitModel('bgnbd', rows);
  const params: ModelParams = {
    version: (current?.version ?? 0) + 1,
    fittedAt: now.toISOString(),
    paretoNbd: pareto.params,
    ...(gg?.converged ? { gammaGamma: gg.params } : {}),
    ...(bg.converged ? { bgnbd: bg.params } : {}),
    fit: { customers: rows.length, repeatBuyers, logLikelihood: pareto.logLikelihood, gradNorm: pareto.gradNorm },
  };
  if (!(await deps.scores.putModelParams(params))) {
    return { kind: 'kept', reasons: ['another refit stored a newer version first'], ...(current ? { currentVersion: current.version } : {}), ...counts };
  }
  return { kind: 'updated', version: params.version, params, ...counts };
}
