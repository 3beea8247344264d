/**
 * KPIs from a snapshot of stored state: what the scan adapter gathers (customers, purchase days,
 * orders, loyalty, sends, surveys). Pure. Transitions the table does not keep a history of are
 * derived from the current state or the purchase days, as README "KPIs" says for each.
 */
import { campaignReport } from '../campaigns/results.js';
import type { SendRecord } from '../campaigns/port.js';
import type { CustomerRecord } from '../customers/record.js';
import type { SurveyState } from '../surveys/response.js';
import { rfmScores } from '../scoring/rfm.js';
import { DAY_MS, isoDate, localDate } from '../platform/time.js';
import type { CampaignKpi, CohortRow, KpiData, KpiQuery, LowComment, PeriodKpi, ValueTier } from './kpis.js';

export interface KpiSnapshot {
  currency: string;
  timeZone: string;
  customers: CustomerRecord[];
  /** Purchase days (a day with at least one active order) per customer, any order. */
  purchaseDays: Map<string, string[]>;
  /** Active orders (cancelled and fully refunded ones excluded), net of refunds. */
  orders: Array<{ customerId: string; placedAt: string; day: string; net: number }>;
  loyalty: Array<{ customerId: string; tier: string; tierSince: string }>;
  /** The base tier's id (customers start there; any later tier was reached by an upgrade). */
  baseTier?: string;
  sends: Array<SendRecord & { customerId: string }>;
  surveys: SurveyState[];
  /** The gap (days) beyond which a one-time buyer is at risk: the shop's 75th-percentile gap. */
  oneTimeAtRiskDays: number;
  atRiskMultiple: number;
}

const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const addDay = (d: string, n: number) => new Date(dayMs(d) + n * DAY_MS).toISOString().slice(0, 10);
/** The Monday of the ISO week of a day. */
export const weekOf = (d: string) => addDay(d, -((new Date(dayMs(d)).getUTCDay() + 6) % 7));
const LOW = { csat: 2, nps: 6 } as const;

function emptyPeriod(period: string): PeriodKpi {
  return { period, newCustomers: 0, returningCustomers: 0, reactivated: 0, churned: 0, upgraded: 0, downgraded: null, orders: 0, revenue: 0, aov: null, repeatPurchaseRate: null, csat: { responses: 0, average: null }, nps: { responses: 0, score: null } };
}

/** A purchase day is a reactivation when the gap before it exceeds the at-risk threshold as the
 * rule judges it then: 2× the customer's own average gap so far, or for a second purchase the
 * shop's 75th-percentile gap. */
export function reactivationDays(days: readonly string[], s: Pick<KpiSnapshot, 'oneTimeAtRiskDays' | 'atRiskMultiple'>): string[] {
  const out: string[] = [];
  for (let i = 1; i < days.length; i++) {
    const gap = (dayMs(days[i]!) - dayMs(days[i - 1]!)) / DAY_MS;
    const threshold = i === 1 ? s.oneTimeAtRiskDays : (s.atRiskMultiple * (dayMs(days[i - 1]!) - dayMs(days[0]!))) / DAY_MS / (i - 1);
    if (gap > threshold) out.push(days[i]!);
  }
  return out;
}

