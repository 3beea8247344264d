/**
 * Guarantee: a deferred send comes back in the lane it came in. Through the real handlers: a
 * post-delivery survey (its trigger arrives on the transactional lane, DeliveryFollowUps) is
 * deferred by the customer's quiet hours, then waits for its 72 h delay, then is deferred by quiet
 * hours again, and each time the
 * due job hands it back it is delivered on DeliveryFollowUps, never behind the bulk lane's
 * CampaignTriggers queue; it goes out once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putRaw, systemForTest, type TestSystem } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { fulfilled, mailable, placed, profile, sendItem } from '../../support/guarantees.js';

let sys: TestSystem;
// 22:00 in Auckland, and so is 72 h later: inside its quiet hours until 08:00 (19:00 UTC).
const DELIVERED = new Date('2026-11-17T09:00:00Z');

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(DELIVERED);
  sys = await systemForTest();
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

/** Dispatch deliveries per lane queue while `run` happens. */
async function deliveredDuring(run: () => Promise<unknown>): Promise<{ transactional: number; bulk: number }> {
  const q = (id: string) => sys.bus.queues.get(id)!.delivered;
  const [tx, bulk] = [q('DeliveryFollowUps'), q('CampaignTriggers')];
  await run();
  return { transactional: q('DeliveryFollowUps') - tx, bulk: q('CampaignTriggers') - bulk };
}

describe('deferred sends and their lane', () => {
  it('a post-delivery survey deferred by quiet hours, its delay and quiet hours again comes back on the transactional lane each time, and is sent once', async () => {
    const id = mailable('post-delivery-survey', `lane-${sys.tag}-`);
    const orderId = `${id}-o1`;
    const occurrence = `delivered:${orderId}`;
    await putRaw(sys, [profile(id, { timeZone: 'Pacific/Auckland' }), placed(id, orderId, '2026-11-10T09:00:00Z')]);
    await putRaw(sys, [fulfilled(id, orderId, DELIVERED.toISOString())]);
    const send = () => sendItem(sys, id, 'post-delivery-survey', occurrence);
    // Delivered at 22:00 in Auckland: deferred by quiet hours until 08:00 there.
    expect(await send()).toMatchObject({ status: 'deferred', reason: 'quiet-hours', until: '2026-11-17T19:00:00.000Z', lane: 'transactional' });
    // Each due run hands it back on its own lane: at 08:15 it waits for its 72 h delay (22:00 on the
    // 20th), at 22:15 on the 20th quiet hours defer it again, at 08:15 on the 21st it goes out.
    const steps = [
      ['2026-11-17T19:15:00Z', { status: 'deferred', until: '2026-11-20T09:00:00.000Z' }],
      ['2026-11-20T09:15:00Z', { status: 'deferred', reason: 'quiet-hours', until: '2026-11-20T19:00:00.000Z' }],
      ['2026-11-20T19:15:00Z', { status: 'sent' }],
    ] as const;
    for (const [at, expected] of steps) {
      expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
      const now = new Date(at);
      vi.setSystemTime(now);
      expect(await deliveredDuring(() => sys.runScheduled('dispatch-due', now))).toEqual({ transactional: 1, bulk: 0 });
      expect(await send()).toMatchObject(expected);
    }
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(sys.bus.deadLetters).toEqual([]);
  }, 60_000);
});
