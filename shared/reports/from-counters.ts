/**
 * KPIs from the counters (shared/platform/table/counters.ts): the days of the months read, summed
 * over their shards, the sweep's aggregate of the base, and each campaign's engagement. Pure.
 * Same shape and meaning as README "KPIs" says; what a sum of counters cannot rank (CLV tiers) or
 * keep (who bought when) comes from the sweep's aggregate.
 */
import { liftReport } from '../campaigns/lift.js';
import { CAMPAIGN_CONTROL, CAMPAIGN_CONVERTED, CAMPAIGN_REVENUE, CAMPAIGN_SENT, CAMPAIGN_UNSUBSCRIBED, CLICK_ORDERS, CLICK_REVENUE, COHORT_PREFIX, KPI, type KpiCounts } from '../platform/table/counters.js';
import { DAY_MS, isoDate, localDate } from '../platform/time.js';
import { clvTiersOf, emptyAggregate, rfmGridOf, type BaseAggregate } from './base.js';
import type { CampaignKpi, CohortRow, KpiData, KpiQuery, LowComment, PeriodKpi } from './kpis.js';

export interface CounterRead {
  currency: string;
  timeZone: string;
  /** UTC day → the counters of that day, summed over shards. */
  days: Map<string, KpiCounts>;
  /** The latest complete sweep run's aggregate (absent before the first). */
  base?: BaseAggregate;
  engagement: Map<string, { delivered?: number; opened?: number; clicked?: number; bounced?: number }>;
  lowComments: LowComment[];
}

const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const addDay = (d: string, n: number) => new Date(dayMs(d) + n * DAY_MS).toISOString().slice(0, 10);
/** The Monday of the ISO week of a day. */
export const weekOf = (d: string) => addDay(d, -((new Date(dayMs(d)).getUTCDay() + 6) % 7));
const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
const monthOf = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/** The report's window: its day keys, week keys and cohort months, and so the months to read. */
export function kpiWindow(q: KpiQuery, timeZone: string) {
  const today = isoDate(localDate(q.now, timeZone));
  const nDays = q.days ?? 30;
  const nWeeks = q.weeks ?? 26;
  const dayKeys = Array.from({ length: nDays }, (_, i) => addDay(today, i - nDays + 1));
  const weekKeys = Array.from({ length: nWeeks }, (_, i) => addDay(weekOf(today), 7 * (i - nWeeks + 1)));
  const cohortMonths = q.cohortMonths ?? 12;
  // One day of slack on either side: counters are UTC days, the window is the shop's days.
  const first = Math.min(monthIndex(addDay(dayKeys[0] ?? today, -1)), monthIndex(addDay(weekKeys[0] ?? today, -1)), monthIndex(today) - cohortMonths + 1);
  const last = monthIndex(addDay(today, 1));
  const months = Array.from({ length: last - first + 1 }, (_, i) => monthOf(first + i));
  return { today, dayKeys, weekKeys, cohortMonths, months };
}

function period(period: string, c: KpiCounts): PeriodKpi {
  const g = (k: string) => c[k] ?? 0;
  const buyers = g(KPI.newCustomers) + g(KPI.returning);
  const csatN = g(KPI.csatResponses);
  const npsN = g(KPI.npsResponses);
  return {
    period,
    newCustomers: g(KPI.newCustomers),
    returningCustomers: g(KPI.returning),
    reactivated: g(KPI.reactivated),
    churned: g(KPI.churned),
    upgraded: g(KPI.upgraded),
    downgraded: g(KPI.downgraded),
    orders: g(KPI.orders),
    revenue: round2(g(KPI.revenue)),
    aov: g(KPI.orders) ? round2(g(KPI.revenue) / g(KPI.orders)) : null,
    repeatPurchaseRate: buyers ? g(KPI.returning) / buyers : null,
    csat: { responses: csatN, average: csatN ? round2(g(KPI.csatSum) / csatN) : null },
    nps: { responses: npsN, score: npsN ? Math.round(((g(KPI.npsPromoters) - g(KPI.npsDetractors)) / npsN) * 100) : null },
  };
}

