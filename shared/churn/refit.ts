/**
 * The weekly model refit, as a bulk run (shared/platform/bulk.ts): each parallel-scan segment
 * folds its customers into partial base statistics and keeps its bottom-k sample of buyers
 * (sampleSegment, a Task that pages until its time budget and leaves its state in the partials
 * store); once every segment is done, the fit (finishRefit) merges the partials into statistics of
 * the whole base and one uniform sample of up to `sampleLimit` buyers (churn/sample.ts), reads
 * the sample's purchase days, and lets planRefit choose the model on two consecutive hold-outs
 * (BG/NBD, MBG/NBD, Pareto/NBD), fit the ranked-level cut points and refit the winner on all
 * data. Only an accepted plan becomes the new model version (with Gamma-Gamma for spend); a
 * refused one keeps the previous version. Every refit refreshes the base statistics and stores a
 * report of what it decided and why. No step holds more than one segment or the sample.
 */
import type { ModelParams, RefitReport } from './model.js';
import { purchaseStats, type OrderSummary } from '../orders/decide.js';
import { fitModel, gapObservationsFromDays, planRefit, type ModelChoice, type SummaryRow } from '../scoring/index.js';
import type { CustomerStore, Cursor } from '../customers/port.js';
import type { ScoreStore } from './port.js';
import { pageThroughSegment } from '../customers/scan.js';
import type { RunFinish, SegmentTask } from '../platform/bulk.js';
import { DAY_MS } from '../platform/time.js';
import { addCustomer, baseStatsFrom, emptyBase, loadBase, mergeBase, storeBase } from './base-partial.js';
import { partialKey, type RefitPartials } from './partials.js';
import { BottomK, mergeSamples, sampleKey, type SampleRow } from './sample.js';

export interface RefitOptions {
  /** Customers sampled for the fit (their purchase days are read from their customer items, 100 a request). */
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
  /** Sampled customers whose summary shows purchases but who had no purchase day (left out). */
  missing: number;
}

interface Counts {
  customers: number;
  sampled: number;
  dayReads: DayReads;
  /** Segments whose partial was not there (failed within the run's tolerance): fitted without them. */
  segmentsMissing: number;
}

export type RefitOutcome =
  /** notes: what the version lacks, e.g. no Gamma-Gamma (then no CLV or priority). */
  | ({ kind: 'updated'; version: number; params: ModelParams; notes: string[] } & Counts)
  | ({ kind: 'kept'; reasons: string[]; currentVersion?: number; choice: ModelChoice | null } & Counts);

/** Fewer repeat buyers with spend leave Gamma-Gamma's three parameters poorly determined. */
const MIN_SPENDERS = 30;

export interface SegmentSampleDeps {
  customers: Pick<CustomerStore, 'scanCustomers'>;
  partials: RefitPartials;
}

/** One segment of the refit: from its cursor's stored state, page until the budget, store the state where it stopped. */
export async function sampleSegment(
  deps: SegmentSampleDeps,
  task: SegmentTask,
  opts: { pageSize: number; shouldYield: () => boolean; sampleLimit: number },
): Promise<{ scanned: number; candidates: number; cursor?: Cursor }> {
  const now = new Date(task.scheduledTime);
  const prior = task.cursor ? await deps.partials.get(partialKey(task, task.segment, task.cursor)) : undefined;
  // Retryable: a partial written just now may not be readable yet; a lost one fails the segment.
  if (task.cursor && !prior) throw new Error(`refit segment ${task.segment}: no partial stored for its cursor`);
  const base = prior ? loadBase(prior.base) : emptyBase();
  const keep = new BottomK(opts.sampleLimit, task.keepBelow ?? 1, prior?.sample ?? []);
  const paged = await pageThroughSegment(deps.customers, task, opts, async (customers) => {
    for (const c of customers) {
      addCustomer(base, c.summary, now);
      if (c.summary.firstDay) keep.offer({ id: c.customerId, key: sampleKey(c.customerId), s: c.summary });
    }
  });
  const sample = keep.sample();
  await deps.partials.put(partialKey(task, task.segment, paged.cursor ?? 'final'), { base: storeBase(base), sample });
  return { scanned: paged.scanned, candidates: sample.length, ...(paged.cursor ? { cursor: paged.cursor } : {}) };
}

