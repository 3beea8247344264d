import { describe, expect, it } from 'vitest';
import { computeKpis, reactivationDays, weekOf, withCampaigns, type KpiSnapshot } from '../../../shared/reports/snapshot.js';
import { groupByTopic, topicOf } from '../../../shared/reports/topics.js';
import { reportHtml } from '../../../shared/reports/html.js';
import { emptySummary } from '../../../shared/orders/decide.js';
import type { CustomerRecord } from '../../../shared/customers/record.js';
import type { SurveyState } from '../../../shared/surveys/response.js';

const NOW = new Date('2026-11-20T04:00:00Z'); // a Friday; its ISO week starts Monday 2026-11-16

const customer = (id: string, days: string[], extra: Partial<CustomerRecord> = {}): CustomerRecord => ({
  customerId: id,
  summary: { ...emptySummary(), orders: days.length, purchaseDays: days.length, spend: days.length * 100, ...(days.length ? { firstDay: days[0], lastDay: days.at(-1) } : {}) },
  ...extra,
});
const answer = (id: string, kind: 'csat' | 'nps', score: number, comment?: string): SurveyState => ({
  surveyId: `s:${id}`, customerId: id, campaignId: 'post-delivery-survey', kind, expiresAt: '2027-01-01T00:00:00Z',
  answer: { score, answeredAt: '2026-11-18T02:00:00Z', ...(comment ? { comment, commentedAt: '2026-11-18T02:01:00Z' } : {}) },
});

function snapshot(): KpiSnapshot {
  const days: Record<string, string[]> = {
    a: ['2026-11-17'], // new this week
    b: ['2026-10-01', '2026-10-15', '2026-11-18'], // returning; gap 34 d > 2 × 14 d mean: reactivated
    c: ['2026-06-01', '2026-11-19'], // second purchase after 171 d > the shop's 120 d: reactivated
    d: ['2026-11-10', '2026-11-16'], // returning, gap 6 d: not a reactivation
  };
  const customers = [
    customer('a', days.a!, { risk: { level: 'active', method: 'rule', since: '2026-11-17T00:00:00Z', lastOrderDay: '2026-11-17' }, prediction: { pAlive: 0.95, avgDaysBetweenOrders: 30, expectedNextOrderDay: '2026-12-17', clv12m: 500, modelVersion: 1 } }),
    customer('b', days.b!, { prediction: { pAlive: 0.55, avgDaysBetweenOrders: 30, expectedNextOrderDay: '2026-12-17', clv12m: 300, modelVersion: 1 } }),
    customer('c', days.c!, { prediction: { pAlive: 0.2, avgDaysBetweenOrders: 30, expectedNextOrderDay: '2026-12-17', clv12m: 100, modelVersion: 1 } }),
    customer('d', days.d!),
    customer('e', ['2026-05-01'], { risk: { level: 'churned', method: 'rule', since: '2026-11-17T03:00:00Z', lastOrderDay: '2026-05-01' }, suppressed: true, suppression: { reason: 'unsubscribe', at: '2026-11-12T00:00:00Z' } }),
  ];
  const orders = Object.entries({ ...days, e: ['2026-05-01'] }).flatMap(([id, ds]) => ds.map((day) => ({ customerId: id, placedAt: `${day}T02:00:00Z`, day, net: 100 })));
  return {
    currency: 'CNY', timeZone: 'Asia/Shanghai', customers, purchaseDays: new Map(Object.entries({ ...days, e: ['2026-05-01'] })), orders,
    loyalty: [{ customerId: 'b', tier: 'gold', tierSince: '2026-11-18T02:00:00Z' }, { customerId: 'a', tier: 'member', tierSince: '2026-11-17T02:00:00Z' }], baseTier: 'member',
    sends: [
      { customerId: 'e', campaignId: 'win-back', occurrence: 'at-risk:2026-05-01', status: 'sent', at: '2026-11-10T00:00:00Z' },
      { customerId: 'c', campaignId: 'win-back', occurrence: 'at-risk:2026-06-01', status: 'sent', at: '2026-11-01T00:00:00Z' },
      { customerId: 'd', campaignId: 'win-back', occurrence: 'at-risk:2026-11-10', status: 'control', at: '2026-11-01T00:00:00Z' },
    ],
    surveys: [answer('a', 'csat', 5), answer('b', 'csat', 2, '快递太慢了，等了一周'), answer('c', 'nps', 10), answer('d', 'nps', 3, 'The box arrived crushed and broken')],
    oneTimeAtRiskDays: 120, atRiskMultiple: 2,
  };
}

