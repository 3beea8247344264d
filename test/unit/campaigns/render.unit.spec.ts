import { beforeAll, describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../../shared/campaigns/load.js';
import { formatPlan, planCampaign, previewCampaign } from '../../../shared/campaigns/plan.js';
import { formatLocalDate, formatMoney, renderEmail, type CompiledCampaign } from '../../../shared/campaigns/render.js';
import { SAMPLE_FACTS, sampleInput, templateVars } from '../../../shared/campaigns/templates.js';
import { runTemplateBench } from '../../../bench/templates.js';

let byId: Map<string, CompiledCampaign>;
beforeAll(async () => {
  byId = new Map((await loadCampaigns('campaigns')).map((c) => [c.campaign.id, c]));
});
const get = (id: string) => byId.get(id)!;

describe('rendering', () => {
  it('escapes customer data in HTML but not in the text part or subject', () => {
    const c = get('win-back');
    const vars = templateVars(sampleInput(c.campaign, 'en', { ...SAMPLE_FACTS, name: '<b>Eve</b>' }));
    const mail = renderEmail(c, 'en', vars);
    expect(mail.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Eve</b>');
    expect(mail.text).toContain('<b>Eve</b>');
    expect(mail.subject).toBe('<b>Eve</b>, we miss you at Maple & Tea');
  });
  it('puts the preheader first in the body, hidden', () => {
    const mail = renderEmail(get('win-back'), 'en', templateVars(sampleInput(get('win-back').campaign, 'en')));
    expect(mail.html).toMatch(/<body[^>]*><div style="display:none[^"]*">It has been 75 days\. Here is what is new\.<\/div>/);
  });
  it('is responsive HTML compiled from MJML (media queries, no MJML tags left)', () => {
    const mail = renderEmail(get('birthday'), 'zh-CN', templateVars(sampleInput(get('birthday').campaign, 'zh-CN')));
    expect(mail.html).toMatch(/@media only screen and \(min-width:480px\)/);
    expect(mail.html).not.toMatch(/<mj-/);
    expect(mail.html).toContain('lang="zh-CN"');
  });
  it('formats dates in the customer zone and locale, and money per locale', () => {
    expect(formatLocalDate('2026-06-01T15:59:59Z', 'zh-CN', 'Asia/Shanghai')).toBe('2026年6月1日');
    expect(formatLocalDate('2026-06-01T15:59:59Z', 'en', 'America/New_York')).toBe('June 1, 2026');
    expect(formatLocalDate('2026-06-01T20:00:00Z', 'en', 'Asia/Shanghai')).toBe('June 2, 2026');
    expect(formatLocalDate('2026-03-01', 'en', 'Pacific/Kiritimati')).toBe('March 1, 2026');
    expect(formatMoney(100, 'zh-CN', 'CNY')).toBe('¥100.00');
    expect(formatMoney(1234.5, 'en', 'USD')).toBe('$1,234.50');
  });
  it('renders survey rating links through {% for l in links.survey %}', () => {
    const mail = previewCampaign(get('post-delivery-survey'), SAMPLE_FACTS, {}, 'en');
    for (let s = 1; s <= 5; s++) expect(mail.html).toContain(`/s/SAMPLE?score=${s}"`);
  });
});

describe('previewCampaign', () => {
  it('falls back to the campaign fallback locale and can be given a real customer and links', () => {
    const c = get('vip-thank-you');
    const mail = previewCampaign(c, { ...SAMPLE_FACTS, name: 'Ann', orders: 12 }, { links: { unsubscribe: 'https://x.example/u/T', survey: [], surveyByScore: {} } }, 'en');
    expect(mail.locale).toBe('en');
    expect(mail.text).toContain('With 12 orders');
    expect(mail.text).toContain('https://x.example/u/T');
  });
});

describe('planCampaign', () => {
  it('given a birthday campaign, when planned, then only today\'s birthdays in each customer\'s zone are decided', () => {
    const c = get('birthday').campaign;
    const now = new Date('2026-05-10T04:00:00Z'); // 12:00 in Shanghai, still 9 May in Los Angeles
    const today = { ...SAMPLE_FACTS, birthday: '1990-05-10' };
    const customers = [
      { ...today, customerId: 'a' },
      { ...today, customerId: 'b', consent: false },
      { ...today, customerId: 'c', suppressed: true },
      { ...today, customerId: 'd' },
      { ...today, customerId: 'e', birthday: '05-11' },
      { ...today, customerId: 'f', timeZone: 'America/Los_Angeles' },
      { ...SAMPLE_FACTS, customerId: 'g' },
    ];
    const plan = planCampaign(c, customers, { d: { history: [{ at: '2026-05-10T01:00:00Z', kind: 'marketing' }] } }, now);
    expect(plan.rows.map((r) => [r.customerId, r.decision])).toEqual([['a', 'send'], ['b', 'skip'], ['c', 'skip'], ['d', 'defer']]);
    expect(plan.counts).toEqual({ triggered: 4, notTriggered: 3, send: 1, defer: 1, skip: { 'no-consent': 1, suppressed: 1 } });
    expect(plan.rows[0]).toMatchObject({ locale: 'zh-CN', occurrence: 'birthday#2026' });
  });

  it('given win-back, when planned, then only customers entering its level now count — not churned, active, or already decided entries', () => {
    const c = get('win-back').campaign;
    const now = new Date('2026-05-10T04:00:00Z');
    const base = { ...SAMPLE_FACTS, lastOrderDay: '2026-02-01', daysSinceLastOrder: 98 };
    const customers = [
      { ...base, customerId: 'entering', riskLevel: 'at-risk' as const },
      { ...base, customerId: 'decided', riskLevel: 'at-risk' as const },
      { ...base, customerId: 'churned', riskLevel: 'churned' as const },
      { ...base, customerId: 'active', riskLevel: 'active' as const },
    ];
    const state = { decided: { history: [], decided: { 'win-back': ['at-risk:2026-02-01'] } } };
    const plan = planCampaign(c, customers, state, now);
    expect(plan.counts.triggered).toBe(1);
    expect(plan.counts.notTriggered).toBe(3);
    expect(plan.rows.map((r) => [r.customerId, r.occurrence])).toEqual([['entering', 'at-risk:2026-02-01']]);
  });

  it('given a scheduled campaign, the whole audience is planned; an event-driven one says it cannot be planned', () => {
    const now = new Date('2026-05-10T04:00:00Z');
    const customers = [{ ...SAMPLE_FACTS, customerId: 'a' }, { ...SAMPLE_FACTS, customerId: 'b' }];
    const scheduled = planCampaign(get('monthly-favourites').campaign, customers, {}, now);
    expect(scheduled.trigger.plannable).toBe(true);
    expect(scheduled.counts.triggered).toBe(2);
    const survey = planCampaign(get('post-delivery-survey').campaign, customers, {}, now);
    expect(survey.trigger).toMatchObject({ plannable: false, reason: expect.stringContaining('per delivery') });
    expect(survey.rows).toEqual([]);
    expect(formatPlan(survey)).toMatch(/not plannable/);
  });
});

describe('template benchmark', () => {
  it('runs and reports a positive rate', async () => {
    const b = await runTemplateBench(200);
    expect(b.rendersPerSecond).toBeGreaterThan(0);
    expect(b.htmlBytes).toBeGreaterThan(3000);
  });
});
