/**
 * Coupons through the real handlers and emulators: the single-use code a win-back mail carries is
 * redeemed exactly once however orders race for it, and an unredeemed one is reminded of (masked)
 * three days before it expires.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { couponHash, issueCoupon } from '../../shared/coupons/index.js';
import { redeemOrderCoupon } from '../../shared/coupons/redeem-order.js';
import type { OrderPlaced } from '../../shared/platform/contracts/events.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { couponCodeIn, mailTo } from '../support/mail.js';
import { orderEvent } from '../support/events.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';

let sys: TestSystem;
/** zh races two orders for its code; red redeems its code once; keep never redeems. */
let ids: Record<'zh' | 'red' | 'keep', string>;

/** An order for 180 carrying a coupon code, as the shop sends it (any case), the next morning. */
const NEXT_MORNING = new Date('2026-11-21T02:05:00Z');
const withCoupon = (customerId: string, orderId: string, code: string) => {
  const e = orderEvent(customerId, orderId, '2026-11-21T02:00:00Z', 180);
  return { ...e, detail: { ...e.detail, couponCode: code.toLowerCase() } };
};
/** The code printed in the customer's win-back mail (their first). */
const mailedCode = async (customerId: string) => couponCodeIn((await mailTo(`${customerId}@example.com`))[0]?.body?.text);

beforeAll(async () => {
  // Dispatch judges quiet hours and caps at the real send moment: pin the wall clock (Date only).
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest();
  const t = sys.tag;
  ids = { zh: mailable(`zh-${t}-`), red: mailable(`red-${t}-`), keep: mailable(`keep-${t}-`) };
  // Each gets the win-back, with a 14-day coupon, at NOW
  await putRaw(sys, [...driftingShopper(ids.zh, 'zh-CN'), ...driftingShopper(ids.red), ...driftingShopper(ids.keep)]);
  await sys.sweep(NOW);
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});
afterEach(() => void vi.setSystemTime(NOW));

describe('single-use coupons', () => {
  it('redeems the mailed single-use coupon exactly once when two orders race for it, attributing the revenue', async () => {
    // Given the code printed in the zh-CN win-back mail
    const code = await mailedCode(ids.zh);
    // When two orders carrying it arrive together, each delivered twice
    const a = withCoupon(ids.zh, 'race-a', code);
    const b = withCoupon(ids.zh, 'race-b', code);
    vi.setSystemTime(NEXT_MORNING); // (the contract refuses business times ahead of the clock)
    await putRaw(sys, [a, b, a, b]);
    // Then exactly one order holds it, with the revenue attributed to win-back
    const coupon = await sys.stores.coupons.getCoupon(couponHash(code));
    expect(['race-a', 'race-b']).toContain(coupon?.redeemedBy);
    expect(coupon?.campaignId).toBe('win-back');
    // (both orders still count as purchases; only the discount is single-use)
    expect((await sys.stores.customers.getCustomer(ids.zh))?.summary.lastDay).toBe('2026-11-21');
  });

  it('lets exactly one of many concurrent redemptions win (conditional write, not last-writer-wins)', async () => {
    const { stores } = sys;
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

  it('reminds about an unredeemed coupon three days before it expires, and not about a redeemed one', async () => {
    const { stores } = sys;
    // Given red redeemed the code from its win-back mail
    const redeeming = withCoupon(ids.red, `${ids.red}-o9`, await mailedCode(ids.red));
    vi.setSystemTime(NEXT_MORNING);
    await putRaw(sys, [redeeming]);
    // The win-back coupons were issued at NOW with 14 days of validity: reminders are due at NOW + 11 days
    // (the fake clock advances with real time, so the issue time is NOW plus a few seconds)
    const reminderOf = async (customerId: string) => (await stores.sends.listSends(customerId)).find((r) => r.campaignId === 'coupon-reminder' && r.until?.startsWith('2026-12-01T10:0'));
    expect(await reminderOf(ids.red)).toMatchObject({ status: 'deferred', reason: 'scheduled' });
    expect(await reminderOf(ids.keep)).toMatchObject({ status: 'deferred', reason: 'scheduled' });
    const occurrence = (await reminderOf(ids.red))!.occurrence;
    // 14:00Z: after both reminders' due times, 14:00 in London
    const due = new Date('2026-12-01T14:00:00Z');
    vi.setSystemTime(due);
    await sys.runScheduled('dispatch-due', due);
    // red redeemed theirs: no reminder
    expect((await stores.sends.listSends(ids.red)).find((r) => r.occurrence === occurrence)).toMatchObject({ status: 'skipped', reason: 'redeemed' });
    expect((await mailTo(`${ids.red}@example.com`)).filter((m) => m.subject?.includes('expires soon'))).toHaveLength(0);
    // keep did not redeem: reminded, with only the code's last two characters
    const reminders = (await mailTo(`${ids.keep}@example.com`)).filter((m) => m.subject?.includes('expires soon'));
    expect(reminders).toHaveLength(1);
    const code = await mailedCode(ids.keep);
    expect(reminders[0]!.body!.text).toContain(`••••-••••-••••-${code.slice(-2)}`);
    expect(reminders[0]!.body!.text).not.toContain(code);
  });
});