export function toSummaryRows(customers: readonly { id: string; s: OrderSummary }[], now: Date): SummaryRow[] {
  return customers.flatMap(({ id, s }) => {
    const p = purchaseStats(s, now);
    // Time in weeks, as in the published work; same-day orders are already one purchase.
    return p ? [{ customerId: id, x: p.x, tx: p.recencyDays / 7, T: p.ageDays / 7, zbar: p.repeatValue }] : [];
  });
}

export interface FitDeps {
  scores: ScoreStore;
  partials: RefitPartials;
}

/** The fit, once every segment is done: merge, read the sample's days, plan, store. */
export async function finishRefit(deps: FitDeps, run: RunFinish, opts: RefitOptions): Promise<RefitOutcome> {
  const now = new Date(run.scheduledTime);
  const parts = await Promise.all(Array.from({ length: run.totalSegments }, (_, n) => deps.partials.get(partialKey(run, n, 'final'))));
  const base = emptyBase();
  for (const p of parts) if (p) mergeBase(base, loadBase(p.base));
  const sample = mergeSamples(parts.map((p) => p?.sample ?? []), opts.sampleLimit);
  return fitSample(deps.scores, { base, sample, segmentsMissing: parts.filter((p) => !p).length }, now, opts);
}

async function fitSample(scores: ScoreStore, merged: { base: ReturnType<typeof emptyBase>; sample: SampleRow[]; segmentsMissing: number }, now: Date, opts: RefitOptions): Promise<RefitOutcome> {
  const { base, sample, segmentsMissing } = merged;
  const read = await scores.readPurchaseDays(sample.map((c) => c.id));
  const today = Math.floor(now.getTime() / DAY_MS);
  // An order placed while the refit runs may show in the days but not in "now": judge as of now.
  const histories = sample.map((c) => (read.days.get(c.id) ?? []).filter((d) => d <= today)).filter((d) => d.length > 0);
  const dayReads: DayReads = { queries: read.queries, items: read.items, missing: sample.length - histories.length };
  const gaps = histories.flatMap((d) => gapObservationsFromDays(d, today));
  await scores.putBaseStats(baseStatsFrom(base, now, gaps.length ? { observations: gaps, customers: histories.length } : undefined));

  const counts: Counts = { customers: base.customers, sampled: histories.length, dayReads, segmentsMissing };
  const missingNote = segmentsMissing ? [`${segmentsMissing} segment(s) of the run failed: sampled and counted without them`] : [];
  const current = (await scores.getStoreModel()).params;
  const plan = planRefit(histories, today, { horizonDays: opts.horizonDays, bound: opts.bound });
  const kept = async (reasons: string[]): Promise<RefitOutcome> => {
    const outcome = { kind: 'kept' as const, reasons: [...reasons, ...missingNote], ...(current ? { currentVersion: current.version } : {}), choice: plan.choice, ...counts };
    await scores.putRefitReport(report(outcome, now));
    return outcome;
  };
  // The fit retried after it stored (a Task retry): this run's version is there already.
  if (current?.fittedAt === now.toISOString()) return { kind: 'updated', version: current.version, params: current, notes: ['stored by an earlier attempt of this run'], ...counts };
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
  if (!(await scores.putModelParams(params))) return kept(['another refit stored a newer version first']);
  const outcome: RefitOutcome = { kind: 'updated', version: params.version, params, notes: [...notes, ...missingNote], ...counts };
  await scores.putRefitReport(report(outcome, now));
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