const sum = (into: KpiCounts, c: KpiCounts | undefined) => {
  for (const [k, v] of Object.entries(c ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
};

export function kpisFromCounters(r: CounterRead, q: KpiQuery): KpiData {
  const w = kpiWindow(q, r.timeZone);
  const weekSums = new Map<string, KpiCounts>(w.weekKeys.map((k) => [k, {}]));
  const all: KpiCounts = {};
  const since30 = addDay(w.today, -29);
  const recent: KpiCounts = {};
  for (const [day, c] of r.days) {
    const wk = weekSums.get(weekOf(day));
    if (wk) sum(wk, c);
    sum(all, c);
    if (day >= since30 && day <= w.today) sum(recent, c);
  }
  const b = r.base ?? emptyAggregate();
  return {
    generatedAt: q.now.toISOString(),
    currency: r.currency,
    timeZone: r.timeZone,
    days: w.dayKeys.map((d) => period(d, r.days.get(d) ?? {})),
    weeks: w.weekKeys.map((k) => period(k, weekSums.get(k)!)),
    totals: {
      customers: b.customers,
      buyers: b.buyers,
      repeatBuyers: b.repeatBuyers,
      repeatPurchaseRate: b.buyers ? b.repeatBuyers / b.buyers : null,
      orders: b.orders,
      revenue: round2(b.revenue),
      aov: b.orders ? round2(b.revenue / b.orders) : null,
    },
    flow: { new: recent[KPI.newCustomers] ?? 0, active: b.byLevel.active, atRisk: b.byLevel['at-risk'], churned: b.byLevel.churned, reactivated: recent[KPI.reactivated] ?? 0 },
    risk: { byLevel: { ...b.byLevel }, pAliveHistogram: [...b.pAlive] },
    rfm: rfmGridOf(b),
    cohorts: cohorts(r.days, w.today, w.cohortMonths),
    clvByTier: clvTiersOf(b),
    campaigns: campaigns(all, r.engagement),
    lowComments: [...r.lowComments].sort((x, y) => y.at.localeCompare(x.at)).slice(0, 200),
  };
}

/** Cohort C's size is its new customers (net of orders undone); month C + k's retention is the
 * C-cohort buyers counted in month C + k's days. */
function cohorts(days: Map<string, KpiCounts>, today: string, months: number): CohortRow[] {
  const last = monthIndex(today);
  const byMonth = new Map<number, KpiCounts>();
  for (const [day, c] of days) {
    const m = monthIndex(day);
    byMonth.set(m, sum(byMonth.get(m) ?? {}, c));
  }
  const rows: CohortRow[] = [];
  for (let c = last - months + 1; c <= last; c++) {
    const size = byMonth.get(c)?.[KPI.newCustomers] ?? 0;
    if (size <= 0) continue;
    const key = `${COHORT_PREFIX}${monthOf(c)}`;
    rows.push({ cohort: monthOf(c), size, retention: Array.from({ length: last - c + 1 }, (_, k) => (byMonth.get(c + k)?.[key] ?? 0) / size) });
  }
  return rows;
}

function campaigns(all: KpiCounts, engagement: CounterRead['engagement']): CampaignKpi[] {
  const ids = new Set<string>();
  for (const k of Object.keys(all)) if (k.startsWith(CAMPAIGN_SENT) || k.startsWith(CAMPAIGN_CONTROL)) ids.add(k.slice(2));
  return [...ids].sort().map((id) => {
    const g = (prefix: string) => all[`${prefix}${id}`] ?? 0;
    const recipients = { members: g(CAMPAIGN_SENT), converters: g(CAMPAIGN_CONVERTED.s), revenue: g(CAMPAIGN_REVENUE.s) };
    const control = { members: g(CAMPAIGN_CONTROL), converters: g(CAMPAIGN_CONVERTED.c), revenue: g(CAMPAIGN_REVENUE.c) };
    const e = engagement.get(id);
    return {
      campaignId: id,
      sent: recipients.members,
      ...(e?.delivered ? { delivered: e.delivered, opened: e.opened ?? 0, clicked: e.clicked ?? 0 } : { delivered: null, opened: null, clicked: null }),
      unsubscribed: g(CAMPAIGN_UNSUBSCRIBED),
      bounced: e?.bounced ?? 0,
      control: control.members,
      converted: recipients.converters,
      revenue: round2(recipients.revenue),
      clickOrders: g(CLICK_ORDERS),
      clickRevenue: round2(g(CLICK_REVENUE)),
      lift: liftReport(recipients, control),
    };
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;
