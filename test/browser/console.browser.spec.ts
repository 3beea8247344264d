/**
 * The local console in a real browser (Debian's chromium via puppeteer-core), against a small shop
 * on the real emulators: every page loads without console errors, shows its content, Chinese text
 * is drawn with a CJK font (asked of the renderer itself) and not as blank boxes, and each page
 * leaves a screenshot in out/screenshots/.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalConsole, type ConsoleHandle } from '../../local/console/index.js';
import { issueUniqueCoupon } from '../../shared/coupons/issue.js';
import { inkShare, launchBrowser, renderedFonts, SCREENSHOTS, watchedPage } from '../support/browser.js';
import { orderEvent, profileEvent } from '../support/events.js';
import { putRaw, systemForTest } from '../support/system.js';
import { repoRoot } from '../../local/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let ui: ConsoleHandle;
let browser: Browser;
let code = '';
const DAY = 86_400_000;
// 1 + (i % 4) orders for customer i of 10
const ORDERS = Array.from({ length: 10 }, (_, i) => 1 + (i % 4)).reduce((a, b) => a + b);
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

beforeAll(async () => {
  // A daytime wall clock in London and Shanghai alike: at night quiet hours defer every mail, and
  // the dashboard would have no campaign to show (Date only: timers stay real for the browser).
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date('2026-11-20T10:00:00Z'));
  browser = await launchBrowser();
  sys = await systemForTest();
  const names = ['赵敏', '周芷若', '小昭', 'Ada Lovelace', 'Grace Hopper', 'Alan Turing', '张无忌', 'Edsger Dijkstra', '殷离', 'Barbara Liskov'];
  const events = names.flatMap((name, i) => {
    const id = `bz-${i}`;
    const locale = /[a-z]/i.test(name) ? ('en' as const) : ('zh-CN' as const);
    const orders = Array.from({ length: 1 + (i % 4) }, (_, k) => orderEvent(id, `${id}-o${k}`, ago(10 + i * 17 + k * 40), 60 + 15 * i));
    return [profileEvent(id, { name, locale, occurredAt: ago(400) }), ...orders];
  });
  await putRaw(sys, events);
  await sys.sweep(new Date());
  ({ code } = await issueUniqueCoupon(sys.stores.coupons, { kind: 'percent', value: 15, minSpend: 100, expiresInDays: 14 }, { campaignId: 'win-back', customerId: 'bz-0', currency: 'CNY' }, new Date(), randomBytes));
  await sys.stores.sends.completeSend('bz-0', { campaignId: 'win-back', occurrence: 'at-risk:test', kind: 'marketing', status: 'sent', at: ago(2), messageId: 'msg-bz-0' });
  for (const [i, score, comment] of [[0, 1, '快递太慢了，等了一个星期'], [3, 2, 'The box arrived crushed'], [6, 2, '客服态度不好，没人回复']] as const) {
    const surveyId = `post-delivery-survey:delivered:bz-${i}-o0`;
    await sys.stores.surveys.putSurvey({ surveyId, customerId: `bz-${i}`, campaignId: 'post-delivery-survey', kind: 'csat', expiresAt: ago(-20), orderId: `bz-${i}-o0` });
    await sys.stores.surveys.answerSurvey(`bz-${i}`, surveyId, { score, answeredAt: ago(1), comment, commentedAt: ago(1) }, 'unanswered', { kind: 'csat', campaignId: 'post-delivery-survey' });
  }
  ui = await startLocalConsole(sys, { lang: 'zh-CN' });
});
afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await sys?.close();
  vi.useRealTimers();
});

async function open(path: string, shot: string) {
  const { page, problems } = await watchedPage(browser);
  const res = await page.goto(new URL(path, ui.url).href, { waitUntil: 'load' });
  await page.screenshot({ path: join(SCREENSHOTS, `${shot}.png`), fullPage: true });
  return { page, problems, status: res?.status() };
}

describe('the console in chromium', () => {
  it('dashboard (zh-CN): the report with every chart as SVG, KPI tiles, Chinese drawn in a CJK font', async () => {
    const { page, problems, status } = await open('/?lang=zh-CN', 'dashboard-zh');
    expect(status).toBe(200);
    expect(await page.$eval('h1', (e) => e.textContent)).toContain('Engage 经营报告');
    expect(await page.$eval('html', (e) => e.getAttribute('lang'))).toBe('zh-CN');
    const charts = await page.$$eval('figure[data-chart] svg', (els) => els.map((e) => e.closest('figure')!.getAttribute('data-chart')));
    expect(charts).toEqual(expect.arrayContaining(['customers', 'revenue', 'flow', 'rfm', 'risk', 'cohorts', 'funnel', 'satisfaction', 'topics']));
    expect(await page.$eval('[data-kpi="customers"] b', (e) => e.textContent)).toBe('10');
    expect(await page.$eval('[data-kpi="orders"] b', (e) => e.textContent)).toBe(String(ORDERS));
    expect(await page.$eval('#satisfaction', (e) => e.textContent)).toContain('物流配送');
    // The renderer's own answer: which font drew the heading and an SVG label
    expect((await renderedFonts(page, 'h1')).join()).toMatch(/CJK/);
    expect((await renderedFonts(page, '#chart-flow svg text')).join()).toMatch(/CJK/);
    // …and the heading is really drawn (ink in its box, not an empty or blank area)
    expect(await inkShare(page, 'h1')).toBeGreaterThan(0.04);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('dashboard (en) speaks English', async () => {
    const { page, problems } = await open('/?lang=en', 'dashboard-en');
    expect(await page.$eval('#headline', (e) => e.textContent)).toContain('Repeat-purchase rate');
    expect(await page.$eval('html', (e) => e.getAttribute('lang'))).toBe('en');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('dashboard: a Flows section with every configured flow and its figures, as `engage report` shows them', async () => {
    // This shop's campaigns have no flows; a console over the shipped ones (which do) and the same table
    const withFlows = await startLocalConsole({ ...sys, settings: { ...sys.settings, campaignsDir: join(repoRoot, 'campaigns') } }, { lang: 'en' });
    try {
      const { page, problems } = await watchedPage(browser);
      await page.goto(new URL('/?lang=en', withFlows.url).href, { waitUntil: 'load' });
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-flows.png'), fullPage: true });
      const flows = await page.$$eval('#flows [data-flow-figures]', (els) => els.map((e) => e.getAttribute('data-flow-figures')));
      expect(flows.sort()).toEqual(['abandoned-checkout', 'post-purchase', 'welcome-series', 'win-back-churned']);
      expect(await page.$eval('#flows', (e) => e.textContent)).toMatch(/Entered/i);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await withFlows.close();
    }
  });

  it('campaigns: every campaign listed; a campaign shows its config, outcomes, recent sends and lift', async () => {
    const { page, problems } = await open('/campaigns', 'campaigns');
    const ids = await page.$$eval('tr[data-campaign]', (rows) => rows.map((r) => r.getAttribute('data-campaign')));
    expect(ids).toEqual(expect.arrayContaining(['win-back', 'birthday', 'post-delivery-survey', 'monthly-favourites']));
    await Promise.all([page.waitForNavigation(), page.click('a[href="/campaigns/win-back"]')]);
    await page.screenshot({ path: join(SCREENSHOTS, 'campaign-win-back.png'), fullPage: true });
    expect(await page.$eval('#config', (e) => e.textContent)).toContain('risk-entered');
    expect(await page.$eval('#outcomes', (e) => e.textContent)).toMatch(/sent/);
    expect(await page.$$eval('#sends tbody tr', (r) => r.length)).toBeGreaterThan(0);
    expect(await page.$eval('#lift', (e) => e.textContent)).toMatch(/Lift vs holdout/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('customer lookup: profile, scores, coupon by hint only, messages with outcomes, survey answers', async () => {
    const { page, problems } = await open('/customers', 'customers-search');
    await page.type('input[name="id"]', 'bz-0');
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await page.screenshot({ path: join(SCREENSHOTS, 'customer-bz-0.png'), fullPage: true });
    expect(page.url()).toMatch(/\/customers\/bz-0$/);
    expect(await page.$eval('h1', (e) => e.textContent)).toContain('赵敏');
    expect((await renderedFonts(page, 'h1')).join()).toMatch(/CJK/);
    const coupons = await page.$eval('#coupons', (e) => e.textContent ?? '');
    expect(coupons).toContain(`••••-••••-••••-${code.slice(-2)}`);
    expect(coupons).not.toContain(code);
    expect(await page.$eval('#messages', (e) => e.textContent)).toContain('msg-bz-0');
    expect(await page.$eval('#surveys', (e) => e.textContent)).toContain('快递太慢了');
    expect(await page.$eval('#profile', (e) => e.textContent)).toMatch(/Risk.*(active|at-risk|churned)/s);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('email preview: any campaign for a stored customer, in their language, with the configured shop', async () => {
    const { page, problems } = await open('/preview?campaign=win-back&customer=bz-0', 'preview-win-back-zh');
    expect(await page.$eval('#subject', (e) => e.textContent)).toContain('赵敏');
    const frame = await (await page.$('iframe'))!.contentFrame();
    await frame.waitForSelector('body');
    const text = await frame.$eval('body', (b) => b.textContent ?? '');
    expect(text).toContain('赵敏');
    expect(text).toContain('88 Demo Road');
    expect(problems).toEqual([]);
    const missing = await open('/preview?campaign=win-back&customer=nobody', 'preview-missing');
    expect(missing.status).toBe(404);
    expect(await missing.page.$eval('#error', (e) => e.textContent)).toContain('nobody');
    await page.close();
    await missing.page.close();
  });

  it('is read-only and loopback-only', async () => {
    expect(new URL(ui.url).hostname).toBe('127.0.0.1');
    expect((await fetch(ui.url, { method: 'POST' })).status).toBe(405);
  });
});