export function computeKpis(s: KpiSnapshot, q: KpiQuery): KpiData {
  const today = isoDate(localDate(q.now, s.timeZone));
  const localDay = (iso: string) => isoDate(localDate(new Date(iso), s.timeZone));
  const dayKeys = Array.from({ length: q.days ?? 30 }, (_, i) => addDay(today, i - (q.days ?? 30) + 1));
  const weekKeys = Array.from({ length: q.weeks ?? 26 }, (_, i) => addDay(weekOf(today), 7 * (i - (q.weeks ?? 26) + 1)));
  const days = new Map(dayKeys.map((d) => [d, emptyPeriod(d)]));
  const weeks = new Map(weekKeys.map((w) => [w, emptyPeriod(w)]));
  const bump = (day: string, f: (p: PeriodKpi) => void) => {
    const d = days.get(day);
    if (d) f(d);
    const w = weeks.get(weekOf(day));
    if (w) f(w);
  };

  let reactivatedRecently = 0;
  const since30 = addDay(today, -29);
  for (const [, pd] of s.purchaseDays) {
    pd.forEach((d, i) => bump(d, (p) => (i === 0 ? p.newCustomers++ : p.returningCustomers++)));
    for (const d of reactivationDays(pd, s)) {
      bump(d, (p) => p.reactivated++);
      if (d >= since30) reactivatedRecently++;
    }
  }
  for (const o of s.orders) bump(o.day, (p) => ((p.orders += 1), (p.revenue += o.net)));
  for (const c of s.customers) if (c.risk?.level === 'churned') bump(localDay(c.risk.since), (p) => p.churned++);
  for (const l of s.loyalty) if (s.baseTier && l.tier !== s.baseTier) bump(localDay(l.tierSince), (p) => p.upgraded++);
  const answers = s.surveys.filter((x) => x.answer);
  const scores = new Map<PeriodKpi, { csat: number[]; nps: number[] }>();
  for (const x of answers) bump(localDay(x.answer!.answeredAt), (p) => {
    const e = scores.get(p) ?? { csat: [], nps: [] };
    scores.set(p, e);
    e[x.kind].push(x.answer!.score);
  });
  const finish = (p: PeriodKpi): PeriodKpi => {
    const sc = scores.get(p) ?? { csat: [], nps: [] };
    const buyers = p.newCustomers + p.returningCustomers;
    return {
      ...p,
      revenue: round2(p.revenue),
      aov: p.orders ? round2(p.revenue / p.orders) : null,
      repeatPurchaseRate: buyers ? p.returningCustomers / buyers : null,
      csat: { responses: sc.csat.length, average: sc.csat.length ? round2(mean(sc.csat)) : null },
      nps: { responses: sc.nps.length, score: sc.nps.length ? Math.round(((sc.nps.filter((v) => v >= 9).length - sc.nps.filter((v) => v <= 6).length) / sc.nps.length) * 100) : null },
    };
  };

  const buyers = s.customers.filter((c) => c.summary.purchaseDays > 0);
  const revenue = s.orders.reduce((a, o) => a + o.net, 0);
  const byLevel = { active: 0, 'at-risk': 0, churned: 0 };
  const pAliveHistogram = new Array<number>(10).fill(0);
  for (const c of s.customers) {
    if (c.risk) byLevel[c.risk.level]++;
    if (c.prediction) pAliveHistogram[Math.min(9, Math.floor(c.prediction.pAlive * 10))]!++;
  }
  return {
    generatedAt: q.now.toISOString(),
    currency: s.currency,
    timeZone: s.timeZone,
    days: [...days.values()].map(finish),
    weeks: [...weeks.values()].map(finish),
    totals: {
      customers: s.customers.length,
      buyers: buyers.length,
      repeatBuyers: buyers.filter((c) => c.summary.purchaseDays >= 2).length,
      repeatPurchaseRate: buyers.length ? buyers.filter((c) => c.summary.purchaseDays >= 2).length / buyers.length : null,
      orders: s.orders.length,
      revenue: round2(revenue),
      aov: s.orders.length ? round2(revenue / s.orders.length) : null,
    },
    flow: { new: buyers.filter((c) => (c.summary.firstDay ?? '') >= since30).length, active: byLevel.active, atRisk: byLevel['at-risk'], churned: byLevel.churned, reactivated: reactivatedRecently },
    risk: { byLevel, pAliveHistogram },
    rfm: rfmGrid(buyers, q.now),
    cohorts: cohorts(s.purchaseDays, today, q.cohortMonths ?? 12),
    clvByTier: clvTiers(s.customers),
    campaigns: [],
    lowComments: lowComments(answers),
  };
}

/** Adds the per-campaign KPIs (async: conversions go through the campaign results' one rule). */
/** A campaign's engagement counters summed over the report's span (shared/engagement). */
export type EngagementTotals = Map<string, { delivered?: number; opened?: number; clicked?: number }>;

export async function withCampaigns(k: KpiData, s: KpiSnapshot, windowDays: number, attributionDays = 5, engagement: EngagementTotals = new Map()): Promise<KpiData> {
  const ordersOf = new Map<string, Array<{ placedAt: string; net: number }>>();
  for (const o of s.orders) (ordersOf.get(o.customerId) ?? ordersOf.set(o.customerId, []).get(o.customerId)!).push(o);
  const results = await campaignReport({ sends: { sendRecords: async function* () { yield* s.sends; } }, orders: { listOrders: async (id) => ordersOf.get(id) ?? [] } }, windowDays);
  // Unsubscribes and bounces are attributed to the last campaign that mailed the customer before.
  const lastSent = (customerId: string, before: string) =>
    s.sends.filter((x) => x.customerId === customerId && x.status === 'sent' && x.at <= before).sort((a, b) => b.at.localeCompare(a.at))[0]?.campaignId;
  const blamed = new Map<string, { unsubscribed: number; bounced: number }>();
  for (const c of s.customers) {
    const sup = c.suppression;
    if (!c.suppressed || !sup || (sup.reason !== 'unsubscribe' && sup.reason !== 'bounce')) continue;
    const id = lastSent(c.customerId, sup.at);
    if (!id) continue;
    const b = blamed.get(id) ?? { unsubscribed: 0, bounced: 0 };
    blamed.set(id, b);
    if (sup.reason === 'unsubscribe') b.unsubscribed++;
    else b.bounced++;
  }
  const ids = [...new Set([...results.map((r) => r.campaignId), ...s.sends.filter((x) => x.status === 'sent').map((x) => x.campaignId)])].sort();
  const byClick = clickAttribution(s, attributionDays);
  const campaigns: CampaignKpi[] = ids.map((id) => {
    const r = results.find((x) => x.campaignId === id);
    return {
      campaignId: id,
      sent: r?.recipients.members ?? 0,
      ...engagementOf(engagement.get(id)),
      unsubscribed: blamed.get(id)?.unsubscribed ?? 0,
      bounced: blamed.get(id)?.bounced ?? 0,
      control: r?.control.members ?? 0,
      converted: r?.recipients.converters ?? 0,
      revenue: round2(r?.recipients.revenue ?? 0),
      clickOrders: byClick.get(id)?.orders ?? 0,
      clickRevenue: round2(byClick.get(id)?.revenue ?? 0),
      lift: r?.lift ?? { kind: 'insufficient-data', reason: 'no-recipients' },
    };
  });
  return { ...k, campaigns };
}

