/**
 * Guarantee: a crash at any point between the claim, SES and the recorded outcome neither loses
 * a send silently nor sends it twice, and the frequency cap counts a send whose outcome the
 * crash left open. A "crash" is a store call failing at that point (through a proxy in front of
 * DynamoDB Local): the invocation fails, the queue redelivers, the handlers carry on.
 */
import { describe, expect, it, vi } from 'vitest';
import { putRaw } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { containing, pinnedFaultySystem, T0, type FaultySystem } from '../../support/faults.js';
import { placed, riskChanged, sendItem, tierChanged, winBackCandidate } from '../../support/guarantees.js';

let sys: FaultySystem;
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

pinnedFaultySystem((s) => (sys = s));

describe('crash points between claim, SES and the recorded outcome', () => {
  it('a crash after the claim and before SES: the claim is taken over after its lease and the mail goes out once', async () => {
    const id = await winBackCandidate(sys, 'pre');
    // Given the last look after the claim and the coupon (the read right before SES) fails: the invocation dies there
    sys.dynamo.failNext('BatchGetItem', containing(`CUST#${id}`, 'SUPPRESS#'));
    await putRaw(sys, [riskChanged(id, T0)]);
    expect(sys.dynamo.injected).toBeGreaterThan(0);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    // When the due job runs once the claim's lease has run out, and again later
    vi.setSystemTime(at(20));
    await sys.runScheduled('dispatch-due', at(20));
    await sys.runScheduled('dispatch-due', at(35));
    await putRaw(sys, [riskChanged(id, T0)]); // and a late redelivery of the trigger
    // Then the mail went out exactly once, and says so
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'sent' });
  });

  it('a crash after SES accepted and before the outcome was written: recorded unknown, never resent, and capped against', async () => {
    const id = await winBackCandidate(sys, 'post');
    // Given the write of the "sent" outcome fails (SES already has the mail)
    sys.dynamo.failNext('TransactWriteItems', containing('SEND#win-back', '"S":"sent"'));
    await putRaw(sys, [riskChanged(id, T0)]);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    // When another marketing campaign triggers minutes later
    vi.setSystemTime(at(5));
    await putRaw(sys, [tierChanged(id, at(5))]);
    // Then the frequency cap counts the open send: no second marketing mail within 16 h
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
    expect(await sendItem(sys, id, 'vip-thank-you', `tier#placed#${id}`)).toMatchObject({ status: 'deferred', reason: 'capped' });
    // When the due job runs after the open send's lease
    vi.setSystemTime(at(30));
    await sys.runScheduled('dispatch-due', at(30));
    await putRaw(sys, [riskChanged(id, T0)]);
    // Then it is recorded as unknown and nothing is sent again
    expect(await sendItem(sys, id, 'win-back', 'at-risk:2026-09-01')).toMatchObject({ status: 'unknown' });
    // and its coupon's expiry reminder, written with the sent outcome that failed, does not exist
    expect((await sys.stores.sends.listSends(id)).filter((r) => r.campaignId === 'coupon-reminder')).toEqual([]);
    expect(await mailTo(`${id}@example.com`)).toHaveLength(1);
  });
});
