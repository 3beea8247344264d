/**
 * Guarantee: an unsubscribed, bounced or non-consenting address never gets marketing mail, however
 * late the news arrives: consent and suppression are checked on the customer as stored right
 * before the SES call, against the hashed address list as well as the customer's own flag, and
 * profile updates are ordered by instant, whatever offset the shop wrote them in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { containing, systemWithFaults, type FaultySystem } from '../../support/faults.js';
import { mailable, placed, profile, riskChanged, sendItem, unsubscribeUrl } from '../../support/guarantees.js';

let sys: FaultySystem;
const T0 = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  sys = await systemWithFaults();
});
afterEach(() => sys.dynamo.clear());
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

const unsubscribe = async (customerId: string) => {
  const res = await fetch(unsubscribeUrl(sys, customerId), { method: 'POST', body: 'List-Unsubscribe=One-Click' });
  expect(res.status).toBe(200);
};

describe('suppression and consent, checked right before the send', () => {
  it('does not send a mail whose customer unsubscribed while it was being prepared', async () => {
    const id = mailable('win-back', `mid-${sys.tag}-`);
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    // Given the customer's one-click unsubscribe is accepted while dispatch issues the coupon
    // (whichever call stores it: a plain put, or a transaction with the erasure check)
    for (const op of ['PutItem', 'TransactWriteItems']) sys.dynamo.beforeNext(op, containing('COUPON#', id), () => unsubscribe(id));
    await putRaw(sys, [riskChanged(id, T0)]);
    // Then no mail goes out, and the record says why
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('does not mail an address that unsubscribed under another customer id', async () => {
    const shared = `shared-${sys.tag}@example.com`;
    const first = mailable('win-back', `a-${sys.tag}-`);
    const second = mailable('win-back', `b-${sys.tag}-`);
    // Given two customer ids with one address (both registered before anything was suppressed)
    await putRaw(sys, [profile(first, { email: shared }), profile(second, { email: shared.toUpperCase() }), placed(second, `${second}-o1`, '2026-09-01T10:00:00Z')]);
    // When the first one unsubscribes and the second drifts into win-back
    await unsubscribe(first);
    await putRaw(sys, [riskChanged(second, T0)]);
    // Then the address is not mailed
    expect(await mailTo(shared)).toHaveLength(0);
    expect(await sendItem(sys, second, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('looks up an address that changed while the mail was prepared, and does not mail it when it is suppressed', async () => {
    const listed = `listed-${sys.tag}@example.com`;
    const other = mailable('win-back', `o-${sys.tag}-`);
    const id = mailable('win-back', `moved-${sys.tag}-`);
    // Given an address that unsubscribed under another customer id
    await putRaw(sys, [profile(other, { email: listed }), profile(id), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    await unsubscribe(other);
    // and the customer changes to that address while dispatch issues the coupon (after the decision read the old one)
    for (const op of ['PutItem', 'TransactWriteItems'])
      sys.dynamo.beforeNext(op, containing('COUPON#', id), async () => {
        const stored = (await sys.stores.customers.getCustomer(id))!.profile!;
        await sys.stores.customers.putProfile(id, { ...stored, email: listed, updatedAt: '2026-06-01T00:00:00.000Z' }, stored.updatedAt);
      });
    await putRaw(sys, [riskChanged(id, T0)]);
    // Then neither address gets the mail
    expect(await mailTo(listed)).toHaveLength(0);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('honours consent withdrawn four hours later in another offset, whatever order the updates arrive in', async () => {
    const id = mailable('win-back', `tz-${sys.tag}-`);
    // Given consent at 09:00 Shanghai time, withdrawn at 05:00 UTC (four hours later), delivered in that order
    await putRaw(sys, [profile(id, { consent: true, occurredAt: '2026-03-01T09:00:00+08:00' }), placed(id, `${id}-o1`, '2026-09-01T10:00:00Z')]);
    await putRaw(sys, [profile(id, { consent: false, occurredAt: '2026-03-01T05:00:00Z' })]);
    // and the older one redelivered afterwards
    await putRaw(sys, [profile(id, { consent: true, occurredAt: '2026-03-01T09:00:00+08:00' })]);
    expect((await sys.stores.customers.getCustomer(id))?.profile?.marketingConsent).toBe(false);
    // When a marketing trigger arrives, nothing is sent
    await putRaw(sys, [riskChanged(id, T0)]);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'skipped', reason: 'no-consent' });
  });
});