/** Delivered, opened and clicked from the campaign's counters; null (not measured) while none of
 * its mail has had a delivery reported: SES events are not flowing for it. */
function engagementOf(t: { delivered?: number; opened?: number; clicked?: number } | undefined): { delivered: number | null; opened: number | null; clicked: number | null } {
  if (!t?.delivered) return { delivered: null, opened: null, clicked: null };
  return { delivered: t.delivered, opened: t.opened ?? 0, clicked: t.clicked ?? 0 };
}

/**
 * Last-touch attribution: each order goes to the campaign whose mail the customer last clicked
 * (a person's click, the first per mail) within `days` before it. Beside coupon and holdout
 * conversions, which answer "did the campaign cause orders"; this answers "which mail led here".
 */
function clickAttribution(s: KpiSnapshot, days: number): Map<string, { orders: number; revenue: number }> {
  const touches = new Map<string, Array<{ at: number; campaignId: string }>>();
  for (const x of s.sends) if (x.clickedAt) (touches.get(x.customerId) ?? touches.set(x.customerId, []).get(x.customerId)!).push({ at: Date.parse(x.clickedAt), campaignId: x.campaignId });
  const out = new Map<string, { orders: number; revenue: number }>();
  for (const o of s.orders) {
    const placed = Date.parse(o.placedAt);
    let last: { at: number; campaignId: string } | undefined;
    for (const t of touches.get(o.customerId) ?? []) if (t.at <= placed && placed - t.at <= days * DAY_MS && (!last || t.at > last.at)) last = t;
    if (!last) continue;
    const a = out.get(last.campaignId) ?? { orders: 0, revenue: 0 };
    out.set(last.campaignId, a);
    a.orders++;
    a.revenue += o.net;
  }
  return out;
}

function rfmGrid(buyers: CustomerRecord[], now: Date): number[][] {
  const grid = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
  const scored = rfmScores(buyers.map((c) => ({ recencyDays: (now.getTime() - dayMs(c.summary.lastDay!)) / DAY_MS, frequency: c.summary.purchaseDays, monetary: c.summary.spend })));
  for (const sc of scored) grid[sc.r - 1]![sc.f - 1]!++;
  return grid;
}

function cohorts(purchaseDays: Map<string, string[]>, today: string, months: number): CohortRow[] {
  const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  const last = monthIndex(today);
  const rows = new Map<number, { size: number; active: number[] }>();
  for (const [, pd] of purchaseDays) {
    if (!pd.length) continue;
    const c = monthIndex(pd[0]!);
    if (c <= last - months) continue;
    const row = rows.get(c) ?? { size: 0, active: new Array<number>(last - c + 1).fill(0) };
    rows.set(c, row);
    row.size++;
    for (const k of new Set(pd.map((d) => monthIndex(d) - c))) if (k < row.active.length) row.active[k]!++;
  }
  return [...rows]
    .sort(([a], [b]) => a - b)
    .map(([c, r]) => ({ cohort: `${Math.floor(c / 12)}-${String((c % 12) + 1).padStart(2, '0')}`, size: r.size, retention: r.active.map((n) => n / r.size) }));
}

/** Value tiers by predicted 12-month CLV rank: the top 20 % high, the next 30 % medium, the rest low. */
function clvTiers(customers: CustomerRecord[]) {
  const clv = customers.flatMap((c) => (c.prediction?.clv12m !== undefined ? [c.prediction.clv12m] : [])).sort((a, b) => b - a);
  const cut = (share: number) => Math.round(clv.length * share);
  const parts: Array<[ValueTier, number[]]> = [['high', clv.slice(0, cut(0.2))], ['medium', clv.slice(cut(0.2), cut(0.5))], ['low', clv.slice(cut(0.5))]];
  return parts.map(([tier, v]) => ({ tier, customers: v.length, averageClv: v.length ? round2(mean(v)) : 0, minClv: v.length ? round2(v.at(-1)!) : 0 }));
}

function lowComments(answers: SurveyState[]): LowComment[] {
  return answers
    .filter((x) => x.answer!.comment && x.answer!.score <= LOW[x.kind])
    .map((x) => ({ at: x.answer!.commentedAt ?? x.answer!.answeredAt, kind: x.kind, score: x.answer!.score, comment: x.answer!.comment!, campaignId: x.campaignId }))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, 200);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const round2 = (n: number) => Math.round(n * 100) / 100;
