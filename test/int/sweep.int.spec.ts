/**
 * The whole loop through real handlers and emulators: profile + orders → sweep → win-back mail
 * via SES v2 — sent once, only with consent, in the customer's language.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { couponHash, issueCoupon } from '../../shared/coupons/index.js';
import { redeemOrderCoupon } from '../../shared/coupons/redeem-order.js';
import { campaignReport } from '../../shared/campaigns/results.js';
import type { OrderPlaced } from '../../shared/platform/contracts/events.js';
import { putRaw, systemForTest } from '../support/system.js';
import type { LocalSystem } from '../../local/system.js';
import { couponCodeIn, mailTo, unsubscribeLink } from '../support/mail.js';
import { orderEvent } from '../support/events.js';
import { control, drifting, mailable, NOW, shopper } from '../support/win-back.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let stores: LocalSystem['stores'];

let ids: Record<'en' | 'zh' | 'noconsent' | 'recent' | 'ny' | 'ctl', string>;

beforeAll(async () => {
  // Dispatch judges quiet hours and caps at the real send moment: pin the wall clock (Date only).
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest();
  stores = sys.stores;
  const t = sys.tag;
  ids = { en: mailable(`en-${t}-`), zh: mailable(`zh-${t}-`), noconsent: mailable(`nc-${t}-`), recent: mailable(`rc-${t}-`), ny: mailable(`ny-${t}-`), ctl: control(`ctl-${t}-`) };
  await putRaw(sys, [
    shopper(ids.ny, 'en', true, 'America/New_York'),
    ...drifting(ids.ny),
    shopper(ids.ctl, 'en', true),
    ...drifting(ids.ctl),
    shopper(ids.en, 'en', true),
    shopper(ids.zh, 'zh-CN', true),
    shopper(ids.noconsent, 'en', false),
    shopper(ids.recent, 'en', true),
    ...drifting(ids.en),
    ...drifting(ids.zh),
    ...drifting(ids.noconsent),
    orderEvent(ids.recent, `${ids.recent}-o1`, '2026-11-10T10:00:00Z'),
  ]);
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('churn sweep → win-back email', () => {
  it('marks drifting customers at risk and mails the consenting ones in their language', async () => {
    await sys.sweep(NOW);
    const t = sys.tag;
    const [en] = await mailTo(`${ids.en}@example.com`);
    expect(en?.subject).toBe('Ada Lovelace, we miss you at Engage Demo Shop');
    expect(en?.body?.text).toContain('September 1, 2026');
    expect(en?.body?.html).toContain('88 Demo Road'); // the shop's postal address (CAN-SPAM)
    const [zh] = await mailTo(`${ids.zh}@example.com`);
    expect(zh?.subject).toBe('王芳，Engage Demo Shop 想念您');
    expect(zh?.body?.text).toContain('2026年9月1日');
  });

  it('never mails a customer without marketing consent, and records why', async () => {
    const t = sys.tag;
    expect(await mailTo(`${ids.noconsent}@example.com`)).toHaveLength(0);
    expect(await stores.sends.listSends(ids.noconsent)).toEqual([expect.objectContaining({ campaignId: 'win-back', status: 'skipped', reason: 'no-consent' })]);
  });

  it('sends nothing twice when a risk event is re-published after its write was lost', async () => {
    // Given the transition was published but the crash lost the risk write (the sweep's one window)
    const t = sys.tag;
    const c = (await stores.customers.getCustomer(ids.en))!;
    await putRaw(sys, [
      {
        source: 'engage.core',
        detailType: DetailType.CustomerRiskChanged,
        detail: { customerId: c.customerId, from: null, to: 'at-risk', method: 'rule', daysSinceLastOrder: 80, lastOrderDay: '2026-09-01', runKey: 'another-run', occurredAt: NOW.toISOString() },
      },
    ]);
    // Then the campaign recognises the same occurrence
    expect(await mailTo(`${ids.en}@example.com`)).toHaveLength(1);
  });

  it('defers a customer whose local time is in quiet hours, and records the decision', async () => {
    expect(await mailTo(`${ids.ny}@example.com`)).toHaveLength(0);
    const [rec] = await stores.sends.listSends(ids.ny);
    expect(rec).toMatchObject({ campaignId: 'win-back', status: 'deferred', reason: 'quiet-hours', until: '2026-11-20T13:00:00.000Z' });
  });

  it('sends a deferred mail once when it falls due, and not again', async () => {
    // When the 15-minute job runs before the due time, nothing happens
    await sys.runScheduled('dispatch-due', new Date('2026-11-20T12:45:00Z'));
    expect(await mailTo(`${ids.ny}@example.com`)).toHaveLength(0);
    // After 08:00 in New York the deferral is decided again and sent
    vi.setSystemTime(new Date('2026-11-20T13:05:00Z'));
    await sys.runScheduled('dispatch-due', new Date('2026-11-20T13:05:00Z'));
    expect(await mailTo(`${ids.ny}@example.com`)).toHaveLength(1);
    expect((await stores.sends.listSends(ids.ny)).find((r) => r.campaignId === 'win-back')).toMatchObject({ status: 'sent' });
    // A repeated run (or a redelivered due event) sends nothing more
    await sys.runScheduled('dispatch-due', new Date('2026-11-20T13:20:00Z'));
    expect(await mailTo(`${ids.ny}@example.com`)).toHaveLength(1);
    vi.setSystemTime(NOW);
  });

  it('keeps the holdout as a recorded control group, not mailed', async () => {
    expect(await mailTo(`${ids.ctl}@example.com`)).toHaveLength(0);
    expect(await stores.sends.listSends(ids.ctl)).toEqual([expect.objectContaining({ status: 'control', reason: 'holdout' })]);
  });

  it('redeems the mailed single-use coupon exactly once when two orders race for it, attributing the revenue', async () => {
    // Given the code printed in the zh-CN win-back mail
    const [mail] = await mailTo(`${ids.zh}@example.com`);
    const code = couponCodeIn(mail!.body!.text);
    const withCode = (orderId: string) => {
      const e = orderEvent(ids.zh, orderId, '2026-11-21T02:00:00Z');
      return { ...e, detail: { ...e.detail, total: 180, couponCode: code.toLowerCase() } };
    };
    // When two orders carrying it arrive together, each delivered twice
    await putRaw(sys, [withCode('race-a'), withCode('race-b'), withCode('race-a'), withCode('race-b')]);
    // Then exactly one order holds it, with the revenue attributed to win-back
    const coupon = await stores.coupons.getCoupon(couponHash(code));
    expect(['race-a', 'race-b']).toContain(coupon?.redeemedBy);
    expect(coupon?.campaignId).toBe('win-back');
    // (both orders still count as purchases; only the discount is single-use)
    expect((await stores.customers.getCustomer(ids.zh))?.summary.lastDay).toBe('2026-11-21');
  });

  it('lets exactly one of many concurrent redemptions win (conditional write, not last-writer-wins)', async () => {
    const code = 'ABCD-EFGH-JKLM-NP';
    await stores.coupons.putCoupon(issueCoupon({ kind: 'fixed', value: 20, expiresInDays: 14 }, { codeHash: couponHash(code), campaignId: 'win-back', customerId: ids.zh, currency: 'CNY' }, NOW));
    const orderWith = (orderId: string): OrderPlaced => ({
      orderId, customerId: ids.zh, lines: [{ sku: 'tea', quantity: 1, unitPrice: 99 }], total: 99, currency: 'CNY', couponCode: code, occurredAt: NOW.toISOString(),
    });
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => redeemOrderCoupon(stores.coupons, orderWith(`race-${i}`), NOW)));
    expect(outcomes.filter((o) => o.kind === 'redeemed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'rejected' && o.reason === 'already-redeemed')).toHaveLength(7);
    expect(JSON.stringify(outcomes)).not.toContain(code); // outcomes (which get logged) carry a fingerprint only
  });

  it('reports recipients against the control group, counting orders placed after the mail', async () => {
    const [winBack] = (await campaignReport(stores, 30)).filter((r) => r.campaignId === 'win-back');
    // en, zh and the delayed ny were mailed; ctl was held out; zh ordered afterwards (the coupon race)
    expect(winBack?.recipients).toMatchObject({ members: 3, converters: 1 });
    expect(winBack?.recipients.revenue).toBeGreaterThan(0);
    expect(winBack?.control).toEqual({ members: 1, converters: 0, revenue: 0 });
    expect(winBack?.lift.kind).toBe('report');
  });

  it('thanks a customer whose order lifts them to gold, in their language, once', async () => {
    // Given a consenting customer whose single order passes the gold spend threshold (loyalty.yaml: 8,000)
    const vip = mailable(`vip-${sys.tag}-`);
    const big = orderEvent(vip, `${vip}-o1`, '2026-11-20T09:30:00Z');
    const bigOrder = { ...big, detail: { ...big.detail, total: 9000, lines: [{ sku: 'tea', quantity: 1, unitPrice: 9000 }] } };
    await putRaw(sys, [shopper(vip, 'zh-CN', true)]);
    // When the order arrives (twice)
    await putRaw(sys, [bigOrder, bigOrder]);
    // Then loyalty's tier change reaches the VIP campaign and one mail goes out
    const mails = await mailTo(`${vip}@example.com`);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('金卡');
  });

  it('honours RFC 8058 one-click unsubscribe: GET changes nothing, POST suppresses, forged tokens do nothing', async () => {
    // Given the win-back mail's List-Unsubscribe header
    const [mail] = await mailTo(`${ids.en}@example.com`);
    const { eml, url } = await unsubscribeLink(mail!.messageId);
    expect(eml).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    expect(url.startsWith(sys.linksUrl)).toBe(true);
    // When a mail scanner prefetches it, nothing changes
    expect((await fetch(url)).status).toBe(200);
    expect((await stores.customers.getCustomer(ids.en))?.suppressed).toBeUndefined();
    // A tampered or cross-purpose token is refused with a generic page and no change
    const tampered = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(tampered, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(400);
    expect((await stores.customers.getCustomer(ids.en))?.suppressed).toBeUndefined();
    // When the mail client POSTs (no cookies, no auth), the address is suppressed, without a redirect
    const res = await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    expect(res.status).toBe(200);
    expect((await stores.customers.getCustomer(ids.en))?.suppressed).toBe(true);
  });

  it('never mails a suppressed customer, checked right before the send', async () => {
    // Given the unsubscribed customer drifts again after a new order
    const later = new Date('2027-03-20T10:00:00Z');
    vi.setSystemTime(later);
    await putRaw(sys, [orderEvent(ids.en, `${ids.en}-o9`, '2026-12-01T10:00:00Z')]);
    await sys.sweep(later);
    expect(await mailTo(`${ids.en}@example.com`)).toHaveLength(1);
    expect((await stores.sends.listSends(ids.en)).find((s) => s.occurrence.endsWith('2026-12-01'))).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('reminds about an unredeemed coupon three days before it expires, and not about a redeemed one', async () => {
    // The win-back coupons were issued at NOW with 14 days of validity: reminders are due at NOW + 11 days
    // (the fake clock advances with real time, so the issue time is NOW plus a few seconds;
    // zh drifted again later and holds a second coupon, with its own reminder)
    const firstReminder = async () => (await stores.sends.listSends(ids.zh)).find((r) => r.campaignId === 'coupon-reminder' && r.until?.startsWith('2026-12-01T10:0'));
    expect(await firstReminder()).toMatchObject({ status: 'deferred', reason: 'scheduled' });
    const occurrence = (await firstReminder())!.occurrence;
    // 14:00Z: after both reminders' due times, 09:00 in New York
    const due = new Date('2026-12-01T14:00:00Z');
    vi.setSystemTime(due);
    await sys.runScheduled('dispatch-due', due);
    // zh redeemed theirs in the race above
    expect((await stores.sends.listSends(ids.zh)).find((r) => r.occurrence === occurrence)).toMatchObject({ status: 'skipped', reason: 'redeemed' });
    // ny got the win-back (after quiet hours) and did not redeem: reminded, with only the code's last two characters
    const reminders = (await mailTo(`${ids.ny}@example.com`)).filter((m) => m.subject?.includes('expires soon'));
    expect(reminders).toHaveLength(1);
    const [winBack] = (await mailTo(`${ids.ny}@example.com`)).filter((m) => !m.subject?.includes('expires soon'));
    const code = couponCodeIn(winBack!.body!.text);
    expect(reminders[0]!.body!.text).toContain(`••••-••••-••••-${code.slice(-2)}`);
    expect(reminders[0]!.body!.text).not.toContain(code);
    vi.setSystemTime(NOW);
  });
});
