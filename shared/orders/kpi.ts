/**
 * What an applied order event adds to the shop's KPI counters (shared/platform/table/counters.ts),
 * decided from the same state and decision as the summary, so it commits in the same guarded
 * transaction: a duplicate (no decision to apply) counts nothing.
 *
 * A purchase day (same-day orders are one purchase) is the unit: its appearance makes the
 * customer new (their first day) or returning, and a reactivation when it is the first day after
 * the sweep judged them at risk or churned against their then last order. Cancellations and full
 * refunds that make a day disappear subtract what its appearance added. Cohort retention counts a
 * customer once per calendar month they buy in; `marks` (on the customer item) remembers their
 * purchase days per month and their reactivation days, so those counts can be undone exactly.
 */
import type { RiskState } from '../customers/record.js';
import { CAMPAIGN_CONVERTED, CAMPAIGN_REVENUE, CLICK_ORDERS, CLICK_REVENUE, CONVERSION_DAYS, KPI, cohortCounter, deltaFor, mergeDeltas, type KpiDelta, type Touch } from '../platform/table/counters.js';
import { DAY_MS } from '../platform/time.js';
import { orderContribution, type OrderDecision, type PurchaseDays, type OrderState, type OrderSummary } from './decide.js';

export interface KpiMarks {
  /** Purchase days per UTC month (yyyy-mm). */
  months: Record<string, number>;
  /** Purchase days counted as reactivations. */
  react: string[];
}

export const emptyMarks = (): KpiMarks => ({ months: {}, react: [] });

type Applied = Extract<OrderDecision, { kind: 'apply' }>;

const contribution = (o: OrderState) =>
  orderContribution({ placed: !!o.placedAt, cancelled: !!o.cancelledAt, ...(o.total !== undefined ? { total: o.total } : {}), refunded: o.refunded });

export function orderKpi(
  customerId: string,
  given: { order: OrderState; days: PurchaseDays; summary: OrderSummary },
  decision: Applied,
  ctx: { risk?: RiskState; marks: KpiMarks; touches?: Record<string, Touch>; lastClick?: { campaignId: string; at: string }; attributionDays?: number },
): { deltas: KpiDelta[]; marks: KpiMarks | null; touches?: Record<string, Touch> } {
  const before = contribution(given.order);
  const after = contribution(decision.order);
  const day = decision.order.day;
  if (!day || (before.orders === after.orders && before.spend === after.spend)) return { deltas: [], marks: null };
  const orders = after.orders - before.orders;
  const spend = after.spend - before.spend;
  const out: KpiDelta[] = [deltaFor(customerId, day, { [KPI.orders]: orders, [KPI.revenue]: spend })];
  const touches = campaignCredit(customerId, day, decision.order.placedAt!, orders, spend, ctx, out);
  const add = (d: string, counts: Record<string, number>) => out.push(deltaFor(customerId, d, counts));
  const oldCount = given.days[day]?.count ?? 0;
  const newCount = decision.day ? (decision.day.state?.count ?? 0) : oldCount;
  const s0 = given.summary;
  const s1 = decision.summary;
  const month = day.slice(0, 7);
  let marks: KpiMarks | null = null;

  if (oldCount === 0 && newCount > 0) {
    marks = { months: { ...ctx.marks.months }, react: [...ctx.marks.react] };
    if (!s0.firstDay || day < s0.firstDay) {
      add(day, { [KPI.newCustomers]: 1 });
      // A late order before the first one known: that day becomes a return.
      if (s0.firstDay) add(s0.firstDay, { [KPI.newCustomers]: -1, [KPI.returning]: 1 });
    } else add(day, { [KPI.returning]: 1 });
    const r = ctx.risk;
    if (s0.lastDay && day > s0.lastDay && r && r.level !== 'active' && r.lastOrderDay === s0.lastDay) {
      add(day, { [KPI.reactivated]: 1 });
      marks.react.push(day);
    }
    marks.months[month] = (marks.months[month] ?? 0) + 1;
  } else if (oldCount > 0 && newCount === 0) {
    marks = { months: { ...ctx.marks.months }, react: ctx.marks.react.filter((d) => d !== day) };
    if (day === s0.firstDay) {
      add(day, { [KPI.newCustomers]: -1 });
      if (s1.firstDay) add(s1.firstDay, { [KPI.newCustomers]: 1, [KPI.returning]: -1 });
    } else add(day, { [KPI.returning]: -1 });
    if (marks.react.length !== ctx.marks.react.length) add(day, { [KPI.reactivated]: -1 });
    const left = (marks.months[month] ?? 1) - 1;
    if (left > 0) marks.months[month] = left;
    else delete marks.months[month];
  }
  if (marks) out.push(...cohortChange(customerId, day, { marks: ctx.marks, firstDay: s0.firstDay }, { marks, firstDay: s1.firstDay }));
  return { deltas: mergeDeltas(out), marks, ...(touches ? { touches } : {}) };
}

