/**
 * Shopper pages as a shopper meets them, through the real links handler on loopback: in their
 * language, branded with the shop, `lang` set; subscribing again after an unsubscribe (only an
 * unsubscribe is ever lifted); a second survey click and an invalid score answered honestly.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyring } from '../../shared/platform/runtime/keyring.js';
import { signToken, type TokenKeyring } from '../../shared/links/token.js';
import { emailHash } from '../../shared/privacy/suppression.js';
import { profileEvent } from '../support/events.js';
import { putRaw, systemForTest } from '../support/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let keys: TokenKeyring;
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const unsubscribeUrl = (cid: string) => `${sys.linksUrl}/u/${signToken('unsubscribe', { sub: cid, ref: 'win-back' }, keys, new Date())}`;
const post = (url: string, body = '') => fetch(url, { method: 'POST', body, headers: form, redirect: 'manual' });

beforeAll(async () => {
  sys = await systemForTest({ SHOP_NAME: '枫叶茶铺', SHOP_URL: 'https://tea.example.com' });
  keys = parseKeyring(readFileSync(sys.settings.keyringFile, 'utf8'));
  await putRaw(sys, [profileEvent('pg-zh', { locale: 'zh-CN' }), profileEvent('pg-en', { locale: 'en' }), profileEvent('pg-bounced', { locale: 'en' }), profileEvent('pg-sv', { locale: 'zh-CN' })]);
});
afterAll(() => sys?.close());

describe('unsubscribe pages', () => {
  it('speak the recipient\'s language, carry the shop name and a link back, and set lang', async () => {
    const zh = await (await fetch(unsubscribeUrl('pg-zh'))).text();
    expect(zh).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(zh).toContain('确认不再接收枫叶茶铺的营销邮件？');
    expect(zh).toContain('<a href="https://tea.example.com" lang="zh-CN">返回枫叶茶铺</a>');
    expect(zh).not.toContain('Unsubscribe');
    const en = await (await fetch(unsubscribeUrl('pg-en'))).text();
    expect(en).toMatch(/<html lang="en">/);
    expect(en).toContain('Stop receiving marketing email from 枫叶茶铺?');
    expect(en).not.toMatch(/退订/);
  });

  it('a broken link, whose recipient is unknown, answers in both languages', async () => {
    const res = await fetch(`${sys.linksUrl}/u/not.a.token`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('此链接无效或已过期。');
    expect(html).toContain('This link is invalid or has expired.');
  });

  it('after an unsubscribe, offers to subscribe again; that lifts the suppression, on the item and the hashed list, and is recorded', async () => {
    const url = unsubscribeUrl('pg-en');
    const page = await (await post(url, 'List-Unsubscribe=One-Click')).text();
    expect(page).toContain(`action="${new URL(url).pathname}/resubscribe"`);
    expect(page).toContain('Subscribe again');
    expect((await sys.stores.customers.getCustomer('pg-en'))?.suppressed).toBe(true);
    expect(await sys.stores.suppression.getAddressSuppression(emailHash('pg-en@example.com'))).toMatchObject({ reason: 'unsubscribe' });
    // A GET (a scanner) changes nothing
    expect((await fetch(`${url}/resubscribe`)).status).toBe(405);
    expect((await sys.stores.customers.getCustomer('pg-en'))?.suppressed).toBe(true);
    const res = await post(`${url}/resubscribe`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You will receive marketing email from 枫叶茶铺 again');
    const c = await sys.stores.customers.getCustomer('pg-en');
    expect(c?.suppressed).toBeUndefined();
    expect(c?.resubscribed).toMatchObject({ lifted: 'unsubscribe' });
    expect(await sys.stores.suppression.getAddressSuppression(emailHash('pg-en@example.com'))).toBeNull();
    // A profile update afterwards does not bring the suppression back (the address is off the list)
    await putRaw(sys, [profileEvent('pg-en', { locale: 'en', occurredAt: '2026-02-01T00:00:00Z' })]);
    expect((await sys.stores.customers.getCustomer('pg-en'))?.suppressed).toBeUndefined();
  });

  it('never lifts a bounce, even one that came after an unsubscribe', async () => {
    const url = unsubscribeUrl('pg-bounced');
    await post(url, 'List-Unsubscribe=One-Click');
    // SES reports a bounce of an earlier mail afterwards: the first reason stays "unsubscribe"
    const { suppressCustomer } = await import('../../shared/privacy/suppression.js');
    await suppressCustomer(sys.stores, 'pg-bounced', 'bounce', new Date().toISOString());
    const res = await post(`${url}/resubscribe`);
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/cannot be subscribed again/);
    expect((await sys.stores.customers.getCustomer('pg-bounced'))?.suppressed).toBe(true);
    expect(await sys.stores.suppression.getAddressSuppression(emailHash('pg-bounced@example.com'))).not.toBeNull();
  });
});

describe('survey pages', () => {
  const surveyId = 'post-delivery-survey:delivered:o-pg';
  let url = '';
  beforeAll(async () => {
    await sys.stores.surveys.putSurvey({ surveyId, customerId: 'pg-sv', campaignId: 'post-delivery-survey', kind: 'csat', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), orderId: 'o-pg' });
    url = `${sys.linksUrl}/s/${signToken('survey', { sub: 'pg-sv', ref: surveyId }, keys, new Date())}`;
  });

  it('refuse a score outside the scale, on the page and on the POST, and record nothing', async () => {
    const get = await fetch(`${url}?score=99`);
    expect(get.status).toBe(400);
    expect(await get.text()).toContain('99 不是本次调查的有效评分（1 到 5）。');
    expect((await post(url, 'score=99')).status).toBe(400);
    expect((await sys.stores.surveys.getSurvey('pg-sv', surveyId))?.answer).toBeUndefined();
  });

  it('record the first score, in the recipient\'s language; a second click with another score is told the first stands', async () => {
    const first = await post(url, 'score=4');
    expect(await first.text()).toContain('您的评分 4 已记录');
    const second = await (await post(url, 'score=2')).text();
    expect(second).toContain('您之前已评 4 分；以第一次评分为准，2 分未记录。');
    expect(second).not.toContain('已记录。</p>');
    // The GET of another rating link says so without submitting anything
    const again = await (await fetch(`${url}?score=1`)).text();
    expect(again).toContain('您之前已评 4 分');
    expect(again).not.toContain('<script');
    expect((await sys.stores.surveys.getSurvey('pg-sv', surveyId))?.answer?.score).toBe(4);
  });
});
