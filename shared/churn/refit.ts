/**
 * The weekly model refit: read every customer summary (compact items only), take a uniform sample
 * of buyers, read the sampled customers' purchase days, and let planRefit choose the model on two
 * consecutive hold-outs (BG/NBD, MBG/NBD, Pareto/NBD), fit the ranked-level cut points and refit the winner on
 * all data. Only an accepted plan becomes the new model version (with Gamma-Gamma for spend); a
 * refused one keeps the previous version. Every refit refreshes the base statistics (Kaplan–Meier
 * gap percentiles for the rule, RFM cuts) and stores a report of what it decided and why.
 */
import { baseStats, type ModelParams, type RefitReport } from './model.js';
import { purchaseStats, type OrderSummary } from '../orders/decide.js';
import { fitModel, gapObservationsFromDays, planRefit, type ModelChoice, type SummaryRow } from '../scoring/index.js';
import type { CustomerStore } from '../customers/port.js';
import type { ScoreStore } from './port.js';
import { forEachCustomerPage } from '../customers/scan.js';
import { DAY_MS } from '../platform/time.js';

export interface RefitDeps {
  customers: Pick<CustomerStore, 'scanCustomers'>;
  scores: ScoreStore;
  /** Uniform [0, 1): injected so sampling is reproducible in tests. */
  random: () => number;
}

export interface RefitOptions {
  /** Customers sampled for the fit (their purchase days are read one query each). */
  sampleLimit: number;
  /** Refuse unless a model forecasts both hold-outs (latest and one period earlier) within this (relative, beyond one standard error). */
  bound: number;
  /** Horizon H in days of E[X(H)], P(lapse) and the levels. */
  horizonDays: number;
}

/** Cost of reading the sample's purchase days. */
export interface DayReads {
  queries: number;
  items: number;
  /** Sampled customers whose summary shows purchases but who had no DAY# item (left out). */
  missing: number;
}

interface Counts {
  customers: number;
  sampled: number;
  dayReads: DayReads;
}

export type RefitOutcome =
  /** notes: what the version lacks, e.g. no Gamma-Gamma (then no CLV or priority). */
  | ({ kind: 'updated'; version: number; params: ModelParams; notes: string[] } & Counts)
  | ({ kind: 'kept'; reasons: string[]; currentVersion?: number; choice: ModelChoice | null } & Counts);

type Summarized = { id: string; s: OrderSummary };

/** Fewer repeat buyers with spend leave Gamma-Gamma's three parameters poorly determined. */
const MIN_SPENDERS = 30;

async function allSummaries(store: Pick<CustomerStore, 'scanCustomers'>): Promise<Summarized[]> {
  const out: Summarized[] = [];
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

export function toSummaryRows(customers: readonly Summarized[], now: Date): SummaryRow[] {
  return customers.flatMap(({ id, s }) => {
    const p = purchaseStats(s, now);
    // Time in weeks, as in the published work; same-day orders are already one purchase.
    return p ? [{ customerId: id, x: p.x, tx: p.recencyDays / 7, T: p.ageDays / 7, zbar: p.repeatValue }] : [];
  });
}

export async function refitModel(deps: RefitDeps, now: Date, opts: RefitOptions): Promise<RefitOutcome> {
  const customers = await allSummaries(deps.customers);
  const sample = reservoir(customers.filter((c) => c.s.firstDay), opts.sampleLimit, deps.random);
  const read = await deps.scores.readPurchaseDays(sample.map((c) => c.id));
  const today = Math.floor(now.getTime() / DAY_MS);
  // An order placed while the refit runs may show in the days but not in "now": judge as of now.
  const histories = sample.map((c) => (read.days.get(c.id) ?? []).filter((d) => d <= today)).filter((d) => d.length > 0);
  const dayReads: DayReads = { queries: read.queries, items: read.items, missing: sample.length - histories.length };
  const gaps = histories.flatMap((d) => gapObservationsFromDays(d, today));
  await deps.scores.putBaseStats(baseStats(customers.map((c) => c.s), now, gaps.length ? gaps : undefined));

  const counts: Counts = { customers: customers.length, sampled: histories.length, dayReads };
  const current = (await deps.scores.getStoreModel()).params;
  const plan = planRefit(histories, today, { horizonDays: opts.horizonDays, bound: opts.bound });
  const kept = async (reasons: string[]): Promise<RefitOutcome> => {
    const outcome = { kind: 'kept' as const, reasons, ...(current ? { currentVersion: current.version } : {}), choice: plan.choice, ...counts };
    await deps.scores.putRefitReport(report(outcome, now));
    return outcome;
  };
  if (!plan.accepted || !plan.choice) return kept(plan.reasons);

  const spenders = toSummaryRows(sample, now).filter((r) => r.x > 0 && (r.zbar ?? 0) > 0);
  const gg = spenders.length >= MIN_SPENDERS ? fitModel('gamma-gamma', spenders) : undefined;
  const notes = gg?.converged ? [] : [gg ? 'gamma-gamma did not converge: no CLV or priority with this version' : `only ${spenders.length} repeat buyers with spend (need ≥ ${MIN_SPENDERS} for gamma-gamma): no CLV or priority with this version`];
  const choice = plan.choice;
  const params: ModelParams = {
    version: (current?.version ?? 0) + 1,
    fittedAt: now.toISOString(),
    choice,
    horizonDays: opts.horizonDays,
    ...(gg?.converged ? { gammaGamma: gg.params } : {}),
    fit: { customers: choice.customers, repeatBuyers: choice.repeatBuyers, logLikelihood: choice.logLikelihood },
  };
  if (!(await deps.scores.putModelParams(params))) return kept(['another refit stored a newer version first']);
  const outcome: RefitOutcome = { kind: 'updated', version: params.version, params, notes, ...counts };
  await deps.scores.putRefitReport(report(outcome, now));
  return outcome;
}

function report(o: RefitOutcome, now: Date): RefitReport {
  return {
    at: now.toISOString(),
    outcome: o.kind,
    reasons: o.kind === 'kept' ? o.reasons : o.notes,
    ...(o.kind === 'updated' ? { currentVersion: o.version } : o.currentVersion !== undefined ? { currentVersion: o.currentVersion } : {}),
    customers: o.customers,
    sampled: o.sampled,
    choice: o.kind === 'updated' ? (o.params.choice ?? null) : o.choice,
  };
}