describe('KPIs from a snapshot', () => {
  it('counts the week\'s new, returning, reactivated, churned and upgraded customers, orders, revenue and AOV', () => {
    const k = computeKpis(snapshot(), { now: NOW, weeks: 4, days: 7 });
    const week = k.weeks.at(-1)!;
    expect(week.period).toBe('2026-11-16');
    expect(week).toMatchObject({ newCustomers: 1, returningCustomers: 3, reactivated: 2, churned: 1, upgraded: 1, downgraded: null, orders: 4, revenue: 400, aov: 100 });
    expect(week.repeatPurchaseRate).toBeCloseTo(3 / 4);
    expect(week.csat).toEqual({ responses: 2, average: 3.5 });
    expect(week.nps).toEqual({ responses: 2, score: 0 }); // one promoter, one detractor
    expect(k.days.at(-1)!.period).toBe('2026-11-20');
    expect(k.totals).toMatchObject({ customers: 5, buyers: 5, repeatBuyers: 3, orders: 9, revenue: 900, aov: 100 });
  });

  it('judges reactivation by the gap before a purchase day', () => {
    const s = { oneTimeAtRiskDays: 120, atRiskMultiple: 2 };
    expect(reactivationDays(['2026-01-01', '2026-03-01'], s)).toEqual([]);
    expect(reactivationDays(['2026-01-01', '2026-06-01'], s)).toEqual(['2026-06-01']);
    expect(reactivationDays(['2026-01-01', '2026-01-11', '2026-02-11'], s)).toEqual(['2026-02-11']);
  });

  it('builds retention by first-order month, value tiers and the RFM grid', () => {
    const k = computeKpis(snapshot(), { now: NOW, cohortMonths: 12 });
    const oct = k.cohorts.find((c) => c.cohort === '2026-10')!;
    expect(oct.size).toBe(1);
    expect(oct.retention).toEqual([1, 1]); // bought in October and again in November
    expect(k.cohorts.map((c) => c.cohort)).toEqual(['2026-05', '2026-06', '2026-10', '2026-11']);
    expect(k.clvByTier.map((t) => [t.tier, t.customers, t.averageClv])).toEqual([['high', 1, 500], ['medium', 1, 300], ['low', 1, 100]]);
    expect(k.rfm.flat().reduce((a, b) => a + b, 0)).toBe(5);
    expect(k.risk.byLevel).toEqual({ active: 1, 'at-risk': 0, churned: 1 });
    expect(weekOf('2026-11-22')).toBe('2026-11-16');
  });

  it('per campaign: sent, control, conversions and revenue within the window, the unsubscribe blamed on the last mail', async () => {
    const k = await withCampaigns(computeKpis(snapshot(), { now: NOW }), snapshot(), 30);
    expect(k.campaigns).toEqual([expect.objectContaining({ campaignId: 'win-back', sent: 2, control: 1, converted: 1, revenue: 100, unsubscribed: 1, bounced: 0, opened: null, clicked: null })]);
    expect(k.campaigns[0]!.lift.kind).toBe('report');
  });

  it('per campaign: delivered, opened and clicked from the engagement counters, and orders after a click within the attribution window', async () => {
    const s = snapshot();
    // c clicked the win-back mail three days before ordering on 2026-11-19
    s.sends[1] = { ...s.sends[1]!, deliveredAt: '2026-11-01T00:00:05Z', openedAt: '2026-11-16T01:00:00Z', clickedAt: '2026-11-16T02:00:00Z' };
    const k = await withCampaigns(computeKpis(s, { now: NOW }), s, 30, 5, new Map([['win-back', { delivered: 2, opened: 1, clicked: 1 }]]));
    expect(k.campaigns[0]).toMatchObject({ delivered: 2, opened: 1, clicked: 1, clickOrders: 1, clickRevenue: 100 });
    // A two-day window: the order came too long after the click; no counters: not measured
    const narrow = await withCampaigns(computeKpis(s, { now: NOW }), s, 30, 2);
    expect(narrow.campaigns[0]).toMatchObject({ delivered: null, opened: null, clicked: null });
    expect(narrow.campaigns[0]).toMatchObject({ clickOrders: 0, clickRevenue: 0 });
  });
});

describe('low-score comments by topic', () => {
  it('groups English and Chinese comments by keyword', () => {
    expect(topicOf('快递太慢了，等了一周')).toBe('delivery');
    expect(topicOf('The box arrived crushed and broken')).toBe('damaged');
    expect(topicOf('客服态度很差')).toBe('service');
    expect(topicOf('Too expensive for what it is')).toBe('price');
    expect(topicOf('meh')).toBe('other');
    const groups = groupByTopic(computeKpis(snapshot(), { now: NOW }).lowComments);
    expect(groups.map((g) => [g.topic, g.count])).toEqual([['delivery', 1], ['damaged', 1]]);
  });
});

describe('the HTML report', () => {
  it('is one self-contained page: inline SVG charts, labels in the chosen language, nothing fetched', async () => {
    const k = await withCampaigns(computeKpis(snapshot(), { now: NOW }), snapshot(), 30);
    const zh = reportHtml(k, 'zh-CN', { shopName: '枫叶茶铺' });
    expect(zh).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(zh).toContain('复购率');
    expect(zh).toContain('物流配送');
    expect((zh.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(10);
    for (const id of ['customers', 'revenue', 'flow', 'rfm', 'risk', 'cohorts', 'clv', 'funnel', 'lift', 'satisfaction', 'topics']) expect(zh).toContain(`data-chart="${id}"`);
    expect(zh).not.toMatch(/<script|<link|src="http|url\(http/);
    const en = reportHtml(k, 'en');
    expect(en).toContain('Repeat-purchase rate');
    expect(en).not.toContain('复购率');
  });
});
