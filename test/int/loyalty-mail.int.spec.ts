/**
 * Loyalty mail through the real handlers, the local bus and the emulators: the coupon a points
 * redemption buys reaches the shopper (once, whatever is redelivered) and redeems; expiring
 * points are announced with the balance; a birthday is announced three days ahead and the day's
 * mail carries a gold member's birthday coupon. The codes are derived, never stored: each mail
 * derives the very code loyalty stored the hash of.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { couponHash } from '../../shared/coupons/index.js';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { couponCodeIn, mailTo } from '../support/mail.js';
import { orderEvent, profileEvent } from '../support/events.js';

/** 10:00 in London: outside quiet hours. */
const NOW = new Date('2026-11-20T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let sys: TestSystem;
let t: string;

const redeem = (customerId: string, key: string, points: number) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.PointsRedeemRequested,
  detail: { customerId, key, points, occurredAt: new Date(NOW.getTime() - 60_000).toISOString() },
});
const withBirthday = (e: ReturnType<typeof profileEvent>, birthday: string) => ({ ...e, detail: { ...e.detail, birthday } });
const mailsAbout = async (customerId: string, subject: RegExp) => (await mailTo(`${customerId}@example.com`)).filter((m) => subject.test(String(m.subject)));

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest();
  t = sys.tag;
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('loyalty mail', () => {
  it('mails the coupon a redemption bought once, redelivered or not, and the code redeems', async () => {
    // Given a shopper without marketing consent (the redemption mail is transactional) and 1,000 points
    const id = `redeem-${t}`;
    await putRaw(sys, [profileEvent(id, { consent: false }), orderEvent(id, `${id}-o1`, '2026-11-19T10:00:00Z', 1000)]);
    // When the shop asks to redeem 500 points, and the request is delivered twice
    await putRaw(sys, [redeem(id, 'rd-1', 500), redeem(id, 'rd-1', 500)]);
    // Then one mail carries a code whose coupon is the 5-yuan redemption coupon of this shopper
    const mails = await mailsAbout(id, /coupon/);
    expect(mails).toHaveLength(1);
    const code = couponCodeIn(mails[0]!.body?.text);
    expect(await sys.stores.coupons.getCoupon(couponHash(code))).toMatchObject({ customerId: id, campaignId: 'loyalty-redemption', kind: 'fixed', value: 5 });
    expect(mails[0]!.body?.text).toContain('Points left on your account: 500');
    // And the code pays an order (once)
    const order = orderEvent(id, `${id}-o2`, new Date(NOW.getTime() - 30_000).toISOString(), 80);
    await putRaw(sys, [{ ...order, detail: { ...order.detail, couponCode: code } }]);
    expect((await sys.stores.coupons.getCoupon(couponHash(code)))?.redeemedBy).toBe(`${id}-o2`);
  });

  it('announces points about to expire with the whole balance, once however often the sweep runs', async () => {
    // Given 300 points from November 2025 (they expire when November 2026 ends) and 200 from this month
    const id = `expiring-${t}`;
    await putRaw(sys, [profileEvent(id), orderEvent(id, `${id}-o1`, '2025-11-05T10:00:00Z', 300), orderEvent(id, `${id}-o2`, '2026-11-10T10:00:00Z', 200)]);
    // When the daily sweep runs, and runs again an hour later (another run: a run is keyed by its time)
    await sys.sweep(NOW);
    await sys.sweep(new Date(NOW.getTime() + HOUR));
    // Then one notice names the expiring points and the balance
    const mails = await mailsAbout(id, /expire soon/);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body?.text).toMatch(/You have 500 points\. 300 of them expire on /);
  });

  it('announces a birthday three days ahead, and the day mails a gold member their tier birthday coupon', async () => {
    // Given a gold member (9,000 spent) whose birthday is three days after NOW
    const id = `bday-${t}`;
    await putRaw(sys, [withBirthday(profileEvent(id), '11-23'), orderEvent(id, `${id}-o1`, '2026-10-01T10:00:00Z', 9000)]);
    // When the sweep runs today (later than the other tests' runs)
    await sys.sweep(new Date(NOW.getTime() + 2 * HOUR));
    // Then the heads-up goes out, naming the day
    expect(await mailsAbout(id, /birthday present is on its way/)).toHaveLength(1);
    // When the sweep runs on the birthday
    const day = new Date(NOW.getTime() + 3 * DAY);
    vi.setSystemTime(day);
    await sys.sweep(day);
    // Then the birthday mail carries the tier's 50-yuan birthday coupon, derived again from loyalty's claim
    const [mail, ...more] = await mailsAbout(id, /Happy birthday/);
    expect(more).toHaveLength(0);
    const coupon = await sys.stores.coupons.getCoupon(couponHash(couponCodeIn(mail?.body?.text)));
    expect(coupon).toMatchObject({ customerId: id, campaignId: 'loyalty-birthday', kind: 'fixed', value: 50 });
    // And a second run that day sends nothing more
    await sys.sweep(new Date(day.getTime() + HOUR));
    expect(await mailsAbout(id, /Happy birthday|birthday present/)).toHaveLength(2);
    vi.setSystemTime(NOW);
  });
});