/**
 * Cohort retention counts (first-order month C, month M) once per customer and month bought in:
 * the difference between the terms before and after. Usually one term (a first purchase in a
 * month); all of them move when the first purchase month itself moves (a late earlier order, or
 * the first purchase undone), the other months' terms on their first day's item (the report
 * sums a month's days).
 */
function cohortChange(customerId: string, day: string, before: { marks: KpiMarks; firstDay?: string }, after: { marks: KpiMarks; firstDay?: string }): KpiDelta[] {
  const terms = (x: { marks: KpiMarks; firstDay?: string }) => new Set(x.firstDay ? Object.keys(x.marks.months).map((m) => `${m}|${cohortCounter(x.firstDay!.slice(0, 7))}`) : []);
  const [was, is] = [terms(before), terms(after)];
  const at = (term: string) => {
    const [m, counter] = term.split('|') as [string, string];
    return { d: m === day.slice(0, 7) ? day : `${m}-01`, counter };
  };
  return [
    ...[...is].filter((x) => !was.has(x)).map((x) => ({ ...at(x), n: 1 })),
    ...[...was].filter((x) => !is.has(x)).map((x) => ({ ...at(x), n: -1 })),
  ].map(({ d, counter, n }) => deltaFor(customerId, d, { [counter]: n }));
}

/**
 * An order's credit to campaigns, on its own day item: a conversion of each campaign that decided
 * about the customer (mailed or held out) within CONVERSION_DAYS before it (the first order per
 * decision makes the converter, every order adds revenue), and a last-touch order of the campaign
 * last clicked within the attribution window. Returns the touches newly marked converted.
 */
function campaignCredit(customerId: string, day: string, placedAt: string, orders: number, spend: number, ctx: Parameters<typeof orderKpi>[3], out: KpiDelta[]): Record<string, Touch> | undefined {
  const placed = Date.parse(placedAt);
  const counts: Record<string, number> = {};
  let marked: Record<string, Touch> | undefined;
  for (const [campaignId, t] of Object.entries(ctx.touches ?? {})) {
    const at = Date.parse(t.at);
    if (!(placed > at && placed <= at + CONVERSION_DAYS * DAY_MS)) continue;
    counts[`${CAMPAIGN_REVENUE[t.g]}${campaignId}`] = spend;
    if (orders > 0 && !t.conv) {
      counts[`${CAMPAIGN_CONVERTED[t.g]}${campaignId}`] = 1;
      (marked ??= {})[campaignId] = { ...t, conv: true };
    }
  }
  const click = ctx.lastClick;
  if (click && placed >= Date.parse(click.at) && placed - Date.parse(click.at) <= (ctx.attributionDays ?? 5) * DAY_MS) {
    counts[`${CLICK_ORDERS}${click.campaignId}`] = orders;
    counts[`${CLICK_REVENUE}${click.campaignId}`] = spend;
  }
  if (Object.keys(counts).length) out.push(deltaFor(customerId, day, counts));
  return marked;
}
